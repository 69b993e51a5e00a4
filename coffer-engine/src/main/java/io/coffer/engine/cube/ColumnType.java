package io.coffer.engine.cube;

import java.util.Locale;

/** The SQL types a cube column can have in the Parquet copy. Money is always {@link #DECIMAL}. */
public enum ColumnType {
    STRING("VARCHAR", "string"),
    INTEGER("BIGINT", "integer"),
    DECIMAL("DECIMAL", "float"),
    DATE("DATE", "date"),
    TIMESTAMP("TIMESTAMP", "datetime"),
    BOOLEAN("BOOLEAN", "boolean");

    private final String sql;
    private final String babbage;

    ColumnType(String sql, String babbage) {
        this.sql = sql;
        this.babbage = babbage;
    }

    /** Base SQL type name (DECIMAL gets its precision and scale from the data). */
    public String sql() {
        return sql;
    }

    /** The type name babbage's model JSON uses. */
    public String babbageName() {
        return babbage;
    }

    /** The column type a Table Schema field type maps to. */
    public static ColumnType ofSchemaType(String type) {
        return switch (type == null ? "string" : type.toLowerCase(Locale.ROOT)) {
            case "integer", "year" -> INTEGER;
            case "number" -> DECIMAL;
            case "date" -> DATE;
            case "datetime" -> TIMESTAMP;
            case "boolean" -> BOOLEAN;
            default -> STRING;
        };
    }

    /** Maps a DuckDB type as {@code DESCRIBE} prints it. */
    public static ColumnType ofDuckDb(String t) {
        String u = t.toUpperCase(Locale.ROOT);
        if (u.startsWith("DECIMAL")) return DECIMAL;
        if (u.equals("BIGINT") || u.equals("INTEGER") || u.equals("HUGEINT") || u.equals("SMALLINT")) return INTEGER;
        if (u.equals("DATE")) return DATE;
        if (u.startsWith("TIMESTAMP")) return TIMESTAMP;
        if (u.equals("BOOLEAN")) return BOOLEAN;
        return STRING;
    }
}
