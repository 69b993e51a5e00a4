package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.meta.Accounts;
import io.coffer.meta.Role;
import io.coffer.meta.Scope;
import io.coffer.meta.Tokens;
import io.coffer.meta.auth.AccountService;
import io.coffer.meta.auth.OidcLogin;
import io.coffer.meta.auth.Principal;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.Locale;

/**
 * Logins, sessions, users, organizations, members and API tokens. Each handler only translates HTTP to a
 * call on {@link AccountService}, which asks the Authorizer.
 */
final class AuthRoutes {
    private final AccountService accounts;
    private final Authn authn;
    private final OidcLogin oidc;

    AuthRoutes(AccountService accounts, Authn authn, OidcLogin oidc) {
        this.accounts = accounts;
        this.authn = authn;
        this.oidc = oidc;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/auth/login", this::login);
        routes.post("/api/auth/logout", this::logout);
        routes.get("/api/auth/session", this::session);
        routes.post("/api/users", this::createUser);
        routes.post("/api/orgs", this::createOrg);
        routes.get("/api/orgs/{org}/members", this::members);
        routes.put("/api/orgs/{org}/members/{user}", this::setMember);
        routes.delete("/api/orgs/{org}/members/{user}", this::removeMember);
        routes.post("/api/tokens", this::createToken);
        routes.get("/api/tokens", this::listTokens);
        routes.delete("/api/tokens/{id}", this::revokeToken);
        if (oidc != null) {
            routes.get("/api/auth/oidc/login", ctx -> ctx.redirect(oidc.start().toString(), HttpStatus.FOUND));
            routes.get("/api/auth/oidc/callback", this::oidcCallback);
        }
    }

    /**
     * Login CSRF: a page on another site must not log the visitor's browser in (as the attacker, say). Browsers
     * say where a request comes from: {@code Sec-Fetch-Site: cross-site}, or an {@code Origin} other than this
     * host. Clients that send neither (curl, scripts) are not browsers and are let through.
     */
    static void refuseCrossSite(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        String origin = ctx.header("Origin");
        boolean cross = site != null && site.equalsIgnoreCase("cross-site");
        if (!cross && origin != null) {
            String host = ctx.header("Host");
            try {
                java.net.URI o = java.net.URI.create(origin);
                String authority = o.getRawAuthority();
                cross = authority == null || host == null || !authority.equalsIgnoreCase(host);
            } catch (IllegalArgumentException e) {
                cross = true; // "null" and garbage origins
            }
        }
        if (cross) {
            throw new CofferException(io.coffer.model.ErrorCode.FORBIDDEN, "logins from another site are refused");
        }
    }

    private void login(Context ctx) {
        refuseCrossSite(ctx);
        String user;
        char[] password;
        String ct = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (ct.startsWith("application/x-www-form-urlencoded")) {
            user = ctx.formParam("user");
            String pw = ctx.formParam("password");
            password = pw == null ? null : pw.toCharArray();
        } else {
            JsonNode body = Bodies.json(ctx);
            user = Bodies.text(body, "user");
            String pw = Bodies.text(body, "password");
            password = pw == null ? null : pw.toCharArray();
        }
        if (user == null || password == null) {
            throw CofferException.badRequest("'user' and 'password' are required");
        }
        AccountService.NewSession s;
        try {
            s = accounts.login(user, password, Authn.client(ctx), ctx.cookie(Authn.SESSION_COOKIE));
        } catch (AccountService.RateLimited e) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            throw e;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        authn.setSessionCookie(ctx, s.sessionId(), (int) AccountService.SESSION_TTL.toSeconds());
        ObjectNode o = Json.object();
        o.put("user", s.user());
        o.put("admin", s.admin());
        o.put("csrfToken", s.csrfToken());
        o.put("expiresAt", s.expiresAt().toString());
        noStore(ctx);
        DatasetRoutes.json(ctx, o);
    }

    private void logout(Context ctx) {
        if (Authn.session(ctx) == null) {
            throw new CofferException(ErrorCode.UNAUTHENTICATED, "there is no session to end");
        }
        accounts.logout(ctx.cookie(Authn.SESSION_COOKIE));
        authn.clearSessionCookie(ctx);
        ctx.status(204);
    }

    private void session(Context ctx) {
        Principal p = Authn.principal(ctx);
        ObjectNode o = Json.object();
        o.put("authenticated", p.authenticated());
        if (p.authenticated()) {
            o.put("user", p.user());
            o.put("admin", p.admin());
        }
        AccountService.ActiveSession s = Authn.session(ctx);
        if (s != null) {
            o.put("csrfToken", s.csrfToken());
            o.put("expiresAt", s.expiresAt().toString());
        }
        if (p.viaToken()) {
            o.set("token", tokenJson(p.token().tokenId(), p.token().scope(), p.token().owner(), p.token().dataset()));
        }
        noStore(ctx);
        DatasetRoutes.json(ctx, o);
    }

