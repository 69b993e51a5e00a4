package io.coffer.server.auth;

import io.coffer.meta.MetaDb;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh metadata databases: in-memory H2, or a new database inside one embedded PostgreSQL per test JVM. */
final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestDatabases() {
    }

    static MetaDb h2() {
        return MetaDb.inMemory("server-test-" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    static MetaDb postgres() {
        return MetaDb.open(io.coffer.testing.Postgres.newDatabaseUrl("coffer_server"), null, null);
    }
}
