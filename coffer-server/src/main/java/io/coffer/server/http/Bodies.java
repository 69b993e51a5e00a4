package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.Json;
import io.javalin.http.Context;
import java.util.Locale;

/** Small JSON request bodies. Parse errors never quote the body, which may hold a password. */
final class Bodies {
    private Bodies() {
    }

    static JsonNode json(Context ctx) {
        String ct = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!ct.startsWith("application/json")) {
            throw new CofferException(io.coffer.model.ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send a JSON body "
                    + "(Content-Type: application/json)");
        }
        try {
            JsonNode n = Json.MAPPER.readTree(ctx.bodyAsBytes());
            if (n == null || !n.isObject()) {
                throw CofferException.badRequest("the body must be a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw CofferException.badRequest("the body is not valid JSON");
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : badType(field);
    }

    static String required(JsonNode n, String field) {
        String v = text(n, field);
        if (v == null || v.isEmpty()) {
            throw CofferException.badRequest("'" + field + "' is required");
        }
        return v;
    }

    private static String badType(String field) {
        throw CofferException.badRequest("'" + field + "' must be a string");
    }
}
