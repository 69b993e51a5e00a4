package io.coffer.meta;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Web sessions, stored by the SHA-256 of the cookie value. */
public final class Sessions {
    private final Jdbi jdbi;

    public Sessions(MetaDb db) {
        this.jdbi = db.jdbi();
    }

    public record Session(String user, String csrfToken, long createdAt, long expiresAt) {
    }

    public void insert(String idSha256, Session s) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sessions (id_sha256, user_name, csrf_token, created_at, expires_at) "
                        + "VALUES (:id, :u, :c, :t, :e)")
                .bind("id", idSha256).bind("u", s.user()).bind("c", s.csrfToken()).bind("t", s.createdAt())
                .bind("e", s.expiresAt()).execute());
    }

    public Optional<Session> find(String idSha256, long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT user_name, csrf_token, created_at, expires_at FROM sessions "
                        + "WHERE id_sha256 = :id AND expires_at > :now").bind("id", idSha256).bind("now", now)
                .map((rs, ctx) -> new Session(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                .findOne());
    }

    public void delete(String idSha256) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE id_sha256 = :id").bind("id", idSha256).execute());
    }

    public int deleteExpired(long now) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM sessions WHERE expires_at <= :now").bind("now", now)
                .execute());
    }
}
