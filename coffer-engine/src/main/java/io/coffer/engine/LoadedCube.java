package io.coffer.engine;

import io.coffer.engine.cube.ColumnType;
import io.coffer.engine.cube.Cube;
import io.coffer.store.Revision;
import java.nio.file.Path;
import java.util.Map;

/**
 * A cube ready to query: its model, its revision and the Parquet copy, with the column types the copy
 * really has (an attribute whose values did not all fit the declared type is kept as text).
 */
public record LoadedCube(Revision revision, Cube cube, Path parquet, Map<String, ColumnType> columnTypes,
                         Map<String, String> sqlTypes) {
    public LoadedCube {
        columnTypes = Map.copyOf(columnTypes);
        sqlTypes = Map.copyOf(sqlTypes);
    }

    /**
     * The table expression of the Parquet copy for a FROM clause. The path is the engine's own (cache directory,
     * validated dataset names), so it is written as a literal: a bound parameter inside a table function makes
     * DuckDB bind the statement again on every execution.
     */
    public String source() {
        return "read_parquet(" + Duck.literal(parquet.toString()) + ")";
    }

    /** {@link #source()} with each row's position in the file as {@code file_row_number} (the file's order). */
    public String sourceWithRowNumbers() {
        return "read_parquet(" + Duck.literal(parquet.toString()) + ", file_row_number = true)";
    }

    public ColumnType type(String column) {
        return columnTypes.getOrDefault(column, ColumnType.STRING);
    }
}
