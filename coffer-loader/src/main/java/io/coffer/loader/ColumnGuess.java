package io.coffer.loader;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.Field;
import io.coffer.model.Json;
import java.util.regex.Pattern;

/**
 * What one column can still be, narrowed by every value of the file. Each candidate type (integer, year,
 * the number styles, each date format, boolean, fiscal year) stays alive while all non-empty values fit it;
 * once nothing is alive the column is text and its values are no longer examined. The final choice
 * ({@link #decide}) depends only on which candidates survived, so the result is deterministic.
 */
final class ColumnGuess {
    static final DatePattern[] DATES = {
            DatePattern.ISO_DATE,
            DatePattern.compile("%d/%m/%Y"),
            DatePattern.compile("%m/%d/%Y"),
            DatePattern.compile("%d.%m.%Y"),
            DatePattern.compile("%d-%m-%Y"),
            DatePattern.compile("%Y/%m/%d"),
            DatePattern.compile("%d/%m/%y"),
            DatePattern.compile("%m/%d/%y"),
            DatePattern.compile("%d.%m.%y"),
    };
    static final DatePattern[] DATETIMES = {
            DatePattern.ISO_DATETIME,
            DatePattern.compile("%Y-%m-%d %H:%M:%S"),
            DatePattern.compile("%Y-%m-%d %H:%M"),
            DatePattern.compile("%d/%m/%Y %H:%M:%S"),
            DatePattern.compile("%d/%m/%Y %H:%M"),
            DatePattern.compile("%m/%d/%Y %H:%M:%S"),
            DatePattern.compile("%d.%m.%Y %H:%M:%S"),
    };
    /** Order in which surviving number styles win: dot decimals first, unless the file is ';'-separated. */
    private static final NumberStyle[] DOT_FIRST = {NumberStyle.DOT, NumberStyle.DOT_COMMA, NumberStyle.DOT_SPACE,
            NumberStyle.DOT_APOSTROPHE, NumberStyle.COMMA, NumberStyle.COMMA_DOT, NumberStyle.COMMA_SPACE,
            NumberStyle.COMMA_NBSP};
    private static final NumberStyle[] COMMA_FIRST = {NumberStyle.COMMA, NumberStyle.COMMA_DOT,
            NumberStyle.COMMA_SPACE, NumberStyle.COMMA_NBSP, NumberStyle.DOT, NumberStyle.DOT_COMMA,
            NumberStyle.DOT_SPACE, NumberStyle.DOT_APOSTROPHE};
    /** Column names that make a column of four-digit integers a year rather than a count or an amount. */
    private static final Pattern YEAR_NAME = Pattern.compile(
            "(?iu).*(year|\\byr\\b|jahr|año|\\bano\\b|anno|ann[ée]e|godina|година|год|рік|rok|exerc|ejercicio|esercizio|\\bfy\\b|fiscal).*");
    /** Names of code columns: {@code 111.10} there is a code, not the number 111.1. */
    private static final Pattern CODE_NAME = Pattern.compile(
            "(?iu).*(\\bcode\\b|_code|code_|\\(code\\)|\\bid\\b|_id$|^id_|\\bcod\\b|c[oó]digo|\\bkod\\b|шифра|šifra).*");
    /**
     * Placeholders spreadsheets put in numeric columns for "no figure" (not published, not applicable).
     * They do not make a column text; the inferred field lists the ones it saw as its {@code missingValues}.
     */
    private static final java.util.Set<String> PLACEHOLDERS = java.util.Set.of("-", "–", "—", "..", "...", "n/a",
            "N/A", "NA", "na", "n.a.", "nfp", "np", "null", "NULL", "none", "None", "x", "X", ":", "*", "?", "#N/A");
    private static final int MAX_PLACEHOLDERS = 8;
    private static final int DISTINCT_CAP = 1000;
    /** Non-number cells a number column may have before a fifth of its cells decides (see accept). */
    static final int STRAY_CELLS = 5;

