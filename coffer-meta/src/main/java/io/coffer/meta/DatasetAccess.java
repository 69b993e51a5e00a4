package io.coffer.meta;

import io.coffer.model.DatasetId;
import java.util.HashSet;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Dataset visibility. Datasets without a row are public. */
public final class DatasetAccess {
    private final Jdbi jdbi;

    public DatasetAccess(MetaDb db) {
        this.jdbi = db.jdbi();
    }

    public Visibility visibility(DatasetId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT visibility FROM dataset_access WHERE owner_name = :o "
                        + "AND dataset_name = :n").bind("o", id.owner()).bind("n", id.name()).mapTo(String.class)
                .findOne().map(Visibility::parse).orElse(Visibility.PUBLIC));
    }

    public void set(DatasetId id, Visibility v) {
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE dataset_access SET visibility = :v WHERE owner_name = :o AND dataset_name = :n")
                    .bind("v", v.code()).bind("o", id.owner()).bind("n", id.name()).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO dataset_access (owner_name, dataset_name, visibility) VALUES (:o, :n, :v)")
                        .bind("v", v.code()).bind("o", id.owner()).bind("n", id.name()).execute();
            }
        });
    }

    /**
     * Sets the visibility and, when it changed, records a {@link ChangeLog#VISIBILITY} event in the same
     * transaction. Returns whether it changed.
     */
    public boolean change(DatasetId id, Visibility v, ChangeLog log, String actor) {
        boolean changed = jdbi.inTransaction(h -> {
            Visibility old = h.createQuery("SELECT visibility FROM dataset_access WHERE owner_name = :o "
                            + "AND dataset_name = :n FOR UPDATE").bind("o", id.owner()).bind("n", id.name())
                    .mapTo(String.class).findOne().map(Visibility::parse).orElse(null);
            if (old == null) {
                h.createUpdate("INSERT INTO dataset_access (owner_name, dataset_name, visibility) VALUES (:o, :n, :v)")
                        .bind("v", v.code()).bind("o", id.owner()).bind("n", id.name()).execute();
            } else if (old != v) {
                h.createUpdate("UPDATE dataset_access SET visibility = :v WHERE owner_name = :o AND dataset_name = :n")
                        .bind("v", v.code()).bind("o", id.owner()).bind("n", id.name()).execute();
            }
            if ((old == null ? Visibility.PUBLIC : old) == v) {
                return false;
            }
            // Going private or public: either way the event itself is only for those who could see it private.
            log.append(h, ChangeLog.Draft.dataset(ChangeLog.VISIBILITY, id, 0, actor, true,
                    io.coffer.model.Json.object().put("visibility", v.code())).withoutDedupe());
            return true;
        });
        if (changed) {
            log.notifyListeners();
        }
        return changed;
    }

    public void forget(DatasetId id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM dataset_access WHERE owner_name = :o AND dataset_name = :n")
                .bind("o", id.owner()).bind("n", id.name()).execute());
    }

    /** Every private dataset, read at once so listings make one query. */
    public Set<DatasetId> privateDatasets() {
        return new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT owner_name, dataset_name FROM dataset_access "
                        + "WHERE visibility = 'private'")
                .map((rs, ctx) -> DatasetId.of(rs.getString(1), rs.getString(2))).list()));
    }
}
