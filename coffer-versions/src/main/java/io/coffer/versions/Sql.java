package io.coffer.versions;

import java.util.List;
import java.util.stream.Collectors;

/** SQL text for engine-controlled names and paths (column names come from descriptors: always quoted). */
final class Sql {
    private Sql() {
    }

    static String ident(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in SQL identifier");
        }
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static String literal(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in SQL literal");
        }
        return "'" + s.replace("'", "''") + "'";
    }

    /** {@code alias."c1", alias."c2"} */
    static String cols(String alias, List<String> cols) {
        return cols.stream().map(c -> (alias == null ? "" : alias + ".") + ident(c)).collect(Collectors.joining(", "));
    }

    /** {@code a."k1" IS NOT DISTINCT FROM b."k1" AND ...} */
    static String keyJoin(String a, String b, List<String> key) {
        return key.stream().map(k -> a + "." + ident(k) + " IS NOT DISTINCT FROM " + b + "." + ident(k))
                .collect(Collectors.joining(" AND "));
    }

    /** The history key: key values joined by U+001F (NULL as empty). */
    static String keyText(String alias, List<String> key) {
        return "concat_ws(chr(31), " + key.stream().map(k -> "coalesce(" + (alias == null ? "" : alias + ".")
                + ident(k) + ", '')").collect(Collectors.joining(", ")) + ")";
    }
}
