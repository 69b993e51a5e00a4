package io.coffer.loader;

import java.util.Locale;
import java.util.Set;

/**
 * What surrounds the digits of an amount as spreadsheets export it: a currency sign or code before or after
 * ({@code €544,310}, {@code 91.100,16 €}, {@code 1.001,21 kn}, {@code EUR 12}), accounting parentheses
 * ({@code (264,795.53)}), a trailing minus ({@code 1234-}), a leading sign before or after the currency
 * ({@code -£5}, {@code £-5}). {@link #strip} finds the bare number in place without allocating; a percent
 * sign is not a decoration, so percentages never read as amounts.
 */
final class Decoration {
    /** Currency codes and local abbreviations accepted next to a number (compared case-insensitively). */
    private static final Set<String> CODES = Set.of("eur", "euro", "euros", "usd", "gbp", "chf", "pln", "czk", "huf",
            "ron", "bgn", "hrk", "sek", "dkk", "nok", "isk", "ils", "nis", "rub", "uah", "try", "jpy", "cny", "cad",
            "aud", "nzd", "mkd", "rsd", "bam", "all", "mdl", "gel", "kn", "kc", "kč", "zł", "zl", "lei", "ft", "lv",
            "лв", "грн", "руб", "р", "ден", "дин", "sfr", "fr", "eu");

    int start;
    int end;
    boolean negative;
    /** A currency sign or code was removed. */
    boolean affix;
    boolean parentheses;
    boolean trailingMinus;

    static boolean isSpace(char c) {
        return c == ' ' || c == '\u00A0' || c == '\u202F' || c == '\u2007' || c == '\t';
    }

    /** Whether the cell needs {@link #strip}: anything but a digit or sign first, or a non-digit last. */
    static boolean decorated(char[] b, int off, int len) {
        if (len == 0) {
            return false;
        }
        char f = b[off];
        char l = b[off + len - 1];
        return !(Cells.isDigit(f) || ((f == '-' || f == '+') && len > 1 && Cells.isDigit(b[off + 1])))
                || !Cells.isDigit(l);
    }

    /**
     * Finds the unsigned number inside the cell ({@link #start}..{@link #end}) and what was around it. False when
     * the cell is not a decorated number at all (e.g. a word, a percentage, an unknown code).
     */
    boolean strip(char[] b, int off, int len) {
        int i = off;
        int e = off + len;
        negative = false;
        affix = false;
        parentheses = false;
        trailingMinus = false;
        while (i < e && isSpace(b[i])) i++;
        while (e > i && isSpace(b[e - 1])) e--;
        if (e - i >= 3 && b[i] == '(' && b[e - 1] == ')') {
            parentheses = true;
            negative = true;
            i++;
            e--;
            while (i < e && isSpace(b[i])) i++;
            while (e > i && isSpace(b[e - 1])) e--;
        }
        i = sign(b, i, e);
        int p = prefix(b, i, e);
        if (p != i) {
            affix = true;
            i = p;
            while (i < e && isSpace(b[i])) i++;
            if (!negative || !parentheses) {
                i = sign(b, i, e);
            }
        }
        if (e > i && b[e - 1] == '-' && e - 1 > i && Cells.isDigit(b[e - 2])) {
            trailingMinus = true;
            negative = !negative;
            e--;
        }
        int s = suffix(b, i, e);
        if (s != e) {
            affix = true;
            e = s;
            while (e > i && isSpace(b[e - 1])) e--;
            if (!trailingMinus && e > i + 1 && b[e - 1] == '-' && Cells.isDigit(b[e - 2])) {
                trailingMinus = true;
                negative = !negative;
                e--;
            }
        }
        if (i >= e || !Cells.isDigit(b[i]) || !Cells.isDigit(b[e - 1])) {
            return false;
        }
        start = i;
        end = e;
        return true;
    }

    private int sign(char[] b, int i, int e) {
        if (i < e && (b[i] == '-' || b[i] == '+' || b[i] == '\u2212')) {
            if (b[i] != '+') {
                negative = !negative;
            }
            i++;
            while (i < e && isSpace(b[i])) i++;
        }
        return i;
    }

    /** End of a currency sign or code at {@code i}, or {@code i}. */
    private static int prefix(char[] b, int i, int e) {
        if (i < e && Character.getType(b[i]) == Character.CURRENCY_SYMBOL) {
            return i + 1;
        }
        int j = i;
        while (j < e && j - i < 5 && (Character.isLetter(b[j]) || b[j] == '.')) j++;
        return j > i && j < e && isCode(b, i, j) ? j : i;
    }

    /** Start of a currency sign or code ending at {@code e}, or {@code e}. */
    private static int suffix(char[] b, int i, int e) {
        if (e > i && Character.getType(b[e - 1]) == Character.CURRENCY_SYMBOL) {
            return e - 1;
        }
        int j = e;
        while (j > i && e - j < 5 && (Character.isLetter(b[j - 1]) || b[j - 1] == '.')) j--;
        return j < e && j > i && isCode(b, j, e) ? j : e;
    }

    private static boolean isCode(char[] b, int from, int to) {
        String s = new String(b, from, to - from).toLowerCase(Locale.ROOT);
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return CODES.contains(s);
    }
}
