package io.coffer.events;

import io.coffer.meta.MetaDb;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Background jobs in the metadata database, claimed by any node. A job is identified by (type, subject,
 * revision), so enqueueing it twice is a no-op. A claim takes a lease; a node renews the lease while it
 * works, and a job whose node died is claimed again once the lease expires. Completion is fenced by
 * (node, attempt): a node that lost its lease cannot complete or fail the job any more.
 *
 * <p>Claiming uses {@code SELECT ... FOR UPDATE SKIP LOCKED} on PostgreSQL; on H2 a conditional
 * {@code UPDATE ... WHERE state = 'queued' OR lease expired} whose update count tells who won.
 */
public final class Jobs {
    public static final String AGGREGATES = "aggregates";
    public static final String WEBHOOK = "webhook";

    /** A claimed job. {@code attempts} counts this attempt; with {@code lockedBy} it fences completion. */
    public record Job(long id, String type, String subject, long revision, int attempts, int maxAttempts,
                      String lockedBy) {
    }

    /** A job as stored, for listings and tests. */
    public record JobRow(long id, String type, String subject, long revision, String state, int attempts,
                         String lockedBy, String lastError) {
    }

    private static final String DUE = "((state = 'queued' AND run_after <= :now) OR (state = 'running' AND lease_until < :now))";
    private static final RowMapper<JobRow> ROW = (rs, ctx) -> new JobRow(rs.getLong("id"), rs.getString("type"),
            rs.getString("subject"), rs.getLong("revision"), rs.getString("state"), rs.getInt("attempts"),
            rs.getString("locked_by"), rs.getString("last_error"));

    private final Jdbi jdbi;
    private final boolean postgres;

    public Jobs(MetaDb db) {
        this.jdbi = db.jdbi();
        this.postgres = db.postgres();
    }

    /** Enqueues in its own transaction; false when the job already existed. */
    public boolean enqueue(String type, String subject, long revision, int maxAttempts) {
        return jdbi.inTransaction(h -> enqueue(h, type, subject, revision, maxAttempts));
    }

    /**
     * Enqueues inside the caller's transaction. Concurrent enqueuers of the same job must be serialized by the
     * caller (the dispatcher holds the event cursor lock); otherwise the unique constraint still keeps one.
     */
    public boolean enqueue(Handle h, String type, String subject, long revision, int maxAttempts) {
        int n = h.createUpdate("INSERT INTO jobs (type, subject, revision, state, attempts, max_attempts, run_after, "
                        + "created_at) SELECT :t, :s, :r, 'queued', 0, :m, :now, :now WHERE NOT EXISTS "
                        + "(SELECT 1 FROM jobs WHERE type = :t AND subject = :s AND revision = :r)")
                .bind("t", type).bind("s", subject).bind("r", revision).bind("m", maxAttempts)
                .bind("now", System.currentTimeMillis()).execute();
        return n == 1;
    }

