package io.coffer.meta;

import org.jdbi.v3.core.Jdbi;

/**
 * Counts failed logins per subject ({@code user:NAME}, {@code ip:ADDRESS}) in fixed windows, in the database
 * so that every node of a cluster sees the same counts.
 */
public final class LoginThrottle {
    private final Jdbi jdbi;
    private final long windowMillis;

    public LoginThrottle(MetaDb db, long windowMillis) {
        this.jdbi = db.jdbi();
        this.windowMillis = windowMillis;
    }

    public long windowMillis() {
        return windowMillis;
    }

    /** Failures of a subject in the current window. */
    public int failures(String subject, long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT failures FROM login_failures WHERE subject = :s "
                        + "AND window_start > :since").bind("s", subject).bind("since", now - windowMillis)
                .mapTo(Integer.class).findOne().orElse(0));
    }

    /** When the subject's current window ends (for Retry-After). */
    public long windowEnd(String subject, long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT window_start FROM login_failures WHERE subject = :s")
                .bind("s", subject).mapTo(Long.class).findOne().map(s -> s + windowMillis).orElse(now));
    }

    public void recordFailure(String subject, long now) {
        for (int attempt = 0; attempt < 3; attempt++) {
            int updated = jdbi.withHandle(h -> h.createUpdate("UPDATE login_failures SET "
                            + "failures = CASE WHEN window_start > :since THEN failures + 1 ELSE 1 END, "
                            + "window_start = CASE WHEN window_start > :since THEN window_start ELSE :now END "
                            + "WHERE subject = :s")
                    .bind("s", subject).bind("since", now - windowMillis).bind("now", now).execute());
            if (updated > 0) {
                return;
            }
            try {
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO login_failures (subject, window_start, failures) "
                        + "VALUES (:s, :now, 1)").bind("s", subject).bind("now", now).execute());
                return;
            } catch (RuntimeException e) {
                if (!Accounts.isUniqueViolation(e)) {
                    throw e;
                }
                // another node inserted the row first: update it
            }
        }
    }

    public void reset(String subject) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM login_failures WHERE subject = :s").bind("s", subject).execute());
    }
}
