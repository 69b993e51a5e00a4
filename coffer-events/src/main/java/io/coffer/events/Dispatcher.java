package io.coffer.events;

import io.coffer.meta.ChangeLog;
import io.coffer.meta.MetaDb;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Turns new events into work: for each event after the cursor, in one transaction that also advances the
 * cursor, it queues the aggregates job of a publish and a delivery per matching webhook. Because the
 * cursor lives in the database and moves with the work it created, no event is skipped or fanned out
 * twice, whichever node (or the CLI) appended it.
 */
public final class Dispatcher {
    public static final int AGGREGATES_ATTEMPTS = 5;
    private static final int BATCH = 200;

    private final Jdbi jdbi;
    private final Jobs jobs;
    private final Webhooks webhooks;
    private final boolean aggregates;

    public Dispatcher(MetaDb db, Jobs jobs, Webhooks webhooks, boolean aggregates) {
        this(db, jobs, webhooks, aggregates, java.util.Set.of());
    }

    /** {@code onPublish}: further job types queued for every current publish (record history, ...). */
    public Dispatcher(MetaDb db, Jobs jobs, Webhooks webhooks, boolean aggregates, java.util.Set<String> onPublish) {
        this.onPublish = java.util.Set.copyOf(onPublish);
        this.jdbi = db.jdbi();
        this.jobs = jobs;
        this.webhooks = webhooks;
        this.aggregates = aggregates;
    }

    private final java.util.Set<String> onPublish;

    /** Fans out up to one batch of new events; returns how many jobs were queued. */
    public int runOnce() {
        return jdbi.inTransaction(h -> {
            long cursor = h.createQuery("SELECT last_event FROM event_cursor WHERE id = 1 FOR UPDATE").mapTo(Long.class).one();
            List<ChangeLog.Change> batch = h.createQuery("SELECT * FROM events WHERE id > :c ORDER BY id LIMIT :l")
                    .bind("c", cursor).bind("l", BATCH).map(changeMapper()).list();
            int queued = 0;
            long last = cursor;
            for (ChangeLog.Change c : batch) {
                // Reconciliation of an old store records every past revision; only the latest needs aggregates.
                boolean superseded = c.data().path("superseded").asBoolean(false);
                if (aggregates && c.type().equals(ChangeLog.PUBLISHED) && !superseded) {
                    queued += jobs.enqueue(h, Jobs.AGGREGATES, c.dataset().toString(), c.revision(), AGGREGATES_ATTEMPTS) ? 1 : 0;
                }
                if (c.type().equals(ChangeLog.PUBLISHED) && !superseded) {
                    for (String type : onPublish) {
                        queued += jobs.enqueue(h, type, c.dataset().toString(), c.revision(), AGGREGATES_ATTEMPTS) ? 1 : 0;
                    }
                }
                queued += webhooks.fanOut(h, c);
                last = c.id();
            }
            if (last != cursor) {
                h.createUpdate("UPDATE event_cursor SET last_event = :l WHERE id = 1").bind("l", last).execute();
            }
            return queued;
        });
    }

    private static RowMapper<ChangeLog.Change> changeMapper() {
        return (rs, ctx) -> {
            String owner = rs.getString("owner_name");
            return new ChangeLog.Change(rs.getLong("id"), rs.getString("type"),
                    owner == null ? null : io.coffer.model.DatasetId.of(owner, rs.getString("dataset_name")),
                    rs.getLong("revision"), rs.getString("subject"), rs.getString("actor"), rs.getBoolean("hidden"),
                    java.time.Instant.ofEpochMilli(rs.getLong("occurred_at")),
                    io.coffer.model.Json.parse(rs.getString("data").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            "event data"));
        };
    }
}
