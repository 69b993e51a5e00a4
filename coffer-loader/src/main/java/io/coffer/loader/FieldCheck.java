package io.coffer.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.Field;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One schema field compiled for checking cells: its type with {@code format}, {@code decimalChar},
 * {@code groupChar}, {@code bareNumber}, true/false values, missing values, and the constraints
 * required, minLength, maxLength, pattern, enum, minimum, maximum (unique is checked by {@link KeyIndex}).
 * Checking a valid cell allocates nothing unless a constraint needs the value as an object.
 */
final class FieldCheck {
    enum Kind { STRING, INTEGER, NUMBER, DATE, DATETIME, TIME, YEAR, YEARMONTH, BOOLEAN, ANY }

    /** Outcome of {@link #check}. */
    static final int OK = 0;
    static final int MISSING = 1;
    static final int INVALID = 2;

    private static final List<String> TRUE_VALUES = List.of("true", "True", "TRUE", "1");
    private static final List<String> FALSE_VALUES = List.of("false", "False", "FALSE", "0");

    final Field field;
    final int number;
    final String name;
    final Kind kind;
    private final char decimal;
    private final char group;
    /** Reused for bareNumber: false cells (one pass reads one row at a time). */
    private final Decoration deco = new Decoration();
    private final boolean bare;
    private final DatePattern[] patterns;
    private final Set<String> trueValues;
    private final Set<String> falseValues;
    private final char[][] missing;
    private final boolean emptyIsMissing;
    final boolean required;
    final boolean unique;
    private final Integer minLength;
    private final Integer maxLength;
    private final Pattern pattern;
    private final Set<String> enumValues;
    private final BigDecimal minNumber;
    private final BigDecimal maxNumber;
    private final long minKey;
    private final long maxKey;
    /** Problems with the field definition itself (unsupported format, bad regex), reported once. */
    final List<String> schemaProblems = new ArrayList<>();
    /** Human form of the type for messages: {@code number/default}, {@code date/%d/%m/%Y}. */
    final String typeNote;

    FieldCheck(Field f, int number, List<String> schemaMissingValues) {
        this.field = f;
        this.number = number;
        this.name = f.name();
        this.kind = kindOf(f.type());
        this.decimal = f.decimalChar() == null || f.decimalChar().isEmpty() ? '.' : f.decimalChar().charAt(0);
        this.group = f.groupChar() == null || f.groupChar().isEmpty() ? 0 : f.groupChar().charAt(0);
        this.bare = f.bareNumber() == null || f.bareNumber();
        this.patterns = patternsFor(kind, f.format());
        ObjectNode extras = f.extras();
        this.trueValues = new HashSet<>(strings(extras.get("trueValues"), TRUE_VALUES));
        this.falseValues = new HashSet<>(strings(extras.get("falseValues"), FALSE_VALUES));
        List<String> mv = strings(extras.get("missingValues"), schemaMissingValues);
        this.missing = mv.stream().map(String::toCharArray).toArray(char[][]::new);
        this.emptyIsMissing = mv.contains("");
        ObjectNode c = f.constraints();
        this.required = c.path("required").asBoolean(false);
        this.unique = c.path("unique").asBoolean(false);
        this.minLength = c.has("minLength") ? c.get("minLength").asInt() : null;
        this.maxLength = c.has("maxLength") ? c.get("maxLength").asInt() : null;
        this.pattern = compileRegex(c.get("pattern"));
        this.enumValues = c.has("enum") && c.get("enum").isArray() ? enumSet(c.get("enum")) : null;
        this.minNumber = isNumeric() ? decimal(c.get("minimum")) : null;
        this.maxNumber = isNumeric() ? decimal(c.get("maximum")) : null;
        this.minKey = isNumeric() ? -1 : key(c.get("minimum"));
        this.maxKey = isNumeric() ? -1 : key(c.get("maximum"));
        String fmt = f.format() == null ? "default" : f.format();
        String note = f.type() + "/" + fmt;
        if (kind == Kind.NUMBER && (decimal != '.' || group != 0)) {
            note += " with decimalChar \"" + decimal + "\"" + (group == 0 ? "" : " and groupChar \"" + group + "\"");
        }
        this.typeNote = note;
        if (kind == Kind.ANY && !Set.of("any", "object", "array", "geopoint", "geojson", "duration")
                .contains(f.type())) {
            schemaProblems.add("field \"" + name + "\" has unknown type \"" + f.type() + "\"; its values are not checked");
        }
    }

