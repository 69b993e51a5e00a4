package io.coffer.meta;

class H2MetaTest extends MetaContract {
    @Override
    MetaDb open() {
        return Databases.h2();
    }
}
