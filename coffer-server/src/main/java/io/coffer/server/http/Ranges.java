package io.coffer.server.http;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;

/** Parses a single HTTP byte range (RFC 9110 §14.1.2). Multiple ranges are answered with the whole file. */
public record Ranges(long start, long length) {
    /**
     * Returns null when the header is absent or asks for several ranges; throws RANGE_NOT_SATISFIABLE
     * when the range lies outside the file.
     */
    public static Ranges parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.contains(",")) {
            return null;
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long start;
            long end;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    throw unsatisfiable(size);
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
                if (!b.isEmpty() && Long.parseLong(b) < start) {
                    return null; // syntactically invalid: ignore the header, as RFC 9110 says
                }
            }
            if (start >= size || size == 0) {
                throw unsatisfiable(size);
            }
            return new Ranges(start, end - start + 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static CofferException unsatisfiable(long size) {
        return new CofferException(ErrorCode.RANGE_NOT_SATISFIABLE, "the requested range is outside the file ("
                + size + " bytes)");
    }
}