    private void createUser(Context ctx) {
        JsonNode b = Bodies.json(ctx);
        String name = Bodies.required(b, "name");
        String pw = Bodies.text(b, "password");
        boolean admin = b.path("admin").asBoolean(false);
        accounts.createUser(Authn.principal(ctx), name, pw == null ? null : pw.toCharArray(), admin);
        ctx.status(201);
        DatasetRoutes.json(ctx, Json.object().put("name", name).put("admin", admin));
    }

    private void createOrg(Context ctx) {
        String name = Bodies.required(Bodies.json(ctx), "name");
        Principal p = Authn.principal(ctx);
        accounts.createOrg(p, name);
        ctx.status(201);
        DatasetRoutes.json(ctx, Json.object().put("name", name).put("owner", p.user()));
    }

    private void members(Context ctx) {
        ObjectNode o = Json.object();
        o.put("org", ctx.pathParam("org"));
        ArrayNode a = o.putArray("members");
        for (Accounts.Membership m : accounts.members(Authn.principal(ctx), ctx.pathParam("org"))) {
            a.addObject().put("user", m.user()).put("role", m.role().code());
        }
        DatasetRoutes.json(ctx, o);
    }

    private void setMember(Context ctx) {
        Role role = Role.parse(Bodies.required(Bodies.json(ctx), "role"));
        accounts.setMember(Authn.principal(ctx), ctx.pathParam("org"), ctx.pathParam("user"), role);
        DatasetRoutes.json(ctx, Json.object().put("org", ctx.pathParam("org")).put("user", ctx.pathParam("user"))
                .put("role", role.code()));
    }

    private void removeMember(Context ctx) {
        accounts.removeMember(Authn.principal(ctx), ctx.pathParam("org"), ctx.pathParam("user"));
        ctx.status(204);
    }

    private void createToken(Context ctx) {
        JsonNode b = Bodies.json(ctx);
        Principal p = Authn.principal(ctx);
        String forUser = Bodies.text(b, "user");
        if (forUser == null) {
            if (!p.authenticated() || p.user() == null) {
                throw new CofferException(ErrorCode.UNAUTHENTICATED, "authentication required: log in first");
            }
            forUser = p.user();
        }
        Scope scope = Scope.parse(Bodies.required(b, "scope"));
        String expiresIn = Bodies.text(b, "expiresIn");
        Instant expires = Instant.now().plus(TokenLifetime.parse(expiresIn == null ? TokenLifetime.DEFAULT : expiresIn));
        AccountService.IssuedToken t = accounts.createToken(p, forUser, scope, Bodies.required(b, "owner"),
                Bodies.text(b, "dataset"), expires, Bodies.text(b, "description"));
        ObjectNode o = tokenJson(t.token().id(), scope, t.token().owner(), t.token().dataset());
        o.put("user", t.token().user());
        o.put("secret", t.secret());
        o.put("expiresAt", expires.toString());
        noStore(ctx);
        ctx.status(201);
        DatasetRoutes.json(ctx, o);
    }

    private void listTokens(Context ctx) {
        Principal p = Authn.principal(ctx);
        String user = ctx.queryParam("user") != null ? ctx.queryParam("user") : p.user();
        if (user == null) {
            throw new CofferException(ErrorCode.UNAUTHENTICATED, "authentication required: log in first");
        }
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("tokens");
        long now = System.currentTimeMillis();
        for (Tokens.Token t : accounts.tokens(p, user)) {
            ObjectNode x = tokenJson(t.id(), t.scope(), t.owner(), t.dataset());
            x.put("createdAt", Instant.ofEpochMilli(t.createdAt()).toString());
            if (t.expiresAt() != null) {
                x.put("expiresAt", Instant.ofEpochMilli(t.expiresAt()).toString());
            }
            if (t.revokedAt() != null) {
                x.put("revokedAt", Instant.ofEpochMilli(t.revokedAt()).toString());
            }
            x.put("active", t.usableAt(now));
            if (t.description() != null) {
                x.put("description", t.description());
            }
            a.add(x);
        }
        DatasetRoutes.json(ctx, o);
    }

    private void revokeToken(Context ctx) {
        accounts.revokeToken(Authn.principal(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    private void oidcCallback(Context ctx) {
        String error = ctx.queryParam("error");
        if (error != null) {
            throw new CofferException(ErrorCode.UNAUTHENTICATED, "the OpenID provider refused the login");
        }
        String user = oidc.finish(ctx.queryParam("code"), ctx.queryParam("state"));
        AccountService.NewSession s = accounts.startSession(user, ctx.cookie(Authn.SESSION_COOKIE));
        authn.setSessionCookie(ctx, s.sessionId(), (int) AccountService.SESSION_TTL.toSeconds());
        noStore(ctx);
        // The session page tells a browser app who is logged in and the CSRF token to send.
        ctx.redirect("/api/auth/session", HttpStatus.SEE_OTHER);
    }

    private static ObjectNode tokenJson(String id, Scope scope, String owner, String dataset) {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("scope", scope.code());
        o.put("owner", owner);
        if (dataset != null) {
            o.put("dataset", dataset);
        }
        return o;
    }

    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
    }
}
