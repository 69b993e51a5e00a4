package io.coffer.events;

import io.coffer.meta.MetaDb;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh metadata databases: H2 (in memory, or a file another process can open) and embedded PostgreSQL. */
final class Databases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private Databases() {
    }

    static MetaDb h2() {
        return MetaDb.inMemory("events-test-" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    static String h2FileUrl() throws IOException {
        Path dir = Files.createTempDirectory("coffer-events-h2");
        return "jdbc:h2:file:" + dir.resolve("meta") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
    }

    static synchronized String postgresUrl() throws Exception {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().start();
            EmbeddedPostgres pg = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    // exiting anyway
                }
            }));
        }
        String name = "coffer_events_" + COUNTER.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    static MetaDb postgres() throws Exception {
        return MetaDb.open(postgresUrl(), null, null);
    }
}
