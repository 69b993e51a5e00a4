package io.coffer.loader;

/**
 * How a number is written: decimal mark and thousands separator ({@code 0} = none). The styles a cell fits
 * are found without creating any object; a column keeps the styles all of its cells fit.
 */
enum NumberStyle {
    DOT('.', (char) 0),
    DOT_COMMA('.', ','),
    DOT_SPACE('.', ' '),
    DOT_APOSTROPHE('.', '\''),
    COMMA(',', (char) 0),
    COMMA_DOT(',', '.'),
    COMMA_SPACE(',', ' '),
    COMMA_NBSP(',', '\u00A0');

    static final NumberStyle[] ALL = values();
    static final int ALL_MASK = (1 << ALL.length) - 1;
    /** Longest integer that fits a {@code long}; longer digit strings are numbers (or codes), not integers. */
    static final int MAX_INTEGER_DIGITS = 18;

    final char decimal;
    final char group;

    NumberStyle(char decimal, char group) {
        this.decimal = decimal;
        this.group = group;
    }

    /** The group separator; any space-like character stands for a space separator (exports mix them). */
    boolean isGroup(char c) {
        return group != 0 && (c == group || (Decoration.isSpace(group) && Decoration.isSpace(c) && c != '\t'));
    }

    int bit() {
        return 1 << ordinal();
    }

    String decimalChar() {
        return String.valueOf(decimal);
    }

    String groupChar() {
        return group == 0 ? null : String.valueOf(group);
    }

    /** The style a schema field declares (defaults: '.' and no group). */
    static NumberStyle of(String decimalChar, String groupChar) {
        char d = decimalChar == null || decimalChar.isEmpty() ? '.' : decimalChar.charAt(0);
        char g = groupChar == null || groupChar.isEmpty() ? 0 : groupChar.charAt(0);
        for (NumberStyle s : ALL) {
            if (s.decimal == d && s.group == g) {
                return s;
            }
        }
        return null;
    }

    /** A plain integer: optional sign, 1-18 digits, no leading zero (so codes like {@code 007} stay text). */
    static boolean isInteger(char[] b, int off, int len) {
        int i = off;
        int end = off + len;
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        int digits = end - i;
        if (digits < 1 || digits > MAX_INTEGER_DIGITS || (digits > 1 && b[i] == '0')) {
            return false;
        }
        for (; i < end; i++) {
            if (!Cells.isDigit(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Bitmask of the styles among {@code candidates} that the cell fits. */
    static int fits(char[] b, int off, int len, int candidates) {
        int out = 0;
        for (NumberStyle s : ALL) {
            if ((candidates & s.bit()) != 0 && s.matches(b, off, len)) {
                out |= s.bit();
            }
        }
        return out;
    }

    /**
     * Whether the cell is a number in this style: sign, integer part (grouped in threes when the group
     * separator appears), optional decimal part; exponent only in the plain {@link #DOT} style. A leading
     * zero before more integer digits is refused: {@code 0101} is a code.
     */
    boolean matches(char[] b, int off, int len) {
        int i = off;
        int end = off + len;
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        int intStart = i;
        int run = 0;
        int intDigits = 0;
        boolean grouped = false;
        while (i < end) {
            char c = b[i];
            if (Cells.isDigit(c)) {
                run++;
            } else if (isGroup(c)) {
                if (grouped ? run != 3 : run < 1 || run > 3) {
                    return false;
                }
                grouped = true;
                intDigits += run;
                run = 0;
            } else {
                break;
            }
            i++;
        }
        if (grouped && run != 3) {
            return false;
        }
        intDigits += run;
        if (intDigits == 0 || (intDigits > 1 && b[intStart] == '0')) {
            return false;
        }
        if (i == end) {
            return true;
        }
        if (b[i] == decimal) {
            i++;
            int frac = 0;
            while (i < end && Cells.isDigit(b[i])) {
                i++;
                frac++;
            }
            if (frac == 0) {
                return false;
            }
            if (i == end) {
                return true;
            }
        }
        if (this == DOT && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '-' || b[i] == '+')) {
                i++;
            }
            int exp = 0;
            while (i < end && Cells.isDigit(b[i])) {
                i++;
                exp++;
            }
            return exp > 0 && exp <= 4 && i == end;
        }
        return false;
    }

    /** The cell in canonical form ({@code .} decimal, no grouping), assuming {@link #matches} holds. */
    String canonical(char[] b, int off, int len) {
        if (this == DOT) {
            return new String(b, off, len);
        }
        StringBuilder s = new StringBuilder(len);
        for (int i = off; i < off + len; i++) {
            char c = b[i];
            if (isGroup(c)) {
                continue;
            }
            s.append(c == decimal ? '.' : c);
        }
        return s.toString();
    }
}
