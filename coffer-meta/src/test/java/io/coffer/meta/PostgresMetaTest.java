package io.coffer.meta;

class PostgresMetaTest extends MetaContract {
    @Override
    MetaDb open() {
        return Databases.postgres();
    }
}
