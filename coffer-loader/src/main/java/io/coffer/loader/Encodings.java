package io.coffer.loader;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Charset names, byte-order marks and the byte-level guesses the {@link Sniffer} makes. */
final class Encodings {
    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    static final Charset WINDOWS_1251 = Charset.forName("windows-1251");
    static final Charset UTF_32BE = Charset.forName("UTF-32BE");
    static final Charset UTF_32LE = Charset.forName("UTF-32LE");

    private Encodings() {
    }

    /** A descriptor's {@code encoding}; unknown or absent names mean UTF-8, the Data Package default. */
    static Charset forName(String encoding) {
        if (encoding == null || encoding.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        String n = encoding.trim().toLowerCase(Locale.ROOT);
        if (n.equals("utf8") || n.equals("utf-8-sig") || n.equals("utf8-sig")) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(n);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The charset a byte-order mark at the start of {@code b} announces, or null. */
    static Charset bomCharset(byte[] b, int len) {
        if (len >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            return StandardCharsets.UTF_8;
        }
        if (len >= 4 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE && b[2] == 0 && b[3] == 0) {
            return UTF_32LE;
        }
        if (len >= 4 && b[0] == 0 && b[1] == 0 && (b[2] & 0xff) == 0xFE && (b[3] & 0xff) == 0xFF) {
            return UTF_32BE;
        }
        if (len >= 2 && (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF) {
            return StandardCharsets.UTF_16BE;
        }
        if (len >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE) {
            return StandardCharsets.UTF_16LE;
        }
        return null;
    }

    /** Bytes of the BOM for {@code cs} at the start of {@code b}, 0 when there is none. */
    static int bomLength(byte[] b, int len) {
        Charset cs = bomCharset(b, len);
        if (cs == null) {
            return 0;
        }
        if (cs == StandardCharsets.UTF_8) {
            return 3;
        }
        return cs == UTF_32LE || cs == UTF_32BE ? 4 : 2;
    }

    /** UTF-16 without BOM shows as NUL bytes in every other position of mostly-ASCII text. */
    static Charset utf16ByNuls(byte[] b, int len) {
        int n = Math.min(len, 4096) & ~1;
        if (n < 4) {
            return null;
        }
        int evenNul = 0;
        int oddNul = 0;
        for (int i = 0; i < n; i += 2) {
            if (b[i] == 0) evenNul++;
            if (b[i + 1] == 0) oddNul++;
        }
        int pairs = n / 2;
        if (evenNul > pairs * 0.3 && oddNul < pairs * 0.05) {
            return StandardCharsets.UTF_16BE;
        }
        if (oddNul > pairs * 0.3 && evenNul < pairs * 0.05) {
            return StandardCharsets.UTF_16LE;
        }
        return null;
    }

    /** Result of scanning bytes as UTF-8: whether they are valid and whether any byte was non-ASCII. */
    record Utf8Scan(boolean valid, boolean nonAscii) {
    }

    /**
     * Checks UTF-8 well-formedness (no overlongs, no surrogates, max U+10FFFF). A sequence cut off by the
     * end of a sample ({@code truncated}) is not held against the text.
     */
    static Utf8Scan scanUtf8(byte[] b, int from, int to, boolean truncated) {
        boolean nonAscii = false;
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            nonAscii = true;
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return new Utf8Scan(false, true);
            }
            if (i + need >= to) {
                // The sequence runs past the end: fine if a sample cut it, malformed at the real end.
                return new Utf8Scan(truncated, true);
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xC0) != 0x80) {
                    return new Utf8Scan(false, true);
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return new Utf8Scan(false, true);
            }
            i += need + 1;
        }
        return new Utf8Scan(true, nonAscii);
    }

    /**
     * The single-byte fallback for text that is not UTF-8: Windows-1252 (a superset of ISO-8859-1's printable
     * range) unless the bytes say otherwise. Bytes Windows-1252 leaves undefined mean ISO-8859-1. Letters
     * (0xC0-0xFF) that mostly come in runs mean Cyrillic words (Windows-1251): Western accented letters sit
     * alone between ASCII letters.
     */
    static Charset singleByteGuess(byte[] b, int from, int to) {
        long high = 0;
        long runs = 0;
        boolean undefined1252 = false;
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c >= 0xC0) {
                high++;
                if (i + 1 < to && (b[i + 1] & 0xff) >= 0xC0) {
                    runs++;
                }
            } else if (c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D) {
                undefined1252 = true;
            }
        }
        if (runs >= 8 && runs * 2 > high) {
            return WINDOWS_1251;
        }
        return undefined1252 ? StandardCharsets.ISO_8859_1 : WINDOWS_1252;
    }
}
