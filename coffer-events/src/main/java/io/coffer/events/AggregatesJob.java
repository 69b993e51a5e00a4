package io.coffer.events;

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
 * ({@link StaticAggregates#write}, which overwrites the same keys with the same bytes when run again), then
 * records {@link ChangeLog#AGGREGATES_READY} once per revision.
 */
public final class AggregatesJob implements JobHandler {
    private final DataStore store;
    private final ChangeLog changes;
    private final DatasetAccess access;

    public AggregatesJob(DataStore store, ChangeLog changes, DatasetAccess access) {
        this.store = store;
        this.changes = changes;
        this.access = access;
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
            keys = StaticAggregates.write(store, rev);
        } catch (CofferException e) {
            throw JobHandler.classify(e);
        }
        changes.append(ChangeLog.Draft.dataset(ChangeLog.AGGREGATES_READY, id, rev.revision(), "worker",
                access.visibility(id) == Visibility.PRIVATE, Json.object().put("files", keys.size())
                        .put("prefix", StaticAggregates.prefix(rev))));
    }
}
