package io.coffer.meta.auth;

import io.coffer.meta.Scope;
import io.coffer.model.DatasetId;

/**
 * Who is asking: nobody ({@link #ANONYMOUS}), a user through a web session, a user through an API token
 * (then {@code token} narrows what the user may do), or the local operator ({@link #SYSTEM}: the CLI on
 * the machine that holds the data, which could edit the database anyway).
 */
public record Principal(String user, boolean admin, Grant token, boolean system) {
    public static final Principal ANONYMOUS = new Principal(null, false, null, false);
    public static final Principal SYSTEM = new Principal(null, true, null, true);

    /** What an API token allows: a scope within one owner, or within one dataset of it. */
    public record Grant(String tokenId, Scope scope, String owner, String dataset) {
        public boolean covers(DatasetId id) {
            return owner.equals(id.owner()) && (dataset == null || dataset.equals(id.name()));
        }
    }

    public static Principal session(String user, boolean admin) {
        return new Principal(user, admin, null, false);
    }

    public static Principal token(String user, boolean admin, Grant grant) {
        return new Principal(user, admin, grant, false);
    }

    public boolean authenticated() {
        return user != null || system;
    }

    public boolean viaToken() {
        return token != null;
    }

    @Override
    public String toString() {
        return system ? "system" : user == null ? "anonymous" : token != null ? user + " (token " + token.tokenId() + ")" : user;
    }
}
