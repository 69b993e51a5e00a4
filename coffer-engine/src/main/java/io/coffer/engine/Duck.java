package io.coffer.engine;

/** SQL text helpers for engine-controlled names and literals (never for request values: those are bound). */
final class Duck {
    private Duck() {
    }

    /** A SQL string literal for engine-controlled text (paths, settings), never for request values. */
    static String literal(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in SQL literal");
        }
        return "'" + s.replace("'", "''") + "'";
    }

    /** A quoted SQL identifier; identifiers come only from the engine's generated column names. */
    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
