package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Metrics (Prometheus text at {@code /metrics}) and health ({@code /health/live}, {@code /health/ready}).
 * Every request is timed by route template and status, and counted per dataset, which is the API usage
 * measure OSEP-01 asked for from day one. Tags are bounded: route templates, not raw paths.
 */
public final class Observability {
    private static final String START = "coffer.start";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DataStore store;

    public Observability(DataStore store) {
        this.store = store;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * On a server with accounts, the per-dataset, per-user and per-token series (which name private datasets,
     * users and token ids) are for admins only; everyone else gets the rest.
     */
    private volatile boolean restricted;

    void restrictUsageToAdmins() {
        restricted = true;
    }

    static String withoutUsage(String scrape) {
        StringBuilder b = new StringBuilder(scrape.length());
        for (String line : scrape.split("\n")) {
            String name = line.startsWith("# ") ? line.replaceFirst("^# (HELP|TYPE) ", "") : line;
            if (!name.startsWith("coffer_api_usage")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Usage counters as rows (name, tags, count), busiest first, for the admin page. */
    public java.util.List<java.util.Map.Entry<String, Double>> usage() {
        java.util.List<java.util.Map.Entry<String, Double>> rows = new java.util.ArrayList<>();
        registry.getMeters().forEach(m -> {
            if (m instanceof io.micrometer.core.instrument.Counter c && m.getId().getName().startsWith("coffer.api.usage")) {
                StringBuilder label = new StringBuilder(m.getId().getName().endsWith("token") ? "token " : "dataset ");
                m.getId().getTags().forEach(t -> label.append(t.getKey()).append('=').append(t.getValue()).append(' '));
                rows.add(java.util.Map.entry(label.toString().trim(), c.count()));
            } else if (m instanceof Timer t && m.getId().getName().equals("coffer.http.requests")) {
                rows.add(java.util.Map.entry("endpoint " + t.getId().getTag("method") + " " + t.getId().getTag("route")
                        + " status=" + t.getId().getTag("status"), (double) t.count()));
            }
        });
        rows.sort(java.util.Map.Entry.<String, Double>comparingByValue().reversed());
        return rows;
    }

    public void register(RoutesConfig routes) {
        routes.before(ctx -> ctx.attribute(START, System.nanoTime()));
        routes.after(this::record);
        routes.get("/metrics", ctx -> {
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
            ctx.header("Cache-Control", "no-store");
            String text = registry.scrape();
            if (restricted && !Authn.principal(ctx).admin()) {
                text = withoutUsage(text);
            }
            ctx.result(text);
        });
        routes.get("/health/live", ctx -> status(ctx, 200, "live"));
        routes.get("/health/ready", ctx -> {
            try {
                // Ready means the store answers: one cheap read.
                store.blobs().stat("registry/datapackage.json");
                status(ctx, 200, "ready");
            } catch (Exception e) {
                status(ctx, 503, "store unavailable");
            }
        });
    }

    private static void status(Context ctx, int code, String text) {
        ObjectNode o = Json.object();
        o.put("status", text);
        ctx.status(code);
        DatasetRoutes.json(ctx, o);
    }

    private void record(Context ctx) {
        Long start = ctx.attribute(START);
        if (start == null) {
            return;
        }
        var matched = ctx.endpoints().matchedHttpEndpoint();
        String route = matched == null ? "unmatched" : matched.path;
        if (route.equals("/metrics") || route.startsWith("/health")) {
            return;
        }
        String status = Integer.toString(ctx.statusCode());
        Timer.builder("coffer.http.requests").description("HTTP requests by route template and status")
                .tag("method", ctx.method().name()).tag("route", route).tag("status", status)
                .register(registry).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        // After-handlers do not see the endpoint's path params: read them at the template's positions.
        String[] template = route.split("/");
        String[] actual = ctx.path().split("/");
        String owner = null;
        String name = null;
        for (int i = 0; i < template.length && i < actual.length; i++) {
            if (template[i].equals("{owner}")) {
                owner = actual[i];
            } else if (template[i].equals("{name}")) {
                name = actual[i];
            }
        }
        if (owner != null && name != null && io.coffer.model.DatasetId.isValidName(owner)
                && io.coffer.model.DatasetId.isValidName(name) && ctx.statusCode() < 400) {
            registry.counter("coffer.api.usage", "route", route, "dataset", owner + "/" + name).increment();
        }
        // Per token (the token id, never its secret): who uses the API, for the admin usage page.
        var p = Authn.principal(ctx);
        if (p.token() != null) {
            registry.counter("coffer.api.usage.token", "token", p.token().tokenId(), "user", p.user()).increment();
        }
    }
}
