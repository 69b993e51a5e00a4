package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP server: Javalin 7 on Jetty 12 with virtual threads. All routes are registered here, in one
 * place; each route class only turns HTTP into calls on the store and back.
 */
public final class CofferServer implements AutoCloseable {
    /** In an upsert upload ({@code PUT ...?mode=upsert}), the CSV of primary keys to remove, at the package root. */
    public static final String UPSERT_DELETES_FILE = io.coffer.service.PublishService.UPSERT_DELETES_FILE;

    private static final Logger LOG = LoggerFactory.getLogger(CofferServer.class);

    /** A connection with no bytes moving for this long is closed (headers included). */
    public static final java.time.Duration IDLE_TIMEOUT = java.time.Duration.ofSeconds(
            Long.getLong("coffer.http.idleTimeoutSeconds", 30));
    /** Request bodies must arrive at least this fast (bytes per second, averaged over the request). */
    public static final long MIN_REQUEST_BYTES_PER_SECOND = Long.getLong("coffer.http.minRequestBytesPerSecond", 1024);

    /** Bound on request bodies Javalin will buffer; uploads that stream set their own limits. */
    public static final long MAX_REQUEST_BYTES = 1024 * 1024;

    /** docs/openapi.yaml, bundled at build time, served as JSON. */
    private static final java.util.function.Supplier<ObjectNode> OPENAPI = new java.util.function.Supplier<>() {
        private volatile ObjectNode doc;

        @Override
        public ObjectNode get() {
            if (doc == null) {
                try (var in = CofferServer.class.getResourceAsStream("/io/coffer/server/openapi.yaml")) {
                    if (in == null) {
                        throw new CofferException(io.coffer.model.ErrorCode.INTERNAL, "openapi.yaml is not bundled");
                    }
                    doc = (ObjectNode) new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(in);
                } catch (java.io.IOException e) {
                    throw new CofferException(io.coffer.model.ErrorCode.INTERNAL, "cannot read openapi.yaml", e);
                }
            }
            return doc;
        }
    };

    private final Javalin app;
    private final DataStore store;
    private final Observability observability;
    /** Engine work runs here, on platform threads, never on a request's virtual thread (it would pin a carrier). */
    private final QueryPool queries = new QueryPool();
    /** Closed before Jetty stops (long-lived responses such as change streams). */
    private final java.util.List<AutoCloseable> beforeStop = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A read-only server without accounts: every dataset is public and nothing can be written over HTTP. */
    public CofferServer(DataStore store, String host, int port) {
        this(store, null, host, port);
    }

    /** With {@code security}, the server has accounts, write endpoints and private datasets. */
    public CofferServer(DataStore store, ServerSecurity security, String host, int port) {
        this(store, security, host, port, null);
    }

