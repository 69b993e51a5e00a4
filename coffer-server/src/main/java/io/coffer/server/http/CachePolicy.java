package io.coffer.server.http;

import io.javalin.http.Context;

/**
 * What shared caches (a reverse proxy, a CDN) may keep. Every read of a dataset passes {@link ReadAccess},
 * which marks a request for a private dataset with {@link #markPrivate}: its answer is then
 * {@code private, no-store} whatever the route would allow for public data, so one member's download is never
 * served to someone else. Answers that differ by caller (listings filtered by visibility) are {@code private};
 * every answer of a server with accounts carries {@code Vary: Authorization, Cookie}.
 */
public final class CachePolicy {
    public static final String PRIVATE = "private, no-store";
    public static final String VARY = "Authorization, Cookie";
    private static final String MARK = "coffer.privateAnswer";

    private CachePolicy() {
    }

    /** The request reads a private dataset: nothing of the answer may be stored by anyone but the caller. */
    public static void markPrivate(Context ctx) {
        ctx.attribute(MARK, Boolean.TRUE);
        ctx.header("Cache-Control", PRIVATE);
        ctx.header("Vary", VARY);
    }

    public static boolean isPrivate(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(MARK));
    }

    /** Sets {@code publicValue} (e.g. {@code public, max-age=300}) unless the answer is about private data. */
    public static void set(Context ctx, String publicValue) {
        ctx.header("Cache-Control", isPrivate(ctx) ? PRIVATE : publicValue);
    }

    /** An answer whose content depends on who asks (filtered listings): only the caller's cache may keep it. */
    public static void perCaller(Context ctx, boolean differsByCaller) {
        if (differsByCaller && !isPrivate(ctx)) {
            ctx.header("Cache-Control", "private, no-cache");
        }
    }
}
