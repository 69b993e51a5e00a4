package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.meta.ChangeLog;
import io.coffer.meta.auth.Authorizer;
import io.coffer.meta.auth.DatasetService;
import io.coffer.meta.auth.Principal;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Readers of the change log: {@code GET /api/changes?since=ID&limit=N} (paged JSON), {@code GET
 * /api/changes/stream} (server-sent events, resumable with {@code Last-Event-ID}) and {@code GET
 * /changes.atom} (the latest dataset publishes). A request sees only the events it may read: dataset events
 * of datasets it can read (and, for events recorded while a dataset was private, only if it could read it
 * private); account events only when it is an admin.
 */
final class ChangeRoutes implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChangeRoutes.class);
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final long KEEP_ALIVE_MILLIS = 15_000;
    static final long POLL_MILLIS = 1_000;

    private final ChangeLog changes;
    private final DatasetService datasets;
    private final Authorizer authz;

    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Set<Object> signals = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    ChangeRoutes(ChangeLog changes, DatasetService datasets, Authorizer authz) {
        this.changes = changes;
        this.datasets = datasets;
        this.authz = authz;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/changes", this::page);
        routes.sse("/api/changes/stream", this::stream);
        routes.get("/changes.atom", this::atom);
    }

    /** What {@code p} may see, with the private-dataset list loaded once. */
    Predicate<ChangeLog.Change> visibleTo(Principal p) {
        Predicate<DatasetId> readable = datasets.readable(p);
        return c -> {
            if (!c.datasetEvent()) {
                return p.admin();
            }
            return readable.test(c.dataset()) && (!c.hidden() || authz.canReadPrivate(p, c.dataset()));
        };
    }

    static long longParam(String value, String name, long dflt) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) {
                throw CofferException.badRequest(name + " must not be negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw CofferException.badRequest(name + " must be a whole number");
        }
    }

    private void page(Context ctx) {
        long since = longParam(ctx.queryParam("since"), "since", 0);
        int limit = (int) Math.min(MAX_LIMIT, Math.max(1, longParam(ctx.queryParam("limit"), "limit", DEFAULT_LIMIT)));
        Predicate<ChangeLog.Change> visible = visibleTo(Authn.principal(ctx));
        List<ChangeLog.Change> out = new ArrayList<>();
        long cursor = since;
        boolean more = false;
        // Scan forward in batches until the page is full; the cursor moves past hidden events too.
        for (int scanned = 0; out.size() < limit && scanned < 20 * MAX_LIMIT; ) {
            List<ChangeLog.Change> batch = changes.since(cursor, MAX_LIMIT);
            if (batch.isEmpty()) {
                break;
            }
            for (ChangeLog.Change c : batch) {
                if (out.size() == limit) {
                    more = true;
                    break;
                }
                cursor = c.id();
                scanned++;
                if (visible.test(c)) {
                    out.add(c);
                }
            }
            if (more || batch.size() < MAX_LIMIT) {
                break;
            }
        }
        if (!more && out.size() == limit) {
            more = !changes.since(cursor, 1).isEmpty();
        }
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("changes");
        out.forEach(c -> a.add(c.toJson()));
        o.put("next", cursor);
        o.put("more", more);
        o.put("nextUrl", "/api/changes?since=" + cursor + "&limit=" + limit);
        ctx.header("Cache-Control", "no-store");
        DatasetRoutes.json(ctx, o);
    }

    private void stream(SseClient client) {
        Context ctx = client.ctx();
        Principal p = Authn.principal(ctx);
        String lastEventId = ctx.header("Last-Event-ID");
        long cursor = lastEventId != null && !lastEventId.isBlank()
                ? longParam(lastEventId, "Last-Event-ID", 0)
                : ctx.queryParam("since") != null ? longParam(ctx.queryParam("since"), "since", 0) : changes.lastId();
        Object signal = new Object();
        Runnable wake = () -> {
            synchronized (signal) {
                signal.notifyAll();
            }
        };
        changes.onAppend(wake);
        signals.add(signal);
        open.incrementAndGet();
        try {
            client.sendComment("coffer changes from " + cursor);
            long lastSent = System.currentTimeMillis();
            while (!client.terminated() && !stopping) {
                List<ChangeLog.Change> batch = changes.since(cursor, 200);
                // Re-read visibility per batch: a dataset made private meanwhile disappears from the stream.
                Predicate<ChangeLog.Change> visible = batch.isEmpty() ? null : visibleTo(p);
                for (ChangeLog.Change c : batch) {
                    cursor = c.id();
                    if (visible.test(c)) {
                        client.sendEvent(c.type(), new String(Json.write(c.toJson()), StandardCharsets.UTF_8),
                                Long.toString(c.id()));
                        lastSent = System.currentTimeMillis();
                    }
                }
                if (batch.size() == 200) {
                    continue;
                }
                if (System.currentTimeMillis() - lastSent >= KEEP_ALIVE_MILLIS) {
                    client.sendComment("keep-alive");
                    lastSent = System.currentTimeMillis();
                }
                synchronized (signal) {
                    // Woken by appends in this process; events of other nodes are found by polling.
                    signal.wait(POLL_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The database went away (shutdown) or the client did: the client reconnects with Last-Event-ID.
            LOG.debug("change stream ended: {}", e.toString());
        } finally {
            changes.removeListener(wake);
            signals.remove(signal);
            if (stopping && !client.terminated()) {
                // End the response while it still exists: the server is about to stop.
                client.close();
            }
            open.decrementAndGet();
        }
    }

    /** Ends every open stream (clients reconnect with Last-Event-ID); called before the server stops. */
    @Override
    public void close() {
        stopping = true;
        for (Object signal : signals) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (open.get() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void atom(Context ctx) {
        Predicate<ChangeLog.Change> visible = visibleTo(Authn.principal(ctx));
        List<ChangeLog.Change> entries = changes.latest(List.of(ChangeLog.PUBLISHED), 500).stream()
                .filter(visible).limit(50).toList();
        String base = ctx.scheme() + "://" + ctx.host();
        StringBuilder x = new StringBuilder(4096);
        x.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        x.append("  <title>Coffer: recently published datasets</title>\n");
        x.append("  <id>").append(xml(base + "/changes.atom")).append("</id>\n");
        x.append("  <link rel=\"self\" href=\"").append(xml(base + "/changes.atom")).append("\"/>\n");
        x.append("  <updated>").append(entries.isEmpty() ? Instant.EPOCH : entries.getFirst().occurredAt()).append("</updated>\n");
        for (ChangeLog.Change c : entries) {
            String page = base + "/datasets/" + c.dataset().owner() + "/" + c.dataset().name();
            String api = base + "/api/datasets/" + c.dataset().owner() + "/" + c.dataset().name() + "?revision=" + c.revision();
            x.append("  <entry>\n");
            x.append("    <id>").append(xml("urn:coffer:event:" + c.id())).append("</id>\n");
            x.append("    <title>").append(xml(c.dataset() + " revision " + c.revision())).append("</title>\n");
            x.append("    <updated>").append(c.occurredAt()).append("</updated>\n");
            x.append("    <author><name>").append(xml(c.dataset().owner())).append("</name></author>\n");
            x.append("    <link rel=\"alternate\" href=\"").append(xml(page)).append("\"/>\n");
            x.append("    <link rel=\"related\" type=\"application/json\" href=\"").append(xml(api)).append("\"/>\n");
            x.append("    <summary>").append(xml((c.revision() == 1 ? "Added " : "Updated ") + c.dataset()
                    + " (revision " + c.revision() + ")")).append("</summary>\n");
            x.append("  </entry>\n");
        }
        x.append("</feed>\n");
        ctx.contentType("application/atom+xml; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.result(x.toString());
    }

    /** XML text and attribute escaping; characters XML 1.0 cannot hold are dropped. */
    static String xml(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') {
                        b.append(ch);
                    }
                }
            }
        }
        return b.toString();
    }
}
