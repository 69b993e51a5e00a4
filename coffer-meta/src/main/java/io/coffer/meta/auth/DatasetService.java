package io.coffer.meta.auth;

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

    public DatasetService(DataStore store, DatasetAccess access, Authorizer authz) {
        this.store = store;
        this.access = access;
        this.authz = authz;
    }

    /** A package staged on local disk (an upload), removed on close. */
    public interface StagedPackage extends AutoCloseable {
        PackageSource source();

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
        authz.requireWrite(p, id);
        try (StagedPackage pkg = stager.stage()) {
            boolean existed = store.exists(id);
            if (visibility == Visibility.PRIVATE) {
                access.set(id, Visibility.PRIVATE);
            }
            Revision rev;
            try {
                rev = store.publish(id, pkg.source());
            } catch (RuntimeException e) {
                if (visibility == Visibility.PRIVATE && !existed) {
                    access.forget(id);
                }
                throw e;
            }
            if (visibility == Visibility.PUBLIC) {
                access.set(id, Visibility.PUBLIC);
            }
            LOG.info("{} published {} revision {}", p, id, rev.revision());
            return rev;
        }
    }

    public void delete(Principal p, DatasetId id) {
        authz.requireWrite(p, id);
        store.delete(id);
        access.forget(id);
        LOG.info("{} deleted {}", p, id);
    }

    public void setVisibility(Principal p, DatasetId id, Visibility v) {
        authz.requireWrite(p, id);
        if (!store.exists(id)) {
            throw io.coffer.model.CofferException.notFound("dataset " + id + " does not exist");
        }
        access.set(id, v);
        LOG.info("{} made {} {}", p, id, v.code());
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

    public DataStore store() {
        return store;
    }
}
