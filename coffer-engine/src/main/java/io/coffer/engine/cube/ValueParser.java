package io.coffer.engine.cube;

import io.coffer.model.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * Turns the text of one CSV cell into the canonical text DuckDB casts exactly ({@code -1234.56},
 * {@code 2015-01-31}, ...), honouring the Table Schema options: {@code decimalChar}, {@code groupChar},
 * {@code bareNumber}, date {@code format} (strftime patterns as os-types writes them) and
 * {@code trueValues}/{@code falseValues}. Throws {@link IllegalArgumentException} for a value that does
 * not fit its type.
 */
public final class ValueParser {
    private static final List<String> TRUE = List.of("true", "True", "TRUE", "1", "yes", "Yes", "YES");
    private static final List<String> FALSE = List.of("false", "False", "FALSE", "0", "no", "No", "NO");
    private static final List<DateTimeFormatter> ANY_DATE = List.of(DateTimeFormatter.ISO_LOCAL_DATE,
            DateTimeFormatter.ofPattern("d/M/uuuu").withResolverStyle(ResolverStyle.STRICT),
            DateTimeFormatter.ofPattern("uuuu/M/d").withResolverStyle(ResolverStyle.STRICT),
            DateTimeFormatter.ofPattern("d.M.uuuu").withResolverStyle(ResolverStyle.STRICT));

    private final ColumnType type;
    private final String decimalChar;
    private final String groupChar;
    private final boolean bareNumber;
    private final DateTimeFormatter pattern;
    private final boolean anyDate;
    private final List<String> trueValues;
    private final List<String> falseValues;

    public ValueParser(ColumnType type, Field field) {
        this.type = type;
        this.decimalChar = field == null || field.decimalChar() == null || field.decimalChar().isEmpty()
                ? "." : field.decimalChar();
        this.groupChar = field == null || field.groupChar() == null || field.groupChar().isEmpty()
                ? null : field.groupChar();
        this.bareNumber = field == null || field.bareNumber() == null || field.bareNumber();
        String fmt = field == null ? null : field.format();
        if (fmt != null && fmt.startsWith("fmt:")) {
            fmt = fmt.substring(4);
        }
        this.anyDate = "any".equals(fmt);
        this.pattern = fmt != null && fmt.contains("%") ? strftime(fmt) : null;
        this.trueValues = field == null ? TRUE : strings(field, "trueValues", TRUE);
        this.falseValues = field == null ? FALSE : strings(field, "falseValues", FALSE);
    }

    private static List<String> strings(Field f, String key, List<String> dflt) {
        var n = f.extras().get(key);
        if (n == null || !n.isArray()) {
            return dflt;
        }
        List<String> out = new java.util.ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    public ColumnType type() {
        return type;
    }

    /** The canonical text of a non-missing cell. */
    public String canonical(String raw) {
        String s = raw.strip();
        return switch (type) {
            case STRING -> raw;
            case INTEGER -> new BigInteger(numberText(s)).toString();
            case DECIMAL -> decimal(s).toPlainString();
            case DATE -> date(s).toString();
            case TIMESTAMP -> timestamp(s).toString();
            case BOOLEAN -> {
                if (trueValues.contains(s)) yield "true";
                if (falseValues.contains(s)) yield "false";
                throw new IllegalArgumentException("not a boolean");
            }
        };
    }

    /** A number cell as an exact decimal. */
    public BigDecimal decimal(String raw) {
        BigDecimal d = new BigDecimal(numberText(raw.strip()));
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    private String numberText(String s) {
        String t = s;
        if (!bareNumber) {
            // Leading/trailing non-numeric text such as a currency sign or '%' is allowed when not bare.
            t = t.replaceAll("^[^0-9+\\-" + java.util.regex.Pattern.quote(decimalChar) + "]+", "")
                    .replaceAll("[^0-9]+$", "");
        }
        if (groupChar != null) {
            t = t.replace(groupChar, "");
        }
        if (!decimalChar.equals(".")) {
            if (t.contains(".")) {
                throw new IllegalArgumentException("unexpected '.'");
            }
            t = t.replace(decimalChar, ".");
        }
        if (t.isEmpty() || !t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?")) {
            throw new IllegalArgumentException("not a number");
        }
        return t;
    }

    private LocalDate date(String s) {
        if (pattern != null) {
            return LocalDate.from(pattern.parse(s));
        }
        if (anyDate) {
            for (DateTimeFormatter f : ANY_DATE) {
                try {
                    return LocalDate.parse(s, f);
                } catch (DateTimeParseException e) {
                    // try the next form
                }
            }
            throw new IllegalArgumentException("not a date");
        }
        // ISO date; a full timestamp keeps its date part (some exports write 2015-01-01T00:00:00Z).
        return LocalDate.parse(s.length() > 10 && s.charAt(10) == 'T' ? s.substring(0, 10) : s);
    }

    private LocalDateTime timestamp(String s) {
        if (pattern != null) {
            return LocalDateTime.from(pattern.parse(s));
        }
        try {
            return OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(s.replace(' ', 'T'));
        }
    }

    /** Translates a Python strftime pattern (as os-types and Table Schema v1 use) to java.time. */
    static DateTimeFormatter strftime(String fmt) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                b.appendLiteral(c);
                continue;
            }
            char d = fmt.charAt(++i);
            switch (d) {
                case 'Y' -> b.appendValue(ChronoField.YEAR, 4);
                case 'y' -> b.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
                case 'm' -> b.appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
                case 'd' -> b.appendValue(ChronoField.DAY_OF_MONTH, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
                case 'H' -> b.appendValue(ChronoField.HOUR_OF_DAY, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
                case 'M' -> b.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
                case 'S' -> b.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
                case 'b' -> b.appendPattern("MMM");
                case 'B' -> b.appendPattern("MMMM");
                case 'j' -> b.appendValue(ChronoField.DAY_OF_YEAR, 3);
                case 'z' -> b.appendOffset("+HHMM", "+0000");
                case '%' -> b.appendLiteral('%');
                default -> throw new IllegalArgumentException("unsupported date format directive %" + d);
            }
        }
        return b.parseDefaulting(ChronoField.HOUR_OF_DAY, 0).toFormatter(Locale.ROOT)
                .withResolverStyle(ResolverStyle.STRICT).withChronology(java.time.chrono.IsoChronology.INSTANCE);
    }
}
