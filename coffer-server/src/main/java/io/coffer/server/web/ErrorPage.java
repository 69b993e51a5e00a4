package io.coffer.server.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * Errors for people: a browser asking for a page (GET with {@code Accept: text/html}, outside the API)
 * gets an HTML page with the problem's title and detail; API clients keep problem+json.
 */
public final class ErrorPage {
    private ErrorPage() {
    }

    /** Whether this request is a browser navigating to a page rather than an API call. */
    public static boolean wantsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        String path = ctx.path();
        return accept != null && accept.contains("text/html") && ("GET".equals(ctx.method().name()) || "HEAD".equals(ctx.method().name()))
                && !path.startsWith("/api/") && !path.startsWith("/datasets/") && !path.startsWith("/registry/");
    }

    /** Writes the problem as a page; the status is the problem's. */
    public static void write(Context ctx, int status, ObjectNode problem) {
        Html h = new Html();
        String title = problem.path("title").asText("Error");
        h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .el("title", status + " " + title + " — Coffer")
                .raw("<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body class=\"page\">")
                .raw("<header class=\"top\"><a class=\"brand\" href=\"/\">Coffer</a></header><main>")
                .el("h1", status == 404 ? "Not found" : title);
        if (problem.hasNonNull("detail")) {
            h.el("p", problem.path("detail").asText(), "class", "error-detail");
        }
        h.open("p", "class", "note").text("Error code ").el("code", problem.path("code").asText()).text(" · ")
                .link("/", "All datasets").close("p");
        h.raw("</main></body></html>");
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'");
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(h.toString());
    }
}