    private boolean isNumeric() {
        return kind == Kind.NUMBER || kind == Kind.INTEGER;
    }

    static Kind kindOf(String type) {
        return switch (type == null ? "string" : type) {
            case "string" -> Kind.STRING;
            case "integer" -> Kind.INTEGER;
            case "number" -> Kind.NUMBER;
            case "date" -> Kind.DATE;
            case "datetime" -> Kind.DATETIME;
            case "time" -> Kind.TIME;
            case "year" -> Kind.YEAR;
            case "yearmonth" -> Kind.YEARMONTH;
            case "boolean" -> Kind.BOOLEAN;
            default -> Kind.ANY;
        };
    }

    private DatePattern[] patternsFor(Kind k, String format) {
        if (k != Kind.DATE && k != Kind.DATETIME && k != Kind.TIME) {
            return null;
        }
        String fmt = format == null ? "default" : format;
        if (fmt.equals("default")) {
            return new DatePattern[] {k == Kind.DATE ? DatePattern.ISO_DATE
                    : k == Kind.DATETIME ? DatePattern.ISO_DATETIME : DatePattern.ISO_TIME};
        }
        if (!fmt.equals("any")) {
            DatePattern p = DatePattern.compile(fmt);
            if (p != null) {
                return new DatePattern[] {p};
            }
            schemaProblems.add("field \"" + name + "\": format \"" + fmt + "\" is not supported; any common "
                    + k.name().toLowerCase(Locale.ROOT) + " format is accepted instead");
        }
        if (k == Kind.TIME) {
            return new DatePattern[] {DatePattern.ISO_TIME, DatePattern.compile("%H:%M")};
        }
        return k == Kind.DATE ? ColumnGuess.DATES : ColumnGuess.DATETIMES;
    }

