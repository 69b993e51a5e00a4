package io.coffer.server.auth;

import io.coffer.meta.MetaDb;

/** The auth suite on the default embedded database. */
class H2AuthServerIT extends AuthServerContract {
    @Override
    MetaDb openDb() {
        return TestDatabases.h2();
    }
}
