package io.coffer.events;

import io.coffer.meta.MetaDb;

class H2EventsTest extends EventsContract {
    @Override
    MetaDb open() {
        return Databases.h2();
    }

    @Override
    String urlForAnotherProcess() throws Exception {
        return Databases.h2FileUrl();
    }

    @Override
    boolean sharedBetweenProcesses() {
        return false; // an H2 file is open in one process at a time
    }
}
