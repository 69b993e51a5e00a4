package io.coffer.loader;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tells footer and subtotal rows from facts as the rows stream by, so a "Total" line is not summed twice. A row
 * is a candidate when a column that is nearly always filled is empty in it, or when its first text cell starts
 * with a total word (total, summe, razem, σύνολο, totale, totaal, ukupno, celkem, итого, סה"כ, ...). A
 * candidate is a total row when it has both signs, or when one sign comes with amounts that equal the sum of
 * the facts above (since the last total row, or since the start).
 */
final class TotalRows {
    private static final Pattern TOTAL_WORD = Pattern.compile("^(grand total|sub ?-?total|sous-total|total|totals"
            + "|totaal|totale|totaux|totales|summe|gesamt|gesamtsumme|insgesamt|zusammen|razem|suma|ogolem|συνολο"
            + "|γενικο συνολο|ukupno|sveukupno|celkem|celkovo|spolu|skupaj|osszesen|kokku|kopa|is viso|yhteensa"
            + "|totalt|итого|всего|всього|разом|укупно|סה\"כ|סהכ|סך הכל|المجموع|الاجمالي|الإجمالي|sum)(?![\\p{L}])");

    private final boolean[] usuallyFilled;
    private final boolean[] text;
    private final BigDecimal[] sinceStart;
    private final BigDecimal[] sinceLastTotal;
    long facts;
    long totals;
    final java.util.List<Long> shown = new java.util.ArrayList<>();
    /** How far back a subtotal may reach; bounds memory per measure column. */
    private static final int RECENT = 4096;
    private final BigDecimal[][] recent;

    TotalRows(boolean[] usuallyFilled, boolean[] text, boolean[] measure) {
        this.usuallyFilled = usuallyFilled;
        this.text = text;
        this.sinceStart = new BigDecimal[measure.length];
        this.sinceLastTotal = new BigDecimal[measure.length];
        this.recent = new BigDecimal[measure.length][];
        for (int i = 0; i < measure.length; i++) {
            if (measure[i]) {
                sinceStart[i] = BigDecimal.ZERO;
                sinceLastTotal[i] = BigDecimal.ZERO;
                recent[i] = new BigDecimal[RECENT];
            }
        }
    }

    static boolean totalWord(String cell) {
        String s = cell.strip();
        if (s.isEmpty() || s.length() > 200) {
            return false;
        }
        s = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
        return TOTAL_WORD.matcher(s).find();
    }

    /**
     * Whether the row is a total row. {@code values[i]} is the amount of measure column {@code i} (null when
     * empty or not a measure); {@code cells} reads a cell's text, {@code empty} tells an empty cell.
     */
    boolean isTotal(long rowNumber, BigDecimal[] values, java.util.function.IntFunction<String> cells,
                    java.util.function.IntPredicate empty) {
        boolean gap = false;
        for (int i = 0; i < usuallyFilled.length && !gap; i++) {
            gap = usuallyFilled[i] && empty.test(i);
        }
        boolean word = false;
        if (gap) {
            for (int i = 0; i < text.length && !word; i++) {
                word = text[i] && !empty.test(i) && totalWord(cells.apply(i));
            }
        } else {
            for (int i = 0; i < text.length; i++) {
                if (text[i] && !empty.test(i)) {
                    word = totalWord(cells.apply(i));
                    break;
                }
            }
        }
        // A company called "Total ..." is a fact: the words and gaps only make a row a candidate, the amounts decide.
        boolean total = (gap || word) && (equalsSum(values, sinceLastTotal) || equalsSum(values, sinceStart)
                || (word && gap && equalsRecent(values)));
        if (total) {
            totals++;
            if (shown.size() < 20) {
                shown.add(rowNumber);
            }
            for (int i = 0; i < sinceLastTotal.length; i++) {
                if (sinceLastTotal[i] != null) {
                    sinceLastTotal[i] = BigDecimal.ZERO;
                }
            }
            return true;
        }
        facts++;
        int slot = (int) (facts % RECENT);
        for (int i = 0; i < values.length; i++) {
            if (sinceStart[i] != null) {
                recent[i][slot] = values[i];
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && sinceStart[i] != null) {
                sinceStart[i] = sinceStart[i].add(values[i]);
                sinceLastTotal[i] = sinceLastTotal[i].add(values[i]);
            }
        }
        return false;
    }

    /** Whether the amounts equal the sum of the last k facts for one k (a subtotal of the block above). */
    private boolean equalsRecent(BigDecimal[] values) {
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && sinceStart[i] != null && values[i].signum() != 0) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return false;
        }
        BigDecimal acc = BigDecimal.ZERO;
        long back = Math.min(facts, RECENT);
        for (long k = 0; k < back; k++) {
            BigDecimal v = recent[first][(int) ((facts - k) % RECENT)];
            if (v != null) {
                acc = acc.add(v);
            }
            if (k >= 1 && acc.compareTo(values[first]) == 0) {
                return true;
            }
        }
        return false;
    }

    private boolean equalsSum(BigDecimal[] values, BigDecimal[] sums) {
        if (facts < 2) {
            return false;
        }
        boolean any = false;
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null || sums[i] == null) {
                continue;
            }
            if (values[i].signum() == 0 || values[i].compareTo(sums[i]) != 0) {
                return false;
            }
            any = true;
        }
        return any;
    }
}
