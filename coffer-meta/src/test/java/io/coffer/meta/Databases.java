package io.coffer.meta;

import java.util.concurrent.atomic.AtomicInteger;

/** Fresh metadata databases for tests: in-memory H2, or a new database in one embedded PostgreSQL per JVM. */
public final class Databases {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Databases() {
    }

    public static MetaDb h2() {
        return MetaDb.inMemory("test-" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    public static MetaDb postgres() {
        return MetaDb.open(io.coffer.testing.Postgres.newDatabaseUrl("coffer_test"), null, null);
    }
}
