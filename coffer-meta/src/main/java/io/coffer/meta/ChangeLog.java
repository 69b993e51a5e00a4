package io.coffer.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change log: every change to datasets and accounts, appended with a strictly increasing id. Ids are
 * given out under the lock of one counter row, so they follow the commit order of the appending
 * transactions and a reader that saw id N never later finds a new event below N. Events that must happen
 * once per revision carry a dedupe key (type, dataset, revision): appending one twice is a no-op.
 */
public final class ChangeLog {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeLog.class);

    public static final String PUBLISHED = "dataset.published";
    public static final String DELETED = "dataset.deleted";
    public static final String VISIBILITY = "dataset.visibility";
    public static final String AGGREGATES_READY = "aggregates.ready";
    public static final String USER_CREATED = "user.created";
    public static final String ORG_CREATED = "org.created";
    public static final String MEMBER_SET = "member.set";
    public static final String MEMBER_REMOVED = "member.removed";

    /** A change to record. {@code dataset} is null for account events, which name their {@code subject}. */
    public record Draft(String type, DatasetId dataset, long revision, String subject, String actor, boolean hidden,
                        ObjectNode data, boolean oncePerRevision) {
        public static Draft dataset(String type, DatasetId id, long revision, String actor, boolean hidden,
                                    ObjectNode data) {
            return new Draft(type, id, revision, null, actor, hidden, data, true);
        }

        public static Draft account(String type, String subject, String actor, ObjectNode data) {
            return new Draft(type, null, 0, subject, actor, false, data, false);
        }

        /** The same change, recorded every time it happens (e.g. visibility switching back and forth). */
        public Draft withoutDedupe() {
            return new Draft(type, dataset, revision, subject, actor, hidden, data, false);
        }

        String dedupeKey() {
            return oncePerRevision && dataset != null ? type + ":" + dataset + ":" + revision : null;
        }
    }

    /** A recorded change. */
    public record Change(long id, String type, DatasetId dataset, long revision, String subject, String actor,
                         boolean hidden, Instant occurredAt, JsonNode data) {
        public boolean datasetEvent() {
            return dataset != null;
        }

        /** The JSON form used by the API, the stream and webhook bodies. */
        public ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("id", id);
            o.put("type", type);
            if (dataset != null) {
                o.put("dataset", dataset.toString());
                o.put("revision", revision);
            }
            if (subject != null) {
                o.put("subject", subject);
            }
            o.put("occurredAt", occurredAt.toString());
            o.set("data", data);
            return o;
        }
    }

    private static final RowMapper<Change> MAPPER = (rs, ctx) -> {
        String owner = rs.getString("owner_name");
        return new Change(rs.getLong("id"), rs.getString("type"),
                owner == null ? null : DatasetId.of(owner, rs.getString("dataset_name")), rs.getLong("revision"),
                rs.getString("subject"), rs.getString("actor"), rs.getBoolean("hidden"),
                Instant.ofEpochMilli(rs.getLong("occurred_at")),
                Json.parse(rs.getString("data").getBytes(StandardCharsets.UTF_8), "event data"));
    };

    private final Jdbi jdbi;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public ChangeLog(MetaDb db) {
        this.jdbi = db.jdbi();
    }

    /** Called (in-process) after an append committed, to wake readers and dispatchers early. */
    public void onAppend(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    public void notifyListeners() {
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("change listener failed: {}", e.toString());
            }
        }
    }

    /** Appends in its own transaction; returns the id, or empty when the (once-per-revision) event existed. */
    public OptionalLong append(Draft d) {
        OptionalLong id = jdbi.inTransaction(h -> append(h, d));
        if (id.isPresent()) {
            notifyListeners();
        }
        return id;
    }

    /**
     * Appends inside the caller's transaction (so the event commits with the change it reflects). The caller
     * should call {@link #notifyListeners()} after its commit.
     */
    public OptionalLong append(Handle h, Draft d) {
        // The counter row lock serializes appends until commit: ids follow commit order.
        long last = h.createQuery("SELECT last_id FROM event_counter WHERE id = 1 FOR UPDATE").mapTo(Long.class).one();
        String key = d.dedupeKey();
        if (key != null && h.createQuery("SELECT COUNT(*) FROM events WHERE dedupe_key = :k").bind("k", key)
                .mapTo(Integer.class).one() > 0) {
            return OptionalLong.empty();
        }
        long id = last + 1;
        String data = new String(Json.write(d.data() == null ? Json.object() : d.data()), StandardCharsets.UTF_8);
        if (data.length() > 4000) {
            data = "{\"truncated\":true}";
        }
        h.createUpdate("INSERT INTO events (id, type, owner_name, dataset_name, revision, subject, actor, hidden, "
                        + "occurred_at, data, dedupe_key) VALUES (:id, :type, :o, :n, :r, :s, :a, :hidden, :at, :data, :k)")
                .bind("id", id).bind("type", d.type())
                .bind("o", d.dataset() == null ? null : d.dataset().owner())
                .bind("n", d.dataset() == null ? null : d.dataset().name())
                .bind("r", d.revision()).bind("s", d.subject()).bind("a", d.actor()).bind("hidden", d.hidden())
                .bind("at", System.currentTimeMillis()).bind("data", data).bind("k", key).execute();
        h.createUpdate("UPDATE event_counter SET last_id = :id WHERE id = 1").bind("id", id).execute();
        return OptionalLong.of(id);
    }

    /** Events after {@code since}, oldest first, at most {@code limit}. */
    public List<Change> since(long since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM events WHERE id > :s ORDER BY id LIMIT :l")
                .bind("s", since).bind("l", limit).map(MAPPER).list());
    }

    /** The newest events of the given types, newest first. */
    public List<Change> latest(List<String> types, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM events WHERE type IN (<types>) ORDER BY id DESC LIMIT :l")
                .bindList("types", types).bind("l", limit).map(MAPPER).list());
    }

    public Optional<Change> get(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM events WHERE id = :id").bind("id", id)
                .map(MAPPER).findOne());
    }

    public long lastId() {
        return jdbi.withHandle(h -> h.createQuery("SELECT last_id FROM event_counter WHERE id = 1").mapTo(Long.class).one());
    }

    /** The revisions of a dataset that have an event of this type. */
    public List<Long> revisionsWith(String type, DatasetId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT revision FROM events WHERE owner_name = :o AND dataset_name = :n "
                        + "AND type = :t ORDER BY revision").bind("o", id.owner()).bind("n", id.name()).bind("t", type)
                .mapTo(Long.class).list());
    }

    /** Datasets with a publish event, with their highest published and highest deleted revision. */
    public record DatasetMark(DatasetId dataset, long lastPublished, long lastDeleted) {
    }

    public List<DatasetMark> datasetMarks() {
        return jdbi.withHandle(h -> h.createQuery("SELECT owner_name, dataset_name, "
                        + "MAX(CASE WHEN type = :p THEN revision ELSE 0 END) AS pub, "
                        + "MAX(CASE WHEN type = :d THEN revision ELSE 0 END) AS del "
                        + "FROM events WHERE type IN (:p, :d) GROUP BY owner_name, dataset_name")
                .bind("p", PUBLISHED).bind("d", DELETED)
                .map((rs, ctx) -> new DatasetMark(DatasetId.of(rs.getString(1), rs.getString(2)), rs.getLong(3),
                        rs.getLong(4))).list());
    }
}
