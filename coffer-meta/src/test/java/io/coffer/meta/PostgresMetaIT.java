package io.coffer.meta;

class PostgresMetaIT extends MetaContract {
    @Override
    MetaDb open() {
        return Databases.postgres();
    }
}
