package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.events.Webhooks;
import io.coffer.model.CofferException;
import io.coffer.model.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Webhook subscriptions: {@code POST/GET /api/webhooks}, {@code DELETE /api/webhooks/{id}}, the delivery
 * log {@code GET /api/webhooks/{id}/deliveries} and {@code POST .../deliveries/{delivery}/redeliver}. Who
 * may do what is decided by {@link Webhooks} (through the Authorizer), not here.
 */
final class WebhookRoutes {
    private final Webhooks webhooks;

    WebhookRoutes(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/webhooks", this::create);
        routes.get("/api/webhooks", this::list);
        routes.delete("/api/webhooks/{id}", this::delete);
        routes.get("/api/webhooks/{id}/deliveries", this::deliveries);
        routes.post("/api/webhooks/{id}/deliveries/{delivery}/redeliver", this::redeliver);
    }

    static ObjectNode json(Webhooks.Hook h) {
        ObjectNode o = Json.object();
        o.put("id", h.id());
        o.put("owner", h.owner());
        if (h.dataset() != null) {
            o.put("dataset", h.dataset());
        }
        o.put("url", h.url());
        o.put("allowPrivate", h.allowPrivate());
        o.put("createdBy", h.createdBy());
        o.put("createdAt", h.createdAt().toString());
        return o;
    }

    private void create(Context ctx) {
        JsonNode body = Bodies.json(ctx);
        String owner = Bodies.required(body, "owner");
        String dataset = Bodies.text(body, "dataset");
        String url = Bodies.required(body, "url");
        JsonNode ap = body.get("allowPrivate");
        if (ap != null && !ap.isBoolean()) {
            throw CofferException.badRequest("allowPrivate must be true or false");
        }
        Webhooks.Created c = webhooks.create(Authn.principal(ctx), owner, dataset, url, ap != null && ap.booleanValue());
        ObjectNode o = json(c.hook());
        o.put("secret", c.secret());
        o.put("note", "the secret is shown only now; deliveries carry X-Coffer-Signature: sha256=<hex HMAC-SHA256 of the body>");
        ctx.status(201);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Location", "/api/webhooks/" + c.hook().id() + "/deliveries");
        DatasetRoutes.json(ctx, o);
    }

    private void list(Context ctx) {
        String owner = ctx.queryParam("owner");
        if (owner == null || owner.isBlank()) {
            throw CofferException.badRequest("owner is required: /api/webhooks?owner=NAME");
        }
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("webhooks");
        webhooks.list(Authn.principal(ctx), owner).forEach(h -> a.add(json(h)));
        DatasetRoutes.json(ctx, o);
    }

    private void delete(Context ctx) {
        webhooks.delete(Authn.principal(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    private void deliveries(Context ctx) {
        int limit = (int) Math.min(200, Math.max(1, ChangeRoutes.longParam(ctx.queryParam("limit"), "limit", 50)));
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("deliveries");
        for (Webhooks.Delivery d : webhooks.deliveries(Authn.principal(ctx), ctx.pathParam("id"), limit)) {
            ObjectNode x = a.addObject();
            x.put("id", d.id());
            x.put("event", d.eventId());
            x.put("state", d.state());
            x.put("attempts", d.attempts());
            if (d.lastStatus() != null) {
                x.put("lastStatus", d.lastStatus());
            }
            if (d.lastError() != null) {
                x.put("lastError", d.lastError());
            }
            x.put("createdAt", d.createdAt().toString());
            if (d.deliveredAt() != null) {
                x.put("deliveredAt", d.deliveredAt().toString());
            }
            ArrayNode at = x.putArray("log");
            for (Webhooks.Attempt t : webhooks.attempts(d.id())) {
                ObjectNode y = at.addObject();
                y.put("at", t.at().toString());
                if (t.status() != null) {
                    y.put("status", t.status());
                }
                if (t.error() != null) {
                    y.put("error", t.error());
                }
                y.put("ms", t.durationMs());
            }
        }
        DatasetRoutes.json(ctx, o);
    }

    private void redeliver(Context ctx) {
        long delivery = ChangeRoutes.longParam(ctx.pathParam("delivery"), "delivery", 0);
        webhooks.redeliver(Authn.principal(ctx), ctx.pathParam("id"), delivery);
        ctx.status(202);
        DatasetRoutes.json(ctx, Json.object().put("delivery", delivery).put("state", "pending"));
    }
}