    private static List<String> strings(JsonNode n, List<String> dflt) {
        if (n == null || !n.isArray()) {
            return dflt;
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    private Pattern compileRegex(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            return Pattern.compile(n.asText());
        } catch (PatternSyntaxException e) {
            schemaProblems.add("field \"" + name + "\": constraint pattern is not a valid regular expression: "
                    + e.getDescription());
            return null;
        }
    }

    private Set<String> enumSet(JsonNode values) {
        Set<String> out = new HashSet<>();
        for (JsonNode v : values) {
            String s = v.asText();
            if (isNumeric()) {
                char[] cs = s.toCharArray();
                out.add(numberSyntax(cs, 0, cs.length) == NOT_A_NUMBER ? s
                        : new BigDecimal(canonicalNumber(cs, 0, cs.length)).stripTrailingZeros().toPlainString());
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private BigDecimal decimal(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText().trim());
        } catch (NumberFormatException e) {
            schemaProblems.add("field \"" + name + "\": constraint value " + n + " is not a number");
            return null;
        }
    }

    private long key(JsonNode n) {
        if (n == null || n.isNull()) {
            return -1;
        }
        char[] cs = n.asText().toCharArray();
        if (kind == Kind.YEAR) {
            return year(cs, 0, cs.length);
        }
        if (patterns != null) {
            for (DatePattern p : patterns) {
                long k = p.match(cs, 0, cs.length);
                if (k >= 0) {
                    return k;
                }
            }
            DatePattern iso = kind == Kind.DATE ? DatePattern.ISO_DATE : DatePattern.ISO_DATETIME;
            long k = iso.match(cs, 0, cs.length);
            if (k >= 0) {
                return k;
            }
        }
        schemaProblems.add("field \"" + name + "\": constraint value " + n + " is not a " + field.type());
        return -1;
    }

    boolean isMissing(char[] b, int off, int len) {
        if (len == 0) {
            return emptyIsMissing;
        }
        for (char[] m : missing) {
            if (m.length == len && java.util.Arrays.equals(b, off, off + len, m, 0, len)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks one cell and reports type and constraint errors (not unique: see {@link KeyIndex}).
     *
     * @return {@link #OK}, {@link #MISSING} or {@link #INVALID}
     */
    int check(char[] b, int off, int len, long rowNumber, ErrorCollector errors) {
        if (isMissing(b, off, len)) {
            if (required) {
                errors.add(ErrorType.CONSTRAINT_ERROR, () -> constraintError(rowNumber, "",
                        "constraint \"required\" is \"True\""));
                return INVALID;
            }
            return MISSING;
        }
        if (!typeOk(b, off, len)) {
            errors.add(ErrorType.TYPE_ERROR, () -> {
                String cell = Cells.excerpt(new String(b, off, len));
                return new ReportError(ErrorType.TYPE_ERROR, "Type error in the cell \"" + cell + "\" in row \""
                        + rowNumber + "\" and field \"" + name + "\" at position \"" + number + "\": type is \""
                        + typeNote + "\"", "type is \"" + typeNote + "\"", rowNumber, number, name, cell, null);
            });
            return INVALID;
        }
        String violated = constraints(b, off, len);
        if (violated != null) {
            String cell = Cells.excerpt(new String(b, off, len));
            errors.add(ErrorType.CONSTRAINT_ERROR, () -> constraintError(rowNumber, cell, violated));
            return INVALID;
        }
        return OK;
    }

    private ReportError constraintError(long rowNumber, String cell, String note) {
        return new ReportError(ErrorType.CONSTRAINT_ERROR, "The cell \"" + cell + "\" in row at position \"" + rowNumber
                + "\" and field \"" + name + "\" at position \"" + number + "\" does not conform to a constraint: "
                + note, note, rowNumber, number, name, cell, null);
    }

    boolean typeOk(char[] b, int off, int len) {
        return switch (kind) {
            case STRING, ANY -> true;
            case INTEGER -> integer(b, off, len);
            case NUMBER -> numberSyntax(b, off, len) != NOT_A_NUMBER;
            case DATE, DATETIME, TIME -> dateKey(b, off, len) >= 0;
            case YEAR -> year(b, off, len) >= 0;
            case YEARMONTH -> yearMonth(b, off, len);
            case BOOLEAN -> bool(b, off, len) != null;
        };
    }

    private boolean integer(char[] b, int off, int len) {
        int i = off;
        int end = off + len;
        if (!bare) {
            while (i < end && !Cells.isDigit(b[i]) && b[i] != '-' && b[i] != '+') {
                i++;
            }
            while (end > i && !Cells.isDigit(b[end - 1])) {
                end--;
            }
        }
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        if (i >= end) {
            return false;
        }
        for (; i < end; i++) {
            if (!Cells.isDigit(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** {@link #numberSyntax}: not a number of this field. */
    static final int NOT_A_NUMBER = -1;
    /** {@link #numberSyntax}: a number already in canonical form. */
    static final int CANONICAL = 0;
    /** {@link #numberSyntax}: a number that {@link #canonicalNumber} rewrites. */
    static final int REWRITE = 1;

    /**
     * Whether the cell is a number of this field (its decimalChar, groupChar, bareNumber). Group characters
     * may appear anywhere in the integer part, as Frictionless allows; NaN and infinities are refused since
     * amounts must add up. Allocates nothing.
     */
    int numberSyntax(char[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean rewrite = false;
        if (!bare && Decoration.decorated(b, off, len)) {
            // Currency signs and codes, accounting parentheses and a trailing minus (bareNumber: false).
            if (!deco.strip(b, off, len)) {
                return NOT_A_NUMBER;
            }
            int r = numberSyntax(b, deco.start, deco.end - deco.start, true);
            return r == NOT_A_NUMBER ? r : REWRITE;
        }
        return numberSyntax(b, i, end - i, false);
    }

    private int numberSyntax(char[] b, int off, int len, boolean unsigned) {
        int i = off;
        int end = off + len;
        boolean rewrite = false;
        if (!unsigned && i < end && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        int digits = 0;
        for (; i < end; i++) {
            char c = b[i];
            if (Cells.isDigit(c)) {
                digits++;
            } else if (isGroup(c) && digits > 0) {
                rewrite = true;
            } else {
                break;
            }
        }
        if (i < end && b[i] == decimal) {
            rewrite |= decimal != '.';
            i++;
            while (i < end && Cells.isDigit(b[i])) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return NOT_A_NUMBER;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '-' || b[i] == '+')) {
                i++;
            }
            int exp = 0;
            while (i < end && Cells.isDigit(b[i])) {
                i++;
                exp++;
            }
            if (exp == 0 || exp > 4) {
                return NOT_A_NUMBER;
            }
        }
        if (i != end) {
            return NOT_A_NUMBER;
        }
        return rewrite ? REWRITE : CANONICAL;
    }

    private boolean isGroup(char c) {
        return group != 0 && (c == group || (Decoration.isSpace(group) && Decoration.isSpace(c) && c != '\t'));
    }

    /** A valid number cell as {@code -1234.5}: dot decimal, no grouping, no currency signs or parentheses. */
    String canonicalNumber(char[] b, int off, int len) {
        if (numberSyntax(b, off, len) == CANONICAL) {
            return new String(b, off, len);
        }
        int i = off;
        int end = off + len;
        StringBuilder out = new StringBuilder(len);
        if (!bare && Decoration.decorated(b, off, len) && deco.strip(b, off, len)) {
            i = deco.start;
            end = deco.end;
            if (deco.negative) {
                out.append('-');
            }
        }
        for (; i < end; i++) {
            char c = b[i];
            if (isGroup(c)) {
                continue;
            }
            out.append(c == decimal ? '.' : c);
        }
        return out.toString();
    }

    long dateKey(char[] b, int off, int len) {
        for (DatePattern p : patterns) {
            long k = p.match(b, off, len);
            if (k >= 0) {
                return k;
            }
        }
        return -1;
    }

    private static long year(char[] b, int off, int len) {
        if (len != 4) {
            return -1;
        }
        int v = 0;
        for (int i = off; i < off + 4; i++) {
            if (!Cells.isDigit(b[i])) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    private static boolean yearMonth(char[] b, int off, int len) {
        if (len != 7 || b[off + 4] != '-' || year(b, off, 4) < 0) {
            return false;
        }
        int m = (b[off + 5] - '0') * 10 + (b[off + 6] - '0');
        return Cells.isDigit(b[off + 5]) && Cells.isDigit(b[off + 6]) && m >= 1 && m <= 12;
    }

    private Boolean bool(char[] b, int off, int len) {
        String s = new String(b, off, len);
        if (trueValues.contains(s)) {
            return Boolean.TRUE;
        }
        return falseValues.contains(s) ? Boolean.FALSE : null;
    }

    /** The first violated constraint as a note, or null. Only called for well-typed, non-missing cells. */
    private String constraints(char[] b, int off, int len) {
        if (minLength != null || maxLength != null) {
            int n = Character.codePointCount(b, off, len);
            if (minLength != null && n < minLength) {
                return "constraint \"minLength\" is \"" + minLength + "\"";
            }
            if (maxLength != null && n > maxLength) {
                return "constraint \"maxLength\" is \"" + maxLength + "\"";
            }
        }
        if (pattern != null && !pattern.matcher(java.nio.CharBuffer.wrap(b, off, len)).matches()) {
            return "constraint \"pattern\" is \"" + pattern.pattern() + "\"";
        }
        if (enumValues != null && !enumValues.contains(enumKey(b, off, len))) {
            return "constraint \"enum\" is \"" + enumValues.stream().sorted().toList() + "\"";
        }
        if (minNumber != null || maxNumber != null) {
            BigDecimal v = new BigDecimal(canonicalNumber(b, off, len));
            if (minNumber != null && v.compareTo(minNumber) < 0) {
                return "constraint \"minimum\" is \"" + minNumber.toPlainString() + "\"";
            }
            if (maxNumber != null && v.compareTo(maxNumber) > 0) {
                return "constraint \"maximum\" is \"" + maxNumber.toPlainString() + "\"";
            }
        }
        if (minKey >= 0 || maxKey >= 0) {
            long k = kind == Kind.YEAR ? year(b, off, len) : dateKey(b, off, len);
            if (minKey >= 0 && k < minKey) {
                return "constraint \"minimum\" is \"" + field.constraints().get("minimum").asText() + "\"";
            }
            if (maxKey >= 0 && k > maxKey) {
                return "constraint \"maximum\" is \"" + field.constraints().get("maximum").asText() + "\"";
            }
        }
        return null;
    }

    private String enumKey(char[] b, int off, int len) {
        if (isNumeric()) {
            return new BigDecimal(canonicalNumber(b, off, len)).stripTrailingZeros().toPlainString();
        }
        return new String(b, off, len);
    }

    /** The value as written to a normalised file: canonical numbers, everything else as read. */
    String normalised(char[] b, int off, int len) {
        if (kind == Kind.NUMBER && numberSyntax(b, off, len) == REWRITE) {
            return canonicalNumber(b, off, len);
        }
        return new String(b, off, len);
    }

    /** Text identifying the value for unique and primary-key checks: numbers compare by canonical form. */
    String keyText(char[] b, int off, int len) {
        return normalised(b, off, len);
    }
}