    final String name;
    final String label;
    final String hint;
    long nonEmpty;
    /** Non-empty cells that were not placeholders, while candidates were alive. */
    private long examined;
    long empty;
    int maxLength;
    private boolean integer = true;
    private boolean year = true;
    private boolean bool = true;
    private boolean fiscalYear = true;
    private int numbers = NumberStyle.ALL_MASK;
    private int dates = (1 << DATES.length) - 1;
    private int datetimes = (1 << DATETIMES.length) - 1;
    private final LongSet distinct = new LongSet(DISTINCT_CAP);
    private final Decoration deco = new Decoration();
    /** Cells that missed each number style (see {@link #STRAY_CELLS}). */
    private final int[] styleFails = new int[NumberStyle.ALL.length];
    long affixCells;
    long parenthesesCells;
    long trailingMinusCells;
    /** Cells whose last '.' (resp. ',') is followed by one to three digits, then the end: a decimal part there. */
    long dotFractionCells;
    long commaFractionCells;
    long negativeCells;
    /** Plain integer cells: digit widths, whether each is the one before plus one (a row number), range. */
    long integerCells;
    int minIntWidth = Integer.MAX_VALUE;
    int maxIntWidth;
    boolean sequential = true;
    private long previous = Long.MIN_VALUE;
    long maxInteger = Long.MIN_VALUE;
    long minInteger = Long.MAX_VALUE;
    /** Placeholder cells seen, exactly as written (e.g. {@code "- "}). */
    final java.util.List<String> placeholders = new java.util.ArrayList<>(2);

    ColumnGuess(String name, String label, String hint) {
        this.name = name;
        this.label = label;
        this.hint = hint;
    }

    private boolean anyAlive() {
        return integer || bool || fiscalYear || numbers != 0 || dates != 0 || datetimes != 0;
    }

    void accept(char[] b, int off, int len) {
        nonEmpty++;
        if (len > maxLength) {
            maxLength = len;
        }
        if (!distinct.full()) {
            distinct.add(Cells.hash(b, off, len, 0));
        }
        if (!anyAlive()) {
            return;
        }
        if (!Cells.isDigit(b[off]) && placeholder(b, off, len)) {
            return;
        }
        examined++;
        int cs = off;
        int cl = len;
        boolean decorated = false;
        if ((integer || numbers != 0) && Decoration.decorated(b, off, len) && deco.strip(b, off, len)) {
            decorated = true;
            cs = deco.start;
            cl = deco.end - deco.start;
            if (deco.affix) affixCells++;
            if (deco.parentheses) parenthesesCells++;
            if (deco.trailingMinus) trailingMinusCells++;
        }
        boolean plain = !decorated && (integer || numbers != 0) && NumberStyle.isInteger(b, off, len);
        if (integer && !plain) {
            integer = false;
        }
        if (plain) {
            integerStats(b, off, len);
        } else if (numbers != 0) {
            fractions(b, cs, cl);
        }
        if (year) {
            year = plain && len == 4 && b[off] >= '1' && b[off] <= '2';
        }
        if (numbers != 0 && !plain) {
            int fit = NumberStyle.fits(b, cs, cl, numbers);
            if (fit != numbers) {
                for (NumberStyle st : NumberStyle.ALL) {
                    int bit = st.bit();
                    if ((numbers & bit) != 0 && (fit & bit) == 0) {
                        int f = ++styleFails[st.ordinal()];
                        // A few stray words in an amount column (a name shifted into it, a note) are row-level
                        // errors, not a text column: a style dies once more than a fifth of the cells miss it.
                        if (f > STRAY_CELLS && f * 5 > examined) {
                            numbers &= ~bit;
                        }
                    }
                }
            }
        }
        if (bool) {
            bool = isBooleanWord(b, off, len);
        }
        if (dates != 0 || datetimes != 0) {
            if (len < 6 || !Cells.isDigit(b[off])) {
                dates = 0;
                datetimes = 0;
            } else {
                dates = matchAll(DATES, dates, b, off, len);
                datetimes = matchAll(DATETIMES, datetimes, b, off, len);
            }
        }
        if (fiscalYear) {
            fiscalYear = isFiscalYear(b, off, len);
        }
    }

    private void integerStats(char[] b, int off, int len) {
        integerCells++;
        long v = 0;
        int i = off;
        boolean neg = b[i] == '-';
        if (neg || b[i] == '+') i++;
        int w = off + len - i;
        for (; i < off + len; i++) v = v * 10 + (b[i] - '0');
        if (neg) {
            v = -v;
            negativeCells++;
        }
        minIntWidth = Math.min(minIntWidth, w);
        maxIntWidth = Math.max(maxIntWidth, w);
        if (previous != Long.MIN_VALUE && v != previous + 1) sequential = false;
        previous = v;
        maxInteger = Math.max(maxInteger, v);
        minInteger = Math.min(minInteger, v);
    }

