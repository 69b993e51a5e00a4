package io.coffer.meta;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh metadata databases for tests: in-memory H2, or a new database in one embedded PostgreSQL per JVM. */
public final class Databases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private Databases() {
    }

    public static MetaDb h2() {
        return MetaDb.inMemory("test-" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    public static synchronized MetaDb postgres() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
                EmbeddedPostgres pg = postgres;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException e) {
                        // the JVM is exiting anyway
                    }
                }));
            }
            String name = "coffer_test_" + COUNTER.incrementAndGet();
            try (Connection c = postgres.getPostgresDatabase().getConnection()) {
                c.createStatement().execute("CREATE DATABASE " + name);
            }
            return MetaDb.open(postgres.getJdbcUrl("postgres", name), null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
