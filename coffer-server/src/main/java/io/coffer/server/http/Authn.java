package io.coffer.server.http;

import io.coffer.meta.Secrets;
import io.coffer.meta.auth.AccountService;
import io.coffer.meta.auth.Principal;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds out who is asking, before any route runs: an API token ({@code Authorization: Bearer}, never
 * from the URL), else a session cookie, else nobody. Session-authenticated requests that change state
 * must echo the session's CSRF token. Only authentication lives here; what a principal may do is decided
 * by the service layer.
 */
public final class Authn {
    public static final String SESSION_COOKIE = "coffer_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FORM_FIELD = "_csrf";
    private static final String PRINCIPAL = "coffer.principal";
    private static final String SESSION = "coffer.session";
    /** Query parameters that would put a credential into URLs, logs, browser histories and Referer headers. */
    static final Set<String> CREDENTIAL_PARAMS = Set.of("token", "access_token", "api_key", "apikey", "bearer");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final AccountService accounts;
    private final boolean forceSecureCookies;
    private final ClientAddress clientAddress;
    private static final String CLIENT = "coffer.client";

    Authn(AccountService accounts, boolean forceSecureCookies, ClientAddress clientAddress) {
        this.accounts = accounts;
        this.forceSecureCookies = forceSecureCookies;
        this.clientAddress = clientAddress;
    }

    /** The client's address (behind trusted proxies, see {@link ClientAddress}). */
    public static String client(Context ctx) {
        String c = ctx.attribute(CLIENT);
        return c != null ? c : ctx.req().getRemoteAddr();
    }

    void before(Context ctx) {
        ctx.attribute(PRINCIPAL, Principal.ANONYMOUS);
        ctx.attribute(CLIENT, clientAddress.of(ctx));
        for (String name : ctx.queryParamMap().keySet()) {
            if (CREDENTIAL_PARAMS.contains(name.toLowerCase(Locale.ROOT))) {
                throw CofferException.badRequest("credentials are never accepted in the URL; send the API token as "
                        + "'Authorization: Bearer TOKEN' (and revoke this one: URLs end up in logs)");
            }
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new CofferException(ErrorCode.UNAUTHENTICATED,
                        "only 'Authorization: Bearer TOKEN' is accepted");
            }
            // Bearer requests ignore cookies, so no CSRF token is needed (a browser never adds this header itself).
            ctx.attribute(PRINCIPAL, accounts.authenticateToken(authorization.substring(7).trim()));
            return;
        }
        String sid = ctx.cookie(SESSION_COOKIE);
        if (sid == null) {
            return;
        }
        Optional<AccountService.ActiveSession> session = accounts.session(sid);
        if (session.isEmpty()) {
            return; // an ended or expired session: the request is anonymous
        }
        if (!SAFE_METHODS.contains(ctx.method().name()) && !ctx.path().equals("/api/auth/login")) {
            String presented = ctx.header(CSRF_HEADER);
            if (presented == null && isForm(ctx)) {
                presented = ctx.formParam(CSRF_FORM_FIELD);
            }
            if (!Secrets.constantTimeEquals(presented, session.get().csrfToken())) {
                throw new CofferException(ErrorCode.FORBIDDEN, "missing or wrong CSRF token: send the token from "
                        + "the login response in the " + CSRF_HEADER + " header");
            }
        }
        ctx.attribute(PRINCIPAL, session.get().principal());
        ctx.attribute(SESSION, session.get());
    }

    private static boolean isForm(Context ctx) {
        String ct = ctx.contentType();
        return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        return p == null ? Principal.ANONYMOUS : p;
    }

    static AccountService.ActiveSession session(Context ctx) {
        return ctx.attribute(SESSION);
    }

    void setSessionCookie(Context ctx, String sessionId, int maxAgeSeconds) {
        Cookie c = new Cookie(SESSION_COOKIE, sessionId, "/", maxAgeSeconds, secure(ctx), true, null, SameSite.LAX);
        ctx.cookie(c);
    }

    void clearSessionCookie(Context ctx) {
        ctx.cookie(new Cookie(SESSION_COOKIE, "", "/", 0, secure(ctx), true, null, SameSite.LAX));
    }

    private boolean secure(Context ctx) {
        return forceSecureCookies || ctx.req().isSecure();
    }
}
