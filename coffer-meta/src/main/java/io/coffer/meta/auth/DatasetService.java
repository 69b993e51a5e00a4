package io.coffer.meta.auth;

import io.coffer.meta.ChangeLog;
import io.coffer.meta.DatasetAccess;
import io.coffer.meta.Visibility;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guarded way to change and read datasets: every publish, delete and visibility change, and every
 * visibility check of a read, asks {@link Authorizer} before it touches the {@link DataStore}.
 */
public final class DatasetService {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetService.class);

    private final DataStore store;
    private final DatasetAccess access;
    private final Authorizer authz;
    private final ChangeLog changes;

    public DatasetService(DataStore store, DatasetAccess access, Authorizer authz) {
        this(store, access, authz, null);
    }

    /** With {@code changes}, every publish, delete and visibility change is recorded in the change log. */
    public DatasetService(DataStore store, DatasetAccess access, Authorizer authz, ChangeLog changes) {
        this.store = store;
        this.access = access;
        this.authz = authz;
        this.changes = changes;
    }

    /** A package staged on local disk (an upload), removed on close. */
    public interface StagedPackage extends AutoCloseable {
        PackageSource source();

        /**
         * The revision this package was built on (an upsert merges into one), which must still be the latest when
         * it is published; null: none.
         */
        default Long basedOn() {
            return null;
        }

        @Override
        void close();
    }

    /** Reads the package (e.g. the request body); called only once the publish is authorized. */
    @FunctionalInterface
    public interface Stager {
        StagedPackage stage() throws IOException;
    }

    /**
     * Publishes a new revision. Authorization comes first, so nothing is read from a refused upload.
     * {@code visibility} (null: unchanged, public for a new dataset) is applied so that a dataset meant to be
     * private is never public, not even for a moment.
     */
    public Revision publish(Principal p, DatasetId id, Visibility visibility, Stager stager) throws IOException {
        return publish(p, id, visibility, null, stager);
    }

    /**
     * Publishes only if the dataset's latest revision is {@code expectedLatest} (0: the dataset must not exist;
     * null: any), so that of two clients publishing from the same revision exactly one wins and the other gets
     * {@link io.coffer.model.ErrorCode#CONFLICT}. Checked before the upload is read, and again atomically
     * with the switch.
     */
    public Revision publish(Principal p, DatasetId id, Visibility visibility, Long expectedLatest, Stager stager)
            throws IOException {
        authz.requireWrite(p, id);
        if (expectedLatest != null) {
            DataStore.requireLatest(id, store.latestRevision(id), expectedLatest);
        }
        try (StagedPackage pkg = stager.stage()) {
            boolean existed = store.exists(id);
            if (visibility == Visibility.PRIVATE) {
                setVisibility(p, id, Visibility.PRIVATE, existed);
            }
            Revision rev;
            try {
                rev = store.publish(id, pkg.source(), expectedLatest != null ? expectedLatest : pkg.basedOn());
            } catch (RuntimeException e) {
                if (visibility == Visibility.PRIVATE && !existed) {
                    access.forget(id);
                }
                throw e;
            }
            if (visibility == Visibility.PUBLIC) {
                setVisibility(p, id, Visibility.PUBLIC, existed);
            }
            LOG.info("{} published {} revision {}", p, id, rev.revision());
            recordPublish(changes, access, id, rev.revision(), rev.publishedAt(), p.toString(), false);
            return rev;
        }
    }

    public void delete(Principal p, DatasetId id) {
        authz.requireWrite(p, id);
        long last = store.exists(id) ? store.revisions(id).stream().mapToLong(r -> r.revision()).max().orElse(0) : 0;
        boolean hidden = access.visibility(id) == Visibility.PRIVATE;
        store.delete(id);
        access.forget(id);
        if (changes != null) {
            // Deleting again after a re-publish has a higher last revision: the key stays unique.
            changes.append(ChangeLog.Draft.dataset(ChangeLog.DELETED, id, last, p.toString(), hidden,
                    io.coffer.model.Json.object()));
        }
        LOG.info("{} deleted {}", p, id);
    }

    public void setVisibility(Principal p, DatasetId id, Visibility v) {
        authz.requireWrite(p, id);
        if (!store.exists(id)) {
            throw io.coffer.model.CofferException.notFound("dataset " + id + " does not exist");
        }
        setVisibility(p, id, v, true);
        LOG.info("{} made {} {}", p, id, v.code());
    }

    private void setVisibility(Principal p, DatasetId id, Visibility v, boolean existed) {
        if (changes == null || !existed) {
            // A new dataset's visibility travels in its publish event.
            access.set(id, v);
        } else {
            access.change(id, v, changes, p.toString());
        }
    }

    /**
     * Records the publish of a revision (idempotent by dataset and revision). Used right after a publish, and
     * by start-up reconciliation for a revision whose event was lost to a crash.
     */
    public static boolean recordPublish(ChangeLog changes, DatasetAccess access, DatasetId id, long revision,
                                        java.time.Instant publishedAt, String actor, boolean reconciled) {
        return recordPublish(changes, access, id, revision, publishedAt, actor, reconciled, false);
    }

    /** {@code superseded}: a later revision is already latest (reconciliation of history); no derived data needed. */
    public static boolean recordPublish(ChangeLog changes, DatasetAccess access, DatasetId id, long revision,
                                        java.time.Instant publishedAt, String actor, boolean reconciled,
                                        boolean superseded) {
        if (changes == null) {
            return false;
        }
        Visibility v = access.visibility(id);
        var data = io.coffer.model.Json.object().put("visibility", v.code())
                .put("publishedAt", publishedAt.toString());
        if (reconciled) {
            data.put("reconciled", true);
        }
        if (superseded) {
            data.put("superseded", true);
        }
        return changes.append(ChangeLog.Draft.dataset(ChangeLog.PUBLISHED, id, revision, actor,
                v == Visibility.PRIVATE, data)).isPresent();
    }

    public Visibility visibility(Principal p, DatasetId id) {
        authz.requireRead(p, id);
        return access.visibility(id);
    }

    /** 404 when the dataset is private and {@code p} may not see it. */
    public void requireReadable(Principal p, DatasetId id) {
        authz.requireRead(p, id);
    }

    public Predicate<DatasetId> readable(Principal p) {
        return authz.readFilter(p);
    }

    public List<DatasetId> list(Principal p) {
        return store.list().stream().filter(readable(p)).toList();
    }

    /** Whether any dataset is private (when none is, reads need no filtering). */
    public boolean anyPrivate() {
        return !access.privateDatasets().isEmpty();
    }

    public ChangeLog changes() {
        return changes;
    }

    public DatasetAccess access() {
        return access;
    }

    public Authorizer authorizer() {
        return authz;
    }

    public DataStore store() {
        return store;
    }
}
