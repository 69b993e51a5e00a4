package io.coffer.meta.auth;

import io.coffer.meta.Accounts;
import io.coffer.meta.ChangeLog;
import io.coffer.meta.DatasetAccess;
import io.coffer.meta.MetaDb;
import io.coffer.store.DataStore;

/** Wires the metadata database, the one {@link Authorizer} and the services that use it. */
public final class Security {
    private final MetaDb db;
    private final Authorizer authorizer;
    private final AccountService accounts;
    private final DatasetService datasets;
    private final ChangeLog changes;

    public Security(MetaDb db, DataStore store) {
        this.db = db;
        Accounts acc = new Accounts(db);
        DatasetAccess access = new DatasetAccess(db);
        this.authorizer = new Authorizer(acc, access, store == null ? owner -> false : owner -> ownerHasData(store, owner),
                store == null ? id -> true : store::exists);
        this.changes = new ChangeLog(db);
        this.accounts = new AccountService(db, authorizer, changes);
        this.datasets = new DatasetService(store, access, authorizer, changes);
    }

    /** Anything under datasets/{owner}/ (a dataset or a deleted one's tombstone) reserves the name. */
    private static boolean ownerHasData(DataStore store, String owner) {
        try {
            return !store.blobs().children("datasets/" + owner + "/").isEmpty();
        } catch (java.io.IOException e) {
            // Unknown means reserved: a name is never given away because the store could not be read.
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.STORE_UNAVAILABLE,
                    "cannot check whether '" + owner + "' holds datasets: " + e.getMessage(), e);
        }
    }

    public MetaDb db() {
        return db;
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public AccountService accounts() {
        return accounts;
    }

    public ChangeLog changes() {
        return changes;
    }

    public DatasetService datasets() {
        return datasets;
    }
}
