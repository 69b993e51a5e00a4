package io.coffer.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Identifies a dataset as {@code owner/name}. Both parts are checked against one strict pattern, which
 * is what keeps user input from ever naming a path outside {@code datasets/}.
 */
public record DatasetId(String owner, String name) implements Comparable<DatasetId> {
    /** Lower-case ASCII letters, digits, '-' and '_'; starts with a letter or digit; at most 64 characters. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public DatasetId {
        checkName("owner", owner);
        checkName("dataset name", name);
    }

    public static DatasetId of(String owner, String name) {
        return new DatasetId(owner, name);
    }

    /** Parses {@code owner/name} (also {@code owner:name}, babbage's cube naming). */
    public static DatasetId parse(String text) {
        if (text == null) {
            throw new CofferException(ErrorCode.INVALID_NAME, "dataset id is missing; expected owner/name");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            slash = text.indexOf(':');
        }
        if (slash < 0) {
            throw new CofferException(ErrorCode.INVALID_NAME,
                    "dataset id '" + printable(text) + "' is not of the form owner/name");
        }
        return new DatasetId(text.substring(0, slash), text.substring(slash + 1));
    }

    public static boolean isValidName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    public static String checkName(String what, String s) {
        if (!isValidName(s)) {
            throw new CofferException(ErrorCode.INVALID_NAME,
                    what + " '" + printable(Objects.toString(s, "")) + "' is invalid: use 1-64 characters from"
                            + " a-z, 0-9, '-' and '_', starting with a letter or digit");
        }
        return s;
    }

    /** Makes a suggested name (from a title or file name) valid, e.g. {@code "Gastos 2015.csv" -> "gastos-2015-csv"}. */
    public static String slugify(String s) {
        String ascii = java.text.Normalizer.normalize(s == null ? "" : s, java.text.Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9_-]+", "-")
                .replaceAll("^[-_]+", "")
                .replaceAll("-{2,}", "-");
        if (ascii.length() > 64) {
            ascii = ascii.substring(0, 64);
        }
        ascii = ascii.replaceAll("[-_]+$", "");
        return ascii.isEmpty() ? "dataset" : ascii;
    }

    /** Echoes user input in messages without control characters. */
    static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    @Override
    public int compareTo(DatasetId o) {
        int c = owner.compareTo(o.owner);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
