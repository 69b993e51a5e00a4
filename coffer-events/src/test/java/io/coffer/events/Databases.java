package io.coffer.events;

import io.coffer.meta.MetaDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh metadata databases: H2 (in memory, or a file another process can open) and embedded PostgreSQL. */
final class Databases {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Databases() {
    }

    static MetaDb h2() {
        return MetaDb.inMemory("events-test-" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    static String h2FileUrl() throws IOException {
        Path dir = Files.createTempDirectory("coffer-events-h2");
        return "jdbc:h2:file:" + dir.resolve("meta") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
    }

    static String postgresUrl() {
        return io.coffer.testing.Postgres.newDatabaseUrl("coffer_events");
    }

    static MetaDb postgres() throws Exception {
        return MetaDb.open(postgresUrl(), null, null);
    }
}
