package io.coffer.loader;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns header labels into field names: trimmed, blank labels named {@code fieldN}, duplicates suffixed
 * {@code _2}, {@code _3}, and a type suffix as babbage fixtures write it ({@code amount:integer}) taken off
 * and kept as a type hint.
 *
 * @param labels labels exactly as read
 * @param names  field names, unique and non-blank
 * @param hints  type named by a suffix, or null, per column
 */
record Headers(List<String> labels, List<String> names, List<String> hints) {
    private static final Pattern TYPED = Pattern.compile("^(.*\\S)\\s*:\\s*(integer|number|string|date|datetime|boolean|year)$",
            Pattern.CASE_INSENSITIVE);

    static Headers of(List<String> labels, ErrorCollector errors) {
        List<String> names = new ArrayList<>();
        List<String> hints = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            String name = label.strip();
            String hint = null;
            Matcher m = TYPED.matcher(name);
            if (m.matches()) {
                name = m.group(1).strip();
                hint = m.group(2).toLowerCase(Locale.ROOT);
            }
            int col = i + 1;
            if (name.isEmpty()) {
                name = "field" + col;
                if (errors != null) {
                    errors.add(new ReportError(ErrorType.BLANK_LABEL, "Label in the header in field at position \""
                            + col + "\" is blank", "", null, col, name, label, null));
                }
            }
            if (!seen.add(name)) {
                String base = name;
                int k = 2;
                while (!seen.add(base + "_" + k)) {
                    k++;
                }
                name = base + "_" + k;
                if (errors != null) {
                    errors.add(new ReportError(ErrorType.DUPLICATE_LABEL, "Label \"" + Cells.excerpt(label)
                            + "\" in the header at position \"" + col + "\" is duplicated", "renamed to \"" + name
                            + "\"", null, col, name, label, null));
                }
            }
            names.add(name);
            hints.add(hint);
        }
        return new Headers(List.copyOf(labels), names, hints);
    }

    static List<String> labelsOf(Row header) {
        List<String> out = new ArrayList<>(header.size());
        for (int i = 0; i < header.size(); i++) {
            out.add(header.get(i));
        }
        return out;
    }

    static Headers generated(int width) {
        List<String> names = new ArrayList<>();
        List<String> hints = new ArrayList<>();
        for (int i = 1; i <= width; i++) {
            names.add("field" + i);
            hints.add(null);
        }
        return new Headers(List.of(), names, hints);
    }
}
