package io.coffer.server.auth;

import io.coffer.meta.MetaDb;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh metadata databases: in-memory H2, or a new database inside one embedded PostgreSQL per test JVM. */
final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    static MetaDb h2() {
        return MetaDb.inMemory("server-test-" + COUNTER.incrementAndGet() + "-" + System.nanoTime());
    }

    static synchronized MetaDb postgres() throws Exception {
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
        String name = "coffer_server_" + COUNTER.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        return MetaDb.open(postgres.getJdbcUrl("postgres", name), null, null);
    }
}
