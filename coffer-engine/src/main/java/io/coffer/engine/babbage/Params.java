package io.coffer.engine.babbage;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.util.List;
import java.util.Map;

/** Reading query parameters the way babbage clients send them. */
final class Params {
    /** babbage's default page size. */
    static final int DEFAULT_PAGE_SIZE = 100;
    /** The largest page number accepted (keeps OFFSET arithmetic far from overflow). */
    static final int MAX_PAGE = 10_000_000;

    private Params() {
    }

    /** The single value of a parameter; several values are refused, except where {@code joinWith} is set. */
    static String one(Map<String, List<String>> q, String name, String joinWith) {
        List<String> v = q == null ? null : q.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            if (joinWith == null) {
                throw new CofferException(ErrorCode.BAD_REQUEST, "parameter '" + name + "' is given "
                        + v.size() + " times; give it once");
            }
            return String.join(joinWith, v.stream().filter(s -> !s.isEmpty()).toList());
        }
        return v.get(0);
    }

    static int integer(Map<String, List<String>> q, String name, int dflt, int min, int max) {
        String s = one(q, name, null);
        if (s == null || s.isBlank()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(s.strip());
            if (v < min) {
                throw new CofferException(ErrorCode.BAD_REQUEST, "parameter '" + name + "' must be at least "
                        + min + ", not " + v);
            }
            return (int) Math.min(v, max);
        } catch (NumberFormatException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "parameter '" + name + "' must be an integer, not '"
                    + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'");
        }
    }
}
