package io.coffer.meta.auth;

import io.coffer.meta.Accounts;
import io.coffer.meta.LoginThrottle;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Passwords;
import io.coffer.meta.Role;
import io.coffer.meta.Scope;
import io.coffer.meta.Secrets;
import io.coffer.meta.Sessions;
import io.coffer.meta.Tokens;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users, organizations, memberships, API tokens, logins and sessions. Every method that changes something
 * asks {@link Authorizer} first. Secrets (passwords, token secrets, session ids) are never logged and never
 * put into exception messages.
 */
public final class AccountService {
    private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);

    /** Token secrets carry a recognisable prefix so secret scanners can find leaked ones. */
    public static final String TOKEN_PREFIX = "coffer_";
    public static final Duration SESSION_TTL = Duration.ofHours(12);
    public static final int MAX_FAILURES_PER_USER = 5;
    public static final int MAX_FAILURES_PER_ADDRESS = 50;

    private final Accounts accounts;
    private final Tokens tokens;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final Authorizer authz;
    private io.coffer.meta.ChangeLog changes;

    public AccountService(MetaDb db, Authorizer authz) {
        this(db, authz, Duration.ofMinutes(15));
    }

    /** With {@code changes}, user, organization and membership changes are recorded in the change log. */
    public AccountService(MetaDb db, Authorizer authz, io.coffer.meta.ChangeLog changes) {
        this(db, authz, Duration.ofMinutes(15));
        this.changes = changes;
    }

    /** After the commit of an account change: wakes the change log's readers (SSE, dispatcher). */
    private void committed() {
        if (changes != null) {
            changes.notifyListeners();
        }
    }

    /** The change-log event of an account change, appended in the change's own transaction (so both or none). */
    private java.util.function.Consumer<org.jdbi.v3.core.Handle> event(String type, String subject, Principal by,
                                                                        com.fasterxml.jackson.databind.node.ObjectNode data) {
        return h -> {
            if (changes != null) {
                changes.append(h, io.coffer.meta.ChangeLog.Draft.account(type, subject, by.toString(), data));
            }
        };
    }

    public AccountService(MetaDb db, Authorizer authz, Duration throttleWindow) {
        this.accounts = new Accounts(db);
        this.tokens = new Tokens(db);
        this.sessions = new Sessions(db);
        this.throttle = new LoginThrottle(db, throttleWindow.toMillis());
        this.authz = authz;
    }

    public Accounts accounts() {
        return accounts;
    }

    // ------------------------------------------------------------------ users and organizations

    public void createUser(Principal by, String name, char[] password, boolean admin) {
        authz.requireAdmin(by);
        DatasetId.checkName("user name", name);
        String hash = null;
        if (password != null) {
            Passwords.checkPolicy(password);
            hash = Passwords.hash(password);
        }
        accounts.createUser(name, hash, admin, null, null,
                event(io.coffer.meta.ChangeLog.USER_CREATED, name, by, io.coffer.model.Json.object().put("user", name)));
        committed();
        LOG.info("user {} created by {}{}", name, by, admin ? " (admin)" : "");
    }

    public void setPassword(Principal by, String user, char[] password) {
        authz.requireAdmin(by);
        accounts.user(user).orElseThrow(() -> CofferException.notFound("user '" + user + "' does not exist"));
        Passwords.checkPolicy(password);
        accounts.setPasswordHash(user, Passwords.hash(password));
    }

    /** Any logged-in user may create an organization and becomes its owner. */
    public void createOrg(Principal by, String name) {
        authz.requireAccountSession(by);
        DatasetId.checkName("organization name", name);
        authz.requireOwnerClaim(by, name);
        accounts.createOrg(name, by.system() ? null : by.user(),
                event(io.coffer.meta.ChangeLog.ORG_CREATED, name, by, io.coffer.model.Json.object().put("org", name)));
        committed();
        LOG.info("organization {} created by {}", name, by);
    }

    public void setMember(Principal by, String org, String user, Role role) {
        authz.requireOrgOwner(by, org);
        accounts.user(user).orElseThrow(() -> CofferException.notFound("user '" + user + "' does not exist"));
        accounts.setRole(org, user, role, event(io.coffer.meta.ChangeLog.MEMBER_SET, org, by,
                io.coffer.model.Json.object().put("org", org).put("user", user).put("role", role.code())));
        committed();
        LOG.info("{} is now {} of {} (by {})", user, role.code(), org, by);
    }

    public void removeMember(Principal by, String org, String user) {
        authz.requireOrgOwner(by, org);
        if (!accounts.removeMember(org, user, event(io.coffer.meta.ChangeLog.MEMBER_REMOVED, org, by,
                io.coffer.model.Json.object().put("org", org).put("user", user)))) {
            throw CofferException.notFound("'" + user + "' is not a member of '" + org + "'");
        }
        committed();
        LOG.info("{} removed from {} (by {})", user, org, by);
    }

    public List<Accounts.Membership> members(Principal by, String org) {
        authz.requireAccountSession(by);
        if (!accounts.orgExists(org)) {
            throw CofferException.notFound("organization '" + org + "' does not exist");
        }
        // Who belongs to an organization is for its members (and admins) only.
        if (!by.admin() && !by.system() && accounts.role(org, by.user()).isEmpty()) {
            throw new CofferException(ErrorCode.FORBIDDEN, "only members of '" + org + "' may list its members");
        }
        return accounts.members(org);
    }

    // ------------------------------------------------------------------ API tokens

    /** A new token; {@link #secret} exists only in this object and is shown once. */
    public record IssuedToken(Tokens.Token token, String secret) {
        @Override
        public String toString() {
            return "IssuedToken[" + token.id() + "]";
        }
    }

    public IssuedToken createToken(Principal by, String forUser, Scope scope, String owner, String dataset,
                                   Instant expiresAt, String description) {
        DatasetId.checkName("owner", owner);
        if (dataset != null) {
            DatasetId.checkName("dataset name", dataset);
        }
        if (description != null && description.length() > 200) {
            throw CofferException.badRequest("description must have at most 200 characters");
        }
        authz.requireTokenIssue(by, forUser, scope, owner);
        String secret = TOKEN_PREFIX + Secrets.random(32);
        Tokens.Token t = new Tokens.Token("t" + Secrets.randomHex(8), forUser, scope, owner, dataset, description,
                System.currentTimeMillis(), expiresAt == null ? null : expiresAt.toEpochMilli(), null);
        tokens.insert(t, Secrets.sha256(secret));
        LOG.info("token {} ({} on {}{}) created for {} by {}", t.id(), scope.code(), owner,
                dataset == null ? "" : "/" + dataset, forUser, by);
        return new IssuedToken(t, secret);
    }

    public void revokeToken(Principal by, String id) {
        Tokens.Token t = tokens.byId(id).orElse(null);
        if (t == null) {
            authz.requireAccountSession(by);
            throw CofferException.notFound("token " + safeId(id) + " does not exist");
        }
        authz.requireTokenRevoke(by, t);
        tokens.revoke(id, System.currentTimeMillis());
        LOG.info("token {} of {} revoked by {}", id, t.user(), by);
    }

    public List<Tokens.Token> tokens(Principal by, String user) {
        authz.requireAccountSession(by);
        if (!by.admin() && !user.equals(by.user())) {
            throw new CofferException(ErrorCode.FORBIDDEN, "you may list your own tokens only");
        }
        return tokens.ofUser(user);
    }

    /** The principal behind a bearer secret; 401 for unknown, expired and revoked tokens alike. */
    public Principal authenticateToken(String secret) {
        if (secret == null || !secret.startsWith(TOKEN_PREFIX) || secret.length() > 100) {
            throw unauthenticated("the API token is not valid");
        }
        Tokens.Token t = tokens.bySecretSha256(Secrets.sha256(secret))
                .filter(x -> x.usableAt(System.currentTimeMillis()))
                .orElseThrow(() -> unauthenticated("the API token is not valid, has expired or was revoked"));
        Accounts.User u = accounts.user(t.user()).orElseThrow(() -> unauthenticated("the API token is not valid"));
        return Principal.token(u.name(), u.admin(), new Principal.Grant(t.id(), t.scope(), t.owner(), t.dataset()));
    }

    // ------------------------------------------------------------------ logins and sessions

    /** A session just started: the cookie value (only here), its CSRF token, and who it belongs to. */
    public record NewSession(String sessionId, String csrfToken, String user, boolean admin, Instant expiresAt) {
        @Override
        public String toString() {
            return "NewSession[" + user + "]";
        }
    }

    /** A live session: who, and the CSRF token state-changing requests must echo. */
    public record ActiveSession(Principal principal, String csrfToken, Instant expiresAt) {
    }

    /** Thrown when a user name or client address has failed too often; says when to try again. */
    public static final class RateLimited extends CofferException {
        private static final long serialVersionUID = 1L;
        private final long retryAfterSeconds;

        RateLimited(long retryAfterSeconds) {
            super(ErrorCode.TOO_MANY_REQUESTS, "too many failed logins; try again in " + retryAfterSeconds + " seconds");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /**
     * Checks a password and starts a new session. A session id the client already had is ended (the id is
     * always new: no session fixation). Unknown users and wrong passwords get the same answer in about the
     * same time; after {@link #MAX_FAILURES_PER_USER} failures for a name (or {@link #MAX_FAILURES_PER_ADDRESS}
     * from an address) within the window, logins are refused until it ends, even with the right password.
     */
    public NewSession login(String user, char[] password, String clientAddress, String previousSessionId) {
        long now = System.currentTimeMillis();
        String userKey = "user:" + (user == null ? "" : user.toLowerCase(java.util.Locale.ROOT));
        String addressKey = "ip:" + clientAddress;
        if (throttle.failures(userKey, now) >= MAX_FAILURES_PER_USER) {
            throw new RateLimited(retryAfter(userKey, now));
        }
        if (throttle.failures(addressKey, now) >= MAX_FAILURES_PER_ADDRESS) {
            throw new RateLimited(retryAfter(addressKey, now));
        }
        Optional<Accounts.User> u = user == null || !io.coffer.model.DatasetId.isValidName(user)
                ? Optional.empty() : accounts.user(user);
        char[] pw = password == null ? new char[0] : password;
        boolean ok = Passwords.verify(pw, u.map(Accounts.User::passwordHash).orElse(null)) && u.isPresent();
        if (!ok) {
            throttle.recordFailure(userKey, now);
            throttle.recordFailure(addressKey, now);
            LOG.info("failed login for a user name from {}", clientAddress);
            throw unauthenticated("wrong user name or password");
        }
        throttle.reset(userKey);
        if (Passwords.needsRehash(u.get().passwordHash())) {
            accounts.setPasswordHash(user, Passwords.hash(pw));
        }
        LOG.info("{} logged in", user);
        return startSession(u.get().name(), previousSessionId);
    }

    /** Starts a session for an authenticated user (password or OIDC login), ending the previous one. */
    public NewSession startSession(String user, String previousSessionId) {
        Accounts.User u = accounts.user(user).orElseThrow(() -> unauthenticated("no such user"));
        long now = System.currentTimeMillis();
        if (previousSessionId != null) {
            sessions.delete(Secrets.sha256(previousSessionId));
        }
        sessions.deleteExpired(now);
        String id = Secrets.random(32);
        String csrf = Secrets.random(32);
        long expires = now + SESSION_TTL.toMillis();
        sessions.insert(Secrets.sha256(id), new Sessions.Session(u.name(), csrf, now, expires));
        return new NewSession(id, csrf, u.name(), u.admin(), Instant.ofEpochMilli(expires));
    }

    public Optional<ActiveSession> session(String sessionId) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 100) {
            return Optional.empty();
        }
        return sessions.find(Secrets.sha256(sessionId), System.currentTimeMillis())
                .flatMap(s -> accounts.user(s.user()).map(u -> new ActiveSession(Principal.session(u.name(), u.admin()),
                        s.csrfToken(), Instant.ofEpochMilli(s.expiresAt()))));
    }

    public void logout(String sessionId) {
        if (sessionId != null) {
            sessions.delete(Secrets.sha256(sessionId));
        }
    }

    private long retryAfter(String key, long now) {
        return Math.max(1, (throttle.windowEnd(key, now) - now + 999) / 1000);
    }

    private static String safeId(String id) {
        return id != null && id.matches("[a-z0-9]{1,32}") ? id : "(invalid id)";
    }

    private static CofferException unauthenticated(String message) {
        return new CofferException(ErrorCode.UNAUTHENTICATED, message);
    }
}
