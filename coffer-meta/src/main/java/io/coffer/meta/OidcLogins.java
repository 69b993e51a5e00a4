package io.coffer.meta;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** OpenID Connect logins in flight, keyed by their {@code state}; each is used once. */
public final class OidcLogins {
    private final Jdbi jdbi;

    public OidcLogins(MetaDb db) {
        this.jdbi = db.jdbi();
    }

    public record Pending(String codeVerifier, String nonce, long createdAt) {
    }

    public void insert(String state, Pending p) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO oidc_logins (state, code_verifier, nonce, created_at) "
                        + "VALUES (:s, :v, :n, :t)")
                .bind("s", state).bind("v", p.codeVerifier()).bind("n", p.nonce()).bind("t", p.createdAt()).execute());
    }

    /** Removes and returns the pending login (so a replayed callback finds nothing). */
    public Optional<Pending> take(String state) {
        return jdbi.inTransaction(h -> {
            Optional<Pending> p = h.createQuery("SELECT code_verifier, nonce, created_at FROM oidc_logins WHERE state = :s")
                    .bind("s", state).map((rs, ctx) -> new Pending(rs.getString(1), rs.getString(2), rs.getLong(3)))
                    .findOne();
            int deleted = h.createUpdate("DELETE FROM oidc_logins WHERE state = :s").bind("s", state).execute();
            return deleted == 1 ? p : Optional.empty();
        });
    }

    public void deleteOlderThan(long cutoff) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM oidc_logins WHERE created_at < :c").bind("c", cutoff).execute());
    }
}
