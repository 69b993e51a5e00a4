package io.coffer.server.auth;

import io.coffer.meta.MetaDb;

class H2EventsServerIT extends EventsServerContract {
    @Override
    MetaDb openDb() {
        return TestDatabases.h2();
    }
}