    /**
     * {@code analytics}: the process's DuckDB runtime with its engine and versions service (left open when the
     * server stops: its owner closes it); null: the server starts its own from the environment and closes it.
     */
    public CofferServer(DataStore store, ServerSecurity security, String host, int port, Analytics analytics) {
        this.store = store;
        Analytics a = analytics != null ? analytics : Analytics.fromEnvironment(store);
        this.observability = new Observability(store);
        if (security != null) {
            observability.restrictUsageToAdmins();
        }
        ReadAccess access = security == null ? ReadAccess.PUBLIC : security.readAccess();
        this.app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            // Slow clients (slow-loris) are cut off: a connection idle for IDLE_TIMEOUT is closed, and a request
            // body arriving slower than MIN_REQUEST_BYTES_PER_SECOND fails with 408.
            config.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                http.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND);
            });
            config.routes.before(ctx -> {
                String requestId = UUID.randomUUID().toString().substring(0, 8);
                MDC.put("requestId", requestId);
                ctx.header("X-Request-Id", requestId);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
                if (security != null) {
                    // Answers differ by credentials (visibility, memberships): caches must key on them.
                    ctx.header("Vary", CachePolicy.VARY);
                }
            });
            config.routes.after(ctx -> MDC.remove("requestId"));
            config.routes.exception(CofferException.class, Problems::handle);
            config.routes.exception(HttpResponseException.class, Problems::handle);
            config.routes.exception(org.eclipse.jetty.http.BadMessageException.class, Problems::handle);
            config.routes.exception(Exception.class, Problems::handle);
            config.routes.get("/health", ctx -> {
                ObjectNode o = Json.object();
                o.put("status", "ok");
                // The store's location (a path, a bucket) is for admins, not for anyone probing.
                if (Authn.principal(ctx).admin()) {
                    o.put("store", store.blobs().describe());
                }
                DatasetRoutes.json(ctx, o);
            });
            if (security != null) {
                // API usage per endpoint, dataset and token (OSEP-01), for administrators.
                config.routes.get("/admin/usage", ctx -> {
                    security.security().authorizer().requireAdmin(Authn.principal(ctx));
                    io.coffer.server.web.Html h = new io.coffer.server.web.Html();
                    h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>API usage</title>")
                            .raw("<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body class=\"page\"><main>")
                            .el("h1", "API usage since start").raw("<table class=\"columns\"><thead><tr><th>what</th>")
                            .raw("<th>requests</th></tr></thead><tbody>");
                    for (var row : observability.usage()) {
                        h.open("tr").el("td", row.getKey()).el("td", String.valueOf(row.getValue().longValue())).close("tr");
                    }
                    h.raw("</tbody></table><p>Also as Prometheus metrics at <a href=\"/metrics\">/metrics</a>.</p></main></body></html>");
                    ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'");
                    ctx.contentType("text/html; charset=utf-8");
                    ctx.result(h.toString());
                });
            }
            config.routes.get("/api/openapi.json", ctx -> {
                ctx.header("Access-Control-Allow-Origin", "*");
                DatasetRoutes.json(ctx, OPENAPI.get());
            });
            config.routes.get("/api", ctx -> {
                ObjectNode o = Json.object();
                o.put("name", "Coffer");
                o.put("datasets", "/api/datasets");
                o.put("cubes", "/api/3/cubes");
                o.put("registry", "/registry/datapackage.json");
                o.put("catalog", "/registry/data/catalog.csv");
                o.put("health", "/health");
                DatasetRoutes.json(ctx, o);
            });
            observability.register(config.routes);
            if (security != null) {
                security.register(config.routes, beforeStop::add, a.versions());
            }
            new DatasetRoutes(store, access).register(config.routes);
            new FileRoutes(store, access).register(config.routes);
            new io.coffer.server.web.WebRoutes(store, access,
                    security == null ? ServerSecurity.DEFAULT_MAX_UPLOAD_BYTES : security.maxUploadBytes())
                    .register(config.routes);
            new BabbageRoutes(store, a.engine(), access).onPool(queries).register(config);
            new ValidateRoutes(security == null ? ServerSecurity.DEFAULT_MAX_UPLOAD_BYTES : security.maxUploadBytes(),
                    java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "coffer-validate")).register(config.routes);
            new VersionRoutes(store, access, a.versions()).onPool(queries).register(config);
            if (analytics == null) {
                config.events.serverStopped(a::close);
            }
        });
    }

    public CofferServer start() {
        app.start();
        for (var c : app.jettyServer().server().getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.ServerConnector sc) {
                sc.setIdleTimeout(IDLE_TIMEOUT.toMillis());
            }
        }
        LOG.info("Coffer serving {} on http://{}:{}/", store.blobs().describe(),
                app.jettyServer().server().getURI().getHost(), app.port());
        return this;
    }

    public Observability observability() {
        return observability;
    }

    /** Engine jobs running and waiting on this server's query pool. */
    public int queryLoad() {
        return queries.active();
    }

    public int port() {
        return app.port();
    }

    /**
     * Every HTTP route Javalin holds, as (method, path template), in registration order; before/after
     * filters are left out. For the test that checks docs/openapi.yaml against what is really served.
     */
    java.util.List<java.util.Map.Entry<String, String>> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> java.util.Map.entry(e.method.name(), e.path))
                .toList();
    }

    @Override
    public void close() {
        for (AutoCloseable c : beforeStop) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
        app.stop();
        queries.close();
    }
}
