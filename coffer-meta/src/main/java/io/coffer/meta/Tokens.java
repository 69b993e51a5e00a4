package io.coffer.meta;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** API tokens, stored by the SHA-256 of their secret. */
public final class Tokens {
    private final Jdbi jdbi;

    public Tokens(MetaDb db) {
        this.jdbi = db.jdbi();
    }

    public record Token(String id, String user, Scope scope, String owner, String dataset, String description,
                        long createdAt, Long expiresAt, Long revokedAt) {
        public boolean usableAt(long now) {
            return revokedAt == null && (expiresAt == null || expiresAt > now);
        }
    }

    private static final String COLUMNS = "id, user_name, scope, owner_name, dataset_name, description, created_at, "
            + "expires_at, revoked_at";

    private static final RowMapper<Token> MAPPER = (rs, ctx) -> new Token(rs.getString(1), rs.getString(2),
            Scope.parse(rs.getString(3)), rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7),
            (Long) rs.getObject(8, Long.class), (Long) rs.getObject(9, Long.class));

    public void insert(Token t, String secretSha256) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO api_tokens (" + COLUMNS + ", secret_sha256) VALUES "
                        + "(:id, :u, :s, :o, :d, :desc, :c, :e, NULL, :h)")
                .bind("id", t.id()).bind("u", t.user()).bind("s", t.scope().code()).bind("o", t.owner())
                .bind("d", t.dataset()).bind("desc", t.description()).bind("c", t.createdAt()).bind("e", t.expiresAt())
                .bind("h", secretSha256).execute());
    }

    public Optional<Token> bySecretSha256(String sha256) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE secret_sha256 = :h")
                .bind("h", sha256).map(MAPPER).findOne());
    }

    public Optional<Token> byId(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    public List<Token> ofUser(String user) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE user_name = :u "
                + "ORDER BY created_at, id").bind("u", user).map(MAPPER).list());
    }

    /** Marks a token revoked; false when it was already revoked or does not exist. */
    public boolean revoke(String id, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE api_tokens SET revoked_at = :t WHERE id = :id "
                + "AND revoked_at IS NULL").bind("t", now).bind("id", id).execute()) > 0;
    }
}
