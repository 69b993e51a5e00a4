package io.coffer.store.git;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Storage keys as git ref names below {@code refs/coffer/keys/}. Keys allow characters git forbids in ref
 * names (spaces, {@code : ? * [ ^ ~}, a leading dot, a {@code .lock} suffix, ...), so each segment keeps
 * {@code [A-Za-z0-9_-]} and harmless dots and percent-encodes every other byte of its UTF-8 form.
 */
final class RefKeys {
    static final String PREFIX = "refs/coffer/keys/";

    private RefKeys() {
    }

    /** The ref name of a (valid) key. */
    static String refName(String key) {
        return PREFIX + encodePath(key);
    }

    /** A key prefix ({@code ""} or ending with '/') as a ref-name prefix. */
    static String refPrefix(String keyPrefix) {
        if (keyPrefix.isEmpty()) {
            return PREFIX;
        }
        return PREFIX + encodePath(keyPrefix.substring(0, keyPrefix.length() - 1)) + "/";
    }

    /** The key a ref name below {@link #PREFIX} stands for. */
    static String key(String refName) {
        String[] segs = refName.substring(PREFIX.length()).split("/", -1);
        StringBuilder b = new StringBuilder();
        for (String s : segs) {
            if (!b.isEmpty()) {
                b.append('/');
            }
            b.append(decode(s));
        }
        return b.toString();
    }

    private static String encodePath(String key) {
        StringBuilder b = new StringBuilder();
        for (String s : key.split("/", -1)) {
            if (!b.isEmpty()) {
                b.append('/');
            }
            b.append(encode(s));
        }
        return b.toString();
    }

    static String encode(String segment) {
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            // A dot is fine in the middle, but not first, last, doubled, or starting ".lock" at the end.
            boolean dot = c == '.' && i > 0 && i < bytes.length - 1 && bytes[i - 1] != '.'
                    && !(i == bytes.length - 5 && segment.endsWith(".lock"));
            if (plain || dot) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    static String decode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                out.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
