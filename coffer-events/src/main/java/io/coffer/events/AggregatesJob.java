package io.coffer.events;

import io.coffer.engine.CofferEngine;
import io.coffer.engine.EngineConfig;
import io.coffer.engine.StaticAggregates;
import io.coffer.meta.ChangeLog;
import io.coffer.meta.DatasetAccess;
import io.coffer.meta.Visibility;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.util.List;

/**
 * The {@link Jobs#AGGREGATES} job of a published revision: builds its Parquet copy and static aggregates
 * ({@link StaticAggregates#write(Revision)}, which overwrites the same keys with the same bytes when run again), then
 * records {@link ChangeLog#AGGREGATES_READY} once per revision.
 */
public final class AggregatesJob implements JobHandler, AutoCloseable {
    private final DataStore store;
    private final ChangeLog changes;
    private final DatasetAccess access;
    private final CofferEngine shared;
    private CofferEngine own;

    /** {@code engine}: the process's engine; null: one of its own from the environment, on first use. */
    public AggregatesJob(DataStore store, ChangeLog changes, DatasetAccess access, CofferEngine engine) {
        this.store = store;
        this.changes = changes;
        this.access = access;
        this.shared = engine;
    }

    private synchronized CofferEngine engine() {
        if (shared != null) {
            return shared;
        }
        if (own == null) {
            // The same COFFER_ENGINE_* settings (cache directory and bound, threads, memory) as the server's.
            own = new CofferEngine(store, EngineConfig.fromEnvironment(System.getenv()));
        }
        return own;
    }

    @Override
    public synchronized void close() {
        if (own != null) {
            own.close();
            own = null;
        }
    }

    @Override
    public void run(Jobs.Job job) {
        Revision rev = JobHandler.revisionOf(store, job).orElse(null);
        if (rev == null) {
            return; // deleted since: nothing to build
        }
        DatasetId id = rev.dataset();
        if (store.descriptor(rev).model() == null) {
            return; // a plain Data Package without a fiscal model has no aggregates
        }
        List<String> keys;
        try {
            keys = engine().staticAggregates().write(rev);
        } catch (CofferException e) {
            throw JobHandler.classify(e);
        }
        changes.append(ChangeLog.Draft.dataset(ChangeLog.AGGREGATES_READY, id, rev.revision(), "worker",
                access.visibility(id) == Visibility.PRIVATE, Json.object().put("files", keys.size())
                        .put("prefix", StaticAggregates.prefix(rev))));
    }
}
