package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one error shape of the HTTP API: RFC 9457 {@code application/problem+json} with Coffer's stable
 * {@code code}. Internal errors say nothing about their cause to the client; the log has it.
 */
public final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
    public static final String CONTENT_TYPE = "application/problem+json";

    private Problems() {
    }

    public static ObjectNode body(int status, String code, String title, String detail, List<String> details,
                                  String instance) {
        ObjectNode o = Json.object();
        o.put("type", "https://coffer.dev/problems/" + code);
        o.put("title", title);
        o.put("status", status);
        o.put("code", code);
        if (detail != null) {
            o.put("detail", detail);
        }
        if (details != null && !details.isEmpty()) {
            ArrayNode a = o.putArray("details");
            details.stream().limit(100).forEach(a::add);
        }
        if (instance != null) {
            o.put("instance", instance);
        }
        return o;
    }

    static String title(ErrorCode code) {
        String s = code.code().replace('-', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static void write(Context ctx, int status, ObjectNode body) {
        if (io.coffer.server.web.ErrorPage.wantsHtml(ctx)) {
            io.coffer.server.web.ErrorPage.write(ctx, status, body);
            return;
        }
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType(CONTENT_TYPE);
        ctx.result(Json.write(body));
    }

    public static void handle(CofferException e, Context ctx) {
        ErrorCode c = e.code();
        if (c.httpStatus() >= 500) {
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e);
        }
        write(ctx, c.httpStatus(), body(c.httpStatus(), c.code(), title(c), e.getMessage(), e.details(), ctx.path()));
    }

    public static void handle(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        ErrorCode c = switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
        };
        String detail = status == 404 ? "no such resource: " + ctx.path() : e.getMessage();
        write(ctx, status, body(status, c.code(), title(c), detail, List.of(), ctx.path()));
    }

    /** Jetty's own refusals while a body is read (too slow: 408, malformed: 400). */
    public static void handle(org.eclipse.jetty.http.BadMessageException e, Context ctx) {
        int status = e.getCode() >= 400 && e.getCode() < 500 ? e.getCode() : 400;
        ErrorCode c = status == 408 ? ErrorCode.REQUEST_TIMEOUT : status == 413 ? ErrorCode.PAYLOAD_TOO_LARGE
                : ErrorCode.BAD_REQUEST;
        write(ctx, status, body(status, c.code(), title(c), e.getReason() == null ? "malformed request" : e.getReason(),
                List.of(), ctx.path()));
    }

    public static void handle(Exception e, Context ctx) {
        if (e instanceof java.io.EOFException || e instanceof org.eclipse.jetty.io.EofException
                || e.getCause() instanceof java.io.EOFException) {
            // The client went away or cut its body short: nothing to answer to, nothing to alarm anyone about.
            LOG.debug("{} {}: request body ended early", ctx.method(), ctx.path());
            write(ctx, 400, body(400, ErrorCode.BAD_REQUEST.code(), "Bad request", "the request body ended early",
                    List.of(), ctx.path()));
            return;
        }
        if (e.getCause() instanceof org.eclipse.jetty.http.BadMessageException bad) {
            handle(bad, ctx);
            return;
        }
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        write(ctx, 500, body(500, ErrorCode.INTERNAL.code(), "Internal error",
                "the server could not complete the request; the error was logged", List.of(), ctx.path()));
    }
}
