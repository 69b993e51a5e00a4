package io.coffer.server.auth;

import io.coffer.meta.MetaDb;

class PostgresEventsServerTest extends EventsServerContract {
    @Override
    MetaDb openDb() throws Exception {
        return TestDatabases.postgres();
    }
}