    /** Claims one due job of the given types for {@code node}, or nothing. */
    public Optional<Job> claim(String node, Set<String> types, Duration lease) {
        long now = System.currentTimeMillis();
        long until = now + lease.toMillis();
        if (postgres) {
            return jdbi.inTransaction(h -> h.createQuery("UPDATE jobs SET state = 'running', locked_by = :node, "
                            + "lease_until = :until, attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE "
                            + "type IN (<types>) AND " + DUE + " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                            + "RETURNING id, type, subject, revision, attempts, max_attempts, locked_by")
                    .bind("node", node).bind("until", until).bind("now", now).bindList("types", List.copyOf(types))
                    .map((rs, ctx) -> job(rs)).findOne());
        }
        List<Long> candidates = jdbi.withHandle(h -> h.createQuery("SELECT id FROM jobs WHERE type IN (<types>) AND "
                        + DUE + " ORDER BY id LIMIT 8").bind("now", now).bindList("types", List.copyOf(types))
                .mapTo(Long.class).list());
        for (long id : candidates) {
            Optional<Job> won = jdbi.inTransaction(h -> {
                int n = h.createUpdate("UPDATE jobs SET state = 'running', locked_by = :node, lease_until = :until, "
                                + "attempts = attempts + 1 WHERE id = :id AND " + DUE)
                        .bind("node", node).bind("until", until).bind("now", now).bind("id", id).execute();
                if (n != 1) {
                    return Optional.<Job>empty();
                }
                return h.createQuery("SELECT id, type, subject, revision, attempts, max_attempts, locked_by FROM jobs "
                        + "WHERE id = :id").bind("id", id).map((rs, ctx) -> job(rs)).findOne();
            });
            if (won.isPresent()) {
                return won;
            }
        }
        return Optional.empty();
    }

    private static Job job(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Job(rs.getLong("id"), rs.getString("type"), rs.getString("subject"), rs.getLong("revision"),
                rs.getInt("attempts"), rs.getInt("max_attempts"), rs.getString("locked_by"));
    }

    private static final String MINE = " WHERE id = :id AND state = 'running' AND locked_by = :node AND attempts = :a";

    /** Extends the lease of a job this node still holds; false when the lease was lost. */
    public boolean renew(Job j, Duration lease) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET lease_until = :until" + MINE)
                .bind("until", System.currentTimeMillis() + lease.toMillis())
                .bind("id", j.id()).bind("node", j.lockedBy()).bind("a", j.attempts()).execute()) == 1;
    }

    public boolean complete(Job j) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET state = 'done', finished_at = :now, lease_until = NULL, "
                        + "last_error = NULL" + MINE).bind("now", System.currentTimeMillis())
                .bind("id", j.id()).bind("node", j.lockedBy()).bind("a", j.attempts()).execute()) == 1;
    }

    /** Records a failed attempt: queued again after {@code retryIn}, or failed for good after the last attempt. */
    public boolean fail(Job j, String error, Duration retryIn, boolean permanent) {
        boolean last = permanent || j.attempts() >= j.maxAttempts();
        String msg = error == null ? "failed" : error.length() > 1000 ? error.substring(0, 1000) : error;
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET state = :state, run_after = :after, last_error = :e, "
                        + "lease_until = NULL, finished_at = :fin" + MINE)
                .bind("state", last ? "failed" : "queued").bind("after", System.currentTimeMillis() + retryIn.toMillis())
                .bind("e", msg).bind("fin", last ? Long.valueOf(System.currentTimeMillis()) : null)
                .bind("id", j.id()).bind("node", j.lockedBy()).bind("a", j.attempts()).execute()) == 1;
    }

    public Optional<JobRow> find(String type, String subject, long revision) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE type = :t AND subject = :s AND revision = :r")
                .bind("t", type).bind("s", subject).bind("r", revision).map(ROW).findOne());
    }

    public List<JobRow> list(String type) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE type = :t ORDER BY id").bind("t", type)
                .map(ROW).list());
    }

    /**
     * Puts a job back in the queue (a redelivery); false when it is queued already. A running job is queued
     * again too: its current run may be past the point the caller needs repeated (a delivery already sent), so
     * it must run once more; the running node's completion is then fenced off and the job runs again.
     */
    public boolean requeue(Handle h, String type, String subject, long revision) {
        // A running job keeps counting attempts (a full series more is allowed), so that the fence (node, attempt)
        // tells its current run from the next one even on the same node.
        return h.createUpdate("UPDATE jobs SET "
                        + "max_attempts = CASE WHEN state = 'running' THEN attempts + max_attempts ELSE max_attempts END, "
                        + "attempts = CASE WHEN state = 'running' THEN attempts ELSE 0 END, "
                        + "state = 'queued', run_after = :now, finished_at = NULL, locked_by = NULL, lease_until = NULL "
                        + "WHERE type = :t AND subject = :s AND revision = :r AND state IN ('done', 'failed', 'running')")
                .bind("now", System.currentTimeMillis()).bind("t", type).bind("s", subject).bind("r", revision)
                .execute() == 1;
    }
}
