package io.coffer.server.auth;

import io.coffer.meta.MetaDb;

class PostgresEventsServerIT extends EventsServerContract {
    @Override
    MetaDb openDb() throws Exception {
        return TestDatabases.postgres();
    }
}