    private void fractions(char[] b, int off, int len) {
        if (deco.negative || b[off] == '-') negativeCells++;
        int digits = 0;
        for (int i = off + len - 1; i >= off; i--) {
            char c = b[i];
            if (Cells.isDigit(c)) {
                digits++;
                continue;
            }
            if (((digits >= 1 && digits <= 2) || digits >= 4) && i > off) {
                if (c == '.') dotFractionCells++;
                if (c == ',') commaFractionCells++;
            }
            return;
        }
    }

    /** Number cells that are not numbers of the chosen style: row-level errors when the column is an amount. */
    long strayCells(NumberStyle style) {
        return styleFails[style.ordinal()];
    }

    private boolean placeholder(char[] b, int off, int len) {
        if (len > 12) {
            return false;
        }
        String v = new String(b, off, len);
        if (!PLACEHOLDERS.contains(v.strip())) {
            return false;
        }
        if (placeholders.contains(v)) {
            return true;
        }
        if (placeholders.size() >= MAX_PLACEHOLDERS) {
            return false;
        }
        placeholders.add(v);
        return true;
    }

    private static int matchAll(DatePattern[] patterns, int alive, char[] b, int off, int len) {
        int out = alive;
        for (int i = 0; i < patterns.length; i++) {
            if ((alive & (1 << i)) != 0 && patterns[i].match(b, off, len) < 0) {
                out &= ~(1 << i);
            }
        }
        return out;
    }

    static boolean isBooleanWord(char[] b, int off, int len) {
        return switch (len) {
            case 4 -> Cells.equalsAscii(b, off, len, "true") || Cells.equalsAscii(b, off, len, "True")
                    || Cells.equalsAscii(b, off, len, "TRUE");
            case 5 -> Cells.equalsAscii(b, off, len, "false") || Cells.equalsAscii(b, off, len, "False")
                    || Cells.equalsAscii(b, off, len, "FALSE");
            default -> false;
        };
    }

