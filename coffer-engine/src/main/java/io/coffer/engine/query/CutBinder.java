package io.coffer.engine.query;

import io.coffer.engine.LoadedCube;
import io.coffer.engine.cube.ColumnType;
import io.coffer.engine.cube.CubeAttribute;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds parsed cuts to a cube: each ref must name an attribute (or a dimension: its key), each value must
 * fit the column's type, and the result is a WHERE condition whose values are all bound parameters.
 *
 * <p>Types follow babbage where it was deliberate: an unquoted integer on a text attribute is refused
 * ({@code cofog1:4} must be {@code cofog1:"4"}), because "04" and "4" are different codes. Quoted values
 * are converted to the attribute's type when they fit, since clients quote everything. On a date
 * attribute, {@code 2015} means the year and {@code "2015-03"} the month; date ranges work.
 */
public final class CutBinder {
    private CutBinder() {
    }

    /** The AND of all cuts, or an empty Sql when there are none. */
    public static Sql where(LoadedCube cube, List<Cut> cuts) {
        Sql out = new Sql();
        for (Cut cut : cuts) {
            out.append(out.isEmpty() ? "" : " AND ").append(condition(cube, cut));
        }
        return out;
    }

    public static CubeAttribute attribute(LoadedCube cube, String ref, String what) {
        return cube.cube().attribute(ref).orElseThrow(() -> new CofferException(ErrorCode.BAD_REQUEST,
                "Invalid " + what + ": '" + ref + "' is not an attribute or dimension of this cube"));
    }

    private static Sql condition(LoadedCube cube, Cut cut) {
        CubeAttribute a = attribute(cube, cut.ref(), "cut");
        ColumnType type = cube.type(a.column());
        List<Sql> ors = new ArrayList<>();
        List<Object> in = new ArrayList<>();
        boolean isNull = false;
        for (CutValue v : cut.values()) {
            switch (v) {
                case CutValue.Single s when s.value().kind() == Literal.Kind.NULL -> isNull = true;
                case CutValue.Single s -> {
                    Bound b = bound(cut.ref(), a, type, s.value());
                    if (b.exact() != null) {
                        in.add(b.exact());
                    } else {
                        ors.add(range(a, type, b.low(), true, b.high(), false));
                    }
                }
                case CutValue.Range r -> {
                    Bound lo = r.from() == null ? null : bound(cut.ref(), a, type, r.from());
                    Bound hi = r.to() == null ? null : bound(cut.ref(), a, type, r.to());
                    // An inclusive end that is itself a span (a year on a date column) takes the whole span.
                    Object low = lo == null ? null : lo.exact() != null ? lo.exact() : lo.low();
                    Object high = hi == null ? null : hi.exact() != null ? hi.exact() : hi.high();
                    ors.add(range(a, type, low, true, high, hi == null || hi.exact() != null));
                }
            }
        }
        Sql c = new Sql().append("(");
        boolean first = true;
        if (!in.isEmpty()) {
            col(c, a);
            c.append(" IN (");
            for (int i = 0; i < in.size(); i++) {
                c.append(i == 0 ? "" : ", ");
                value(c, type, in.get(i));
            }
            c.append(")");
            first = false;
        }
        for (Sql o : ors) {
            c.append(first ? "" : " OR ").append(o);
            first = false;
        }
        if (isNull) {
            c.append(first ? "" : " OR ");
            col(c, a);
            c.append(" IS NULL");
        }
        c.append(")");
        // IS NOT TRUE keeps rows whose value is NULL in a negative cut (unless NULL was named).
        return cut.negated() ? new Sql().append("(").append(c).append(" IS NOT TRUE)") : c;
    }

    private static Sql range(CubeAttribute a, ColumnType type, Object low, boolean lowInclusive, Object high,
                             boolean highInclusive) {
        Sql s = new Sql().append("(");
        if (low != null) {
            col(s, a);
            s.append(lowInclusive ? " >= " : " > ");
            value(s, type, low);
        }
        if (high != null) {
            s.append(low != null ? " AND " : "");
            col(s, a);
            s.append(highInclusive ? " <= " : " < ");
            value(s, type, high);
        }
        return s.append(")");
    }

