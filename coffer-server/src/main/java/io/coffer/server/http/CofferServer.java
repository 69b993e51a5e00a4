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
    private static final Logger LOG = LoggerFactory.getLogger(CofferServer.class);

    /** Bound on request bodies Javalin will buffer; uploads that stream set their own limits. */
    public static final long MAX_REQUEST_BYTES = 1024 * 1024;

    private final Javalin app;
    private final DataStore store;
    private final Observability observability;
    /** Closed before Jetty stops (long-lived responses such as change streams). */
    private final java.util.List<AutoCloseable> beforeStop = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A read-only server without accounts: every dataset is public and nothing can be written over HTTP. */
    public CofferServer(DataStore store, String host, int port) {
        this(store, null, host, port);
    }

    /** With {@code security}, the server has accounts, write endpoints and private datasets. */
    public CofferServer(DataStore store, ServerSecurity security, String host, int port) {
        this.store = store;
        this.observability = new Observability(store);
        ReadAccess access = security == null ? ReadAccess.PUBLIC : security.readAccess();
        this.app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            config.routes.before(ctx -> {
                String requestId = UUID.randomUUID().toString().substring(0, 8);
                MDC.put("requestId", requestId);
                ctx.header("X-Request-Id", requestId);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
            });
            config.routes.after(ctx -> MDC.remove("requestId"));
            config.routes.exception(CofferException.class, Problems::handle);
            config.routes.exception(HttpResponseException.class, Problems::handle);
            config.routes.exception(Exception.class, Problems::handle);
            config.routes.get("/health", ctx -> {
                ObjectNode o = Json.object();
                o.put("status", "ok");
                o.put("store", store.blobs().describe());
                DatasetRoutes.json(ctx, o);
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
                security.register(config.routes, beforeStop::add);
            }
            new DatasetRoutes(store, access).register(config.routes);
            new FileRoutes(store, access).register(config.routes);
            new io.coffer.server.web.WebRoutes(store, access,
                    security == null ? ServerSecurity.DEFAULT_MAX_UPLOAD_BYTES : security.maxUploadBytes())
                    .register(config.routes);
            new BabbageRoutes(store, access).register(config);
        });
    }

    public CofferServer start() {
        app.start();
        LOG.info("Coffer serving {} on http://{}:{}/", store.blobs().describe(),
                app.jettyServer().server().getURI().getHost(), app.port());
        return this;
    }

    public Observability observability() {
        return observability;
    }

    public int port() {
        return app.port();
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
    }
}