    /**
     * Fiscal years as budgets write them: {@code 2018/19}, {@code 2018-19}, {@code 2018/2019}, {@code FY2018},
     * {@code FY 2018/19}. The second year must follow the first, so {@code 2018-12} is not one.
     */
    static boolean isFiscalYear(char[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean fy = false;
        if (len >= 2 && (b[i] == 'F' || b[i] == 'f') && (b[i + 1] == 'Y' || b[i + 1] == 'y')) {
            fy = true;
            i += 2;
            if (i < end && b[i] == ' ') {
                i++;
            }
        }
        if (end - i < 4) {
            return false;
        }
        int y1 = digits(b, i, 4);
        if (y1 < 0) {
            return false;
        }
        i += 4;
        if (i == end) {
            return fy;
        }
        if (b[i] != '/' && b[i] != '-') {
            return false;
        }
        i++;
        int n = end - i;
        if (n == 2) {
            int y2 = digits(b, i, 2);
            return y2 == (y1 + 1) % 100;
        }
        if (n == 4) {
            return digits(b, i, 4) == y1 + 1;
        }
        return false;
    }

    private static int digits(char[] b, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            if (!Cells.isDigit(b[i])) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    boolean fiscalYearText() {
        return nonEmpty > 0 && fiscalYear && !integer;
    }

    int distinctValues() {
        return distinct.size();
    }

    boolean distinctCapped() {
        return distinct.full();
    }

    /** The field this column becomes. A header type hint wins when the values allow it. */
    Field decide(boolean commaDecimalFirst) {
        String title = label != null && !label.equals(name) ? label : null;
        Field f = pick(commaDecimalFirst);
        if (hint != null && !hint.equals(f.type())) {
            Field hinted = byHint(commaDecimalFirst);
            if (hinted != null) {
                f = hinted;
            }
        }
        if (f.type().equals("number") && hint == null && CODE_NAME.matcher(name).matches() && !decoratedNumbers()) {
            f = Field.of(name, "string");
        }
        if (!f.type().equals("number")) {
            style = null;
        }
        ObjectNode extras = null;
        if (!placeholders.isEmpty() && !f.type().equals("string")) {
            // Field-level missingValues (Table Schema v2): these placeholders are "no value" here only.
            extras = Json.object();
            ArrayNode mv = extras.putArray("missingValues");
            mv.add("");
            placeholders.forEach(mv::add);
        }
        Boolean bare = style != null && decoratedNumbers() ? Boolean.FALSE : null;
        Field out = new Field(name, f.type(), f.format(), title, null, null, f.decimalChar(), f.groupChar(), bare,
                extras);
        if (style != null && hint == null && strayCells(style) > 0) {
            // Mostly numbers with a few words: text by what the values allow, a number if it is an amount
            // (the loader decides, with the stray cells as row-level errors).
            lenient = out;
            return new Field(name, "string", null, title, null, null, null, null, null, null);
        }
        return out;
    }

    /** The number field a column with a few stray words would be (see {@link #decide}), or null. */
    Field lenient;

    private Field byHint(boolean commaDecimalFirst) {
        return switch (hint) {
            case "string" -> Field.of(name, "string");
            case "integer" -> integer || nonEmpty == 0 ? Field.of(name, "integer") : null;
            case "year" -> year && integer || nonEmpty == 0 ? Field.of(name, "year") : null;
            case "number" -> liveNumbers() != 0 || nonEmpty == 0 ? number(commaDecimalFirst) : null;
            case "date" -> dates != 0 ? date() : null;
            case "datetime" -> datetimes != 0 ? datetime() : null;
            case "boolean" -> bool && nonEmpty > 0 ? Field.of(name, "boolean") : null;
            default -> null;
        };
    }

    private Field pick(boolean commaDecimalFirst) {
        if (nonEmpty == 0 || examined == 0) {
            return Field.of(name, "string");
        }
        if (bool) {
            return Field.of(name, "boolean");
        }
        if (integer) {
            return Field.of(name, year && YEAR_NAME.matcher(name).matches() ? "year" : "integer");
        }
        if (liveNumbers() != 0) {
            return number(commaDecimalFirst);
        }
        if (dates != 0) {
            return date();
        }
        if (datetimes != 0) {
            return datetime();
        }
        return Field.of(name, "string");
    }

    /** The number styles that at least four fifths of the examined cells fit. */
    int liveNumbers() {
        int out = numbers;
        for (NumberStyle st : NumberStyle.ALL) {
            if ((out & st.bit()) != 0 && styleFails[st.ordinal()] * 5L > examined) {
                out &= ~st.bit();
            }
        }
        return out;
    }

    /** The number style chosen by {@link #decide} (null when the column is not a number). */
    NumberStyle style;

    private Field number(boolean commaDecimalFirst) {
        NumberStyle chosen = NumberStyle.DOT;
        int live = liveNumbers();
        int fewest = Integer.MAX_VALUE;
        // The style most cells fit; ties go by the file's decimal preference.
        for (NumberStyle s : commaDecimalFirst ? COMMA_FIRST : DOT_FIRST) {
            if ((live & s.bit()) != 0 && styleFails[s.ordinal()] < fewest) {
                chosen = s;
                fewest = styleFails[s.ordinal()];
            }
        }
        style = chosen;
        Field f = Field.of(name, "number");
        return chosen == NumberStyle.DOT ? f : f.withNumberChars(chosen.decimalChar(), chosen.groupChar());
    }

    ColumnProfile.Numbers numbersProfile(String type) {
        if (!type.equals("number") && !type.equals("integer") && lenient == null) {
            return null;
        }
        long fractions = style == null ? 0 : style.decimal == ',' ? commaFractionCells : dotFractionCells;
        return new ColumnProfile.Numbers(affixCells, parenthesesCells, trailingMinusCells, fractions, negativeCells,
                integerCells, integerCells == 0 ? 0 : minIntWidth, maxIntWidth, sequential && integerCells > 1,
                integerCells == 0 ? 0 : minInteger, integerCells == 0 ? 0 : maxInteger,
                style == null ? 0 : strayCells(style), lenient);
    }

    /** Whether the cells carry currency signs, parentheses or a trailing minus (Table Schema bareNumber false). */
    boolean decoratedNumbers() {
        return affixCells + parenthesesCells + trailingMinusCells > 0;
    }

    /** -1 when every number cell fits only comma decimals, 1 when only dot decimals, else 0 (a file-level vote). */
    int decimalVote() {
        int live = liveNumbers();
        if (live == 0 || integer) {
            return 0;
        }
        int dot = 0;
        int comma = 0;
        for (NumberStyle st : NumberStyle.ALL) {
            if ((live & st.bit()) != 0) {
                if (st.decimal == '.') dot++; else comma++;
            }
        }
        return dot == 0 ? -1 : comma == 0 ? 1 : 0;
    }

    private Field date() {
        int i = Integer.numberOfTrailingZeros(dates);
        return Field.of(name, "date").withType("date", i == 0 ? null : DATES[i].format);
    }

    private Field datetime() {
        int i = Integer.numberOfTrailingZeros(datetimes);
        return Field.of(name, "datetime").withType("datetime", i == 0 ? null : DATETIMES[i].format);
    }
}
