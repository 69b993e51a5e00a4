package io.coffer.loader;

/** Small helpers over cell text held as {@code char[]} ranges. */
final class Cells {
    /** Cells quoted in reports are cut to this many characters so a report stays small. */
    static final int EXCERPT = 200;

    private Cells() {
    }

    static String excerpt(String s) {
        if (s == null || s.length() <= EXCERPT) {
            return s;
        }
        return s.substring(0, EXCERPT) + "…";
    }

    static boolean equalsAscii(char[] b, int off, int len, String s) {
        if (len != s.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[off + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** 64-bit FNV-1a over the chars, mixed; used for distinct counts and key indexes, never for equality alone. */
    static long hash(char[] b, int off, int len, long seed) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (int i = off; i < off + len; i++) {
            h ^= b[i];
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
