package io.coffer.events;

import io.coffer.meta.ChangeLog;
import io.coffer.meta.DatasetAccess;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.DatasetService;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.RevisionInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store publish and its event cannot share a transaction. If the process dies between them, this finds
 * every revision listed in a dataset's ref (so: every revision that became latest) without a publish
 * event and records it; and every dataset whose events say it exists but which the store has deleted, and
 * records the delete. Appends are idempotent by (type, dataset, revision), so any number of nodes may run
 * it at any time. Revisions that never became latest are not in the ref, so they never get an event.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final DataStore store;
    private final ChangeLog changes;
    private final DatasetAccess access;

    public Reconciler(DataStore store, ChangeLog changes, DatasetAccess access) {
        this.store = store;
        this.changes = changes;
        this.access = access;
    }

    /** Returns the number of events recorded. */
    public int runOnce() {
        int added = 0;
        Set<DatasetId> existing = new HashSet<>();
        for (DatasetId id : store.list()) {
            existing.add(id);
            List<RevisionInfo> revisions;
            try {
                revisions = store.revisions(id);
            } catch (CofferException e) {
                continue; // deleted meanwhile
            }
            Set<Long> seen = new HashSet<>(changes.revisionsWith(ChangeLog.PUBLISHED, id));
            long latest = revisions.stream().mapToLong(RevisionInfo::revision).max().orElse(0);
            for (RevisionInfo r : revisions) {
                if (!seen.contains(r.revision()) && DatasetService.recordPublish(changes, access, id, r.revision(),
                        r.publishedAt(), "reconciler", true, r.revision() < latest)) {
                    LOG.info("recorded the missing publish event of {} revision {}", id, r.revision());
                    added++;
                }
            }
        }
        for (ChangeLog.DatasetMark m : changes.datasetMarks()) {
            if (m.lastPublished() > m.lastDeleted() && !existing.contains(m.dataset()) && !store.exists(m.dataset())) {
                boolean hidden = access.visibility(m.dataset()) == Visibility.PRIVATE;
                if (changes.append(ChangeLog.Draft.dataset(ChangeLog.DELETED, m.dataset(), m.lastPublished(),
                        "reconciler", hidden, Json.object().put("reconciled", true))).isPresent()) {
                    LOG.info("recorded the missing delete event of {}", m.dataset());
                    added++;
                }
            }
        }
        return added;
    }
}
