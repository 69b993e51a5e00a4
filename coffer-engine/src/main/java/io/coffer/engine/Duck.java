package io.coffer.engine;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;

/**
 * The one embedded DuckDB database of an engine (in memory; data lives in Parquet files). File access is
 * confined to the cache directory, and each connection handed out gets {@code threads} and
 * {@code memory_limit} set before use.
 */
final class Duck implements AutoCloseable {
    private final EngineConfig config;
    private final DuckDBConnection root;

    Duck(EngineConfig config) {
        this.config = config;
        try {
            Files.createDirectories(config.cacheDir().resolve("tmp"));
            root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = root.createStatement()) {
                settings(s);
                s.execute("SET temp_directory = " + literal(config.cacheDir().resolve("tmp").toString()));
                s.execute("SET allowed_directories = [" + literal(config.cacheDir() + "/") + "]");
                // After this DuckDB reads and writes nothing outside the cache, and loads no extension.
                s.execute("SET enable_external_access = false");
            }
        } catch (SQLException | IOException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, "cannot start DuckDB: " + e.getMessage(), e);
        }
    }

    /** A new connection to the shared database, with the engine's resource limits set on it. */
    Connection connect() throws SQLException {
        DuckDBConnection c = root.duplicate();
        try (Statement s = c.createStatement()) {
            settings(s);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void settings(Statement s) throws SQLException {
        // Neither setting can be a bound parameter; both values are validated by EngineConfig.
        s.execute("SET threads = " + config.threads());
        s.execute("SET memory_limit = " + literal(config.memoryLimit()));
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

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing to do about it
        }
    }
}
