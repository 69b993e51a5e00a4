package io.coffer.loader;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A date/time pattern in the strftime syntax Table Schema uses for {@code format} ({@code %d/%m/%Y}),
 * matched against a {@code char[]} range without allocating. Supports {@code %Y %y %m %d %H %M %S %f %b %B
 * %z %%}; {@link #compile} returns null for anything else. A match yields a sortable key
 * ({@code yyyymmddHHMMSS}) used for minimum/maximum constraints.
 */
final class DatePattern {
    private static final String[] MONTHS = {"january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december"};

    private static final char LITERAL = 0;
    private final char[] kinds;
    private final char[] literals;
    /** ISO 8601 tail allowed after the seconds: fraction and zone ({@code .123Z}, {@code +02:00}). */
    private final boolean isoTail;
    final String format;

    private DatePattern(String format, char[] kinds, char[] literals, boolean isoTail) {
        this.format = format;
        this.kinds = kinds;
        this.literals = literals;
        this.isoTail = isoTail;
    }

    static final DatePattern ISO_DATE = compile("%Y-%m-%d");
    static final DatePattern ISO_DATETIME = isoDateTime();
    static final DatePattern ISO_TIME = compile("%H:%M:%S");

    private static DatePattern isoDateTime() {
        DatePattern p = compile("%Y-%m-%dT%H:%M:%S");
        return new DatePattern(p.format, p.kinds, p.literals, true);
    }

    /** Compiles a strftime pattern (a {@code fmt:} prefix, as in older descriptors, is dropped); null if unsupported. */
    static DatePattern compile(String format) {
        String f = format.startsWith("fmt:") ? format.substring(4) : format;
        List<Character> kinds = new ArrayList<>();
        List<Character> lits = new ArrayList<>();
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c == '%') {
                if (i + 1 >= f.length()) {
                    return null;
                }
                char k = f.charAt(++i);
                if (k == '%') {
                    kinds.add(LITERAL);
                    lits.add('%');
                } else if ("YymdHMSfbBz".indexOf(k) >= 0) {
                    kinds.add(k);
                    lits.add((char) 0);
                } else {
                    return null;
                }
            } else {
                kinds.add(LITERAL);
                lits.add(c);
            }
        }
        char[] k = new char[kinds.size()];
        char[] l = new char[lits.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = kinds.get(i);
            l[i] = lits.get(i);
        }
        return new DatePattern(f, k, l, false);
    }

    boolean hasDate() {
        return new String(kinds).chars().anyMatch(c -> c == 'Y' || c == 'y' || c == 'd');
    }

    boolean hasTime() {
        return new String(kinds).chars().anyMatch(c -> c == 'H' || c == 'M' || c == 'S');
    }

    /** The sort key of the cell if it matches and is a real calendar date/time, else -1. */
    long match(char[] b, int off, int len) {
        int i = off;
        int end = off + len;
        int year = 2000;
        int month = 1;
        int day = 1;
        int hour = 0;
        int minute = 0;
        int second = 0;
        for (int t = 0; t < kinds.length; t++) {
            char k = kinds[t];
            if (k == LITERAL) {
                if (i >= end || b[i] != literals[t]) {
                    return -1;
                }
                i++;
                continue;
            }
            int min;
            int max;
            switch (k) {
                case 'Y' -> {
                    min = 4;
                    max = 4;
                }
                case 'y' -> {
                    min = 2;
                    max = 2;
                }
                case 'f' -> {
                    min = 1;
                    max = 9;
                }
                case 'b', 'B' -> {
                    int m = monthName(b, i, end, k == 'B');
                    if (m < 0) {
                        return -1;
                    }
                    month = m & 0xff;
                    i += m >>> 8;
                    continue;
                }
                case 'z' -> {
                    int n = zone(b, i, end);
                    if (n < 0) {
                        return -1;
                    }
                    i += n;
                    continue;
                }
                default -> {
                    min = 1;
                    max = 2;
                }
            }
            int v = 0;
            int n = 0;
            while (i < end && n < max && Cells.isDigit(b[i])) {
                v = v * 10 + (b[i] - '0');
                i++;
                n++;
            }
            if (n < min) {
                return -1;
            }
            switch (k) {
                case 'Y' -> year = v;
                case 'y' -> year = v < 69 ? 2000 + v : 1900 + v;
                case 'm' -> month = v;
                case 'd' -> day = v;
                case 'H' -> hour = v;
                case 'M' -> minute = v;
                case 'S' -> second = v;
                default -> { }
            }
        }
        if (isoTail && i < end) {
            if (b[i] == '.') {
                int n = 0;
                i++;
                while (i < end && Cells.isDigit(b[i])) {
                    i++;
                    n++;
                }
                if (n == 0) {
                    return -1;
                }
            }
            if (i < end) {
                int z = zone(b, i, end);
                if (z < 0) {
                    return -1;
                }
                i += z;
            }
        }
        if (i != end || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23
                || minute > 59 || second > 60) {
            return -1;
        }
        return ((((year * 100L + month) * 100 + day) * 100 + hour) * 100 + minute) * 100 + second;
    }

    static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Month number in the low byte and characters consumed above it, or -1. */
    private static int monthName(char[] b, int i, int end, boolean full) {
        for (int m = 0; m < 12; m++) {
            String name = full ? MONTHS[m] : MONTHS[m].substring(0, 3);
            if (i + name.length() <= end
                    && new String(b, i, name.length()).toLowerCase(Locale.ROOT).equals(name)) {
                return (name.length() << 8) | (m + 1);
            }
        }
        return -1;
    }

    /** Length of a zone designator ({@code Z}, {@code +hh:mm}, {@code +hhmm}) at i, or -1. */
    private static int zone(char[] b, int i, int end) {
        if (i < end && b[i] == 'Z') {
            return 1;
        }
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            int n = end - i;
            if (n == 6 && b[i + 3] == ':' && digits(b, i + 1, 2) && digits(b, i + 4, 2)) {
                return 6;
            }
            if (n == 5 && digits(b, i + 1, 4)) {
                return 5;
            }
            if (n == 3 && digits(b, i + 1, 2)) {
                return 3;
            }
        }
        return -1;
    }

    private static boolean digits(char[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (!Cells.isDigit(b[i])) {
                return false;
            }
        }
        return true;
    }
}
