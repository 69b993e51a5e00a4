package io.coffer.server.cli;

import io.coffer.events.JobHandler;
import io.coffer.events.Jobs;
import io.coffer.model.CofferException;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.coffer.versions.History;
import io.coffer.versions.Semver;
import io.coffer.versions.Versions;
import java.nio.file.Path;

/**
 * The background job that gives every published revision its semver record and, for a keyed resource, its
 * record history (Parquet under the revision's derived/ prefix). Idempotent: building again writes the same.
 */
final class HistoryJob implements JobHandler {
    static final String TYPE = "history";

    private final DataStore store;
    private final Versions versions;

    /** On the process's versions service (its one DuckDB runtime). */
    HistoryJob(DataStore store, Versions versions) {
        this.store = store;
        this.versions = versions;
    }

    @Override
    public void run(Jobs.Job job) {
        Revision rev = JobHandler.revisionOf(store, job).orElse(null);
        if (rev == null) {
            return; // deleted since: nothing to build
        }
        Semver.of(store, rev.dataset(), rev.revision());
        try {
            Versions v = versions;
            Versions.Keyed k = v.keyed(rev, null);
            if (!k.key().isEmpty()) {
                History.build(v, rev, k.name());
            }
        } catch (CofferException e) {
            throw JobHandler.classify(e);
        }
    }
}