    private static void col(Sql s, CubeAttribute a) {
        s.ident(a.column());
    }

    private static void value(Sql s, ColumnType type, Object v) {
        switch (type) {
            case DATE -> s.append("CAST(").param(v.toString()).append(" AS DATE)");
            case TIMESTAMP -> s.append("CAST(").param(v.toString()).append(" AS TIMESTAMP)");
            default -> s.param(v);
        }
    }

    /** A value as either one exact value, or a half-open span [low, high) (a year or month of dates). */
    private record Bound(Object exact, Object low, Object high) {
        static Bound of(Object v) {
            return new Bound(v, null, null);
        }
    }

    private static Bound bound(String ref, CubeAttribute a, ColumnType type, Literal lit) {
        String t = lit.text();
        boolean quoted = lit.kind() == Literal.Kind.STRING;
        try {
            return switch (type) {
                case STRING -> {
                    if (lit.kind() == Literal.Kind.INTEGER || lit.kind() == Literal.Kind.NUMBER) {
                        throw invalid(ref, a, lit, "string");
                    }
                    yield Bound.of(t);
                }
                case INTEGER -> {
                    if (lit.kind() == Literal.Kind.DATE || lit.kind() == Literal.Kind.NUMBER) {
                        throw invalid(ref, a, lit, "integer");
                    }
                    yield Bound.of(Long.parseLong(t.strip()));
                }
                case DECIMAL -> {
                    if (lit.kind() == Literal.Kind.DATE) {
                        throw invalid(ref, a, lit, "float");
                    }
                    yield Bound.of(new BigDecimal(t.strip()));
                }
                case BOOLEAN -> {
                    String b = t.strip().toLowerCase(java.util.Locale.ROOT);
                    if (!b.equals("true") && !b.equals("false")) {
                        throw invalid(ref, a, lit, "boolean");
                    }
                    yield Bound.of(Boolean.valueOf(b));
                }
                case DATE, TIMESTAMP -> dateBound(ref, a, lit, type, quoted);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw invalid(ref, a, lit, type.babbageName());
        }
    }

    private static Bound dateBound(String ref, CubeAttribute a, Literal lit, ColumnType type, boolean quoted) {
        String t = lit.text().strip();
        if (t.matches("[0-9]{4}")) {
            LocalDate from = LocalDate.of(Integer.parseInt(t), 1, 1);
            return span(type, from, from.plusYears(1));
        }
        if (t.matches("[0-9]{4}-[0-9]{2}")) {
            LocalDate from = YearMonth.parse(t).atDay(1);
            return span(type, from, from.plusMonths(1));
        }
        if (t.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            LocalDate d = LocalDate.parse(t);
            return type == ColumnType.DATE ? Bound.of(d) : span(type, d, d.plusDays(1));
        }
        if (type == ColumnType.TIMESTAMP && quoted) {
            return Bound.of(LocalDateTime.parse(t.replace(' ', 'T')));
        }
        throw invalid(ref, a, lit, type.babbageName());
    }

    private static Bound span(ColumnType type, LocalDate from, LocalDate to) {
        return type == ColumnType.DATE ? new Bound(null, from, to)
                : new Bound(null, from.atStartOfDay(), to.atStartOfDay());
    }

    private static CofferException invalid(String ref, CubeAttribute a, Literal lit, String attrType) {
        String shown = lit.text().length() > 60 ? lit.text().substring(0, 60) + "..." : lit.text();
        return new CofferException(ErrorCode.BAD_REQUEST, "Invalid value " + shown + " parsed as type '"
                + lit.babbageType() + "' for cut " + ref + " of type '" + attrType + "'"
                + (attrType.equals("string") ? " (quote it: " + ref + ":\"" + shown + "\")" : ""));
    }
}
