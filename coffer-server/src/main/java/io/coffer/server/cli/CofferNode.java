package io.coffer.server.cli;

import io.coffer.events.Events;
import io.coffer.events.Worker;
import io.coffer.importer.Mirrors;
import io.coffer.importer.SafeFetcher;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.OidcLogin;
import io.coffer.meta.auth.Security;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.server.http.Analytics;
import io.coffer.server.http.CofferServer;
import io.coffer.server.http.ServerSecurity;
import io.coffer.store.DataStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * One Coffer node wired as {@code coffer serve} runs it: the process's DuckDB runtime, accounts, change log,
 * jobs and webhooks, mirrors and the HTTP server. {@link ServeCommand} and the test harness both start a node
 * through {@link #start}, so tests exercise the wiring that is deployed.
 *
 * <p>The store and the metadata database belong to the caller (closed by it after the node).
 */
public final class CofferNode implements AutoCloseable {
    /** What {@code coffer serve}'s options set. */
    public record Options(String host, int port, long maxUploadBytes, Path uploadDir, boolean secureCookies,
            Set<String> roles, int jobThreads, Duration jobLease, Duration jobPoll, java.util.List<String> trustedProxies) {
        public Options {
            roles = Set.copyOf(roles);
            trustedProxies = java.util.List.copyOf(trustedProxies);
            if (roles.isEmpty() || !Set.of("api", "worker").containsAll(roles)) {
                throw new CofferException(ErrorCode.CONFIGURATION, "--roles takes api, worker or both, not " + roles);
            }
            if (jobThreads < 1 || jobThreads > 64) {
                throw new CofferException(ErrorCode.CONFIGURATION, "--job-threads takes 1 to 64, not " + jobThreads);
            }
        }

        /** serve's defaults, on 127.0.0.1 and the given port (0: a free one). */
        public static Options defaults(int port) {
            return new Options("127.0.0.1", port, 512L << 20,
                    Path.of(System.getProperty("java.io.tmpdir"), "coffer-uploads"), false, Set.of("api", "worker"), 2,
                    Duration.ofSeconds(60), Duration.ofSeconds(1), java.util.List.of());
        }

        public Options withMaxUploadBytes(long bytes) {
            return new Options(host, port, bytes, uploadDir, secureCookies, roles, jobThreads, jobLease, jobPoll, trustedProxies);
        }

        public Options withUploadDir(Path dir) {
            return new Options(host, port, maxUploadBytes, dir, secureCookies, roles, jobThreads, jobLease, jobPoll, trustedProxies);
        }

        public Options withRoles(Set<String> r) {
            return new Options(host, port, maxUploadBytes, uploadDir, secureCookies, r, jobThreads, jobLease, jobPoll, trustedProxies);
        }

        public Options withJobs(int threads, Duration lease, Duration poll) {
            return new Options(host, port, maxUploadBytes, uploadDir, secureCookies, roles, threads, lease, poll, trustedProxies);
        }
    }

    private final Options options;
    private final DataStore store;
    private final Analytics analytics;
    private final boolean ownsAnalytics;
    private final ServerSecurity security;
    private final Events events;
    private final Mirrors mirrors;
    private final CofferServer server;

    private CofferNode(Options options, DataStore store, Analytics analytics, boolean ownsAnalytics,
            ServerSecurity security, Events events, Mirrors mirrors, CofferServer server) {
        this.options = options;
        this.store = store;
        this.analytics = analytics;
        this.ownsAnalytics = ownsAnalytics;
        this.security = security;
        this.events = events;
        this.mirrors = mirrors;
        this.server = server;
    }

    /**
     * Starts a node on {@code store} and {@code db}. {@code analytics}: the process's DuckDB runtime, or null to
     * open one from the environment (then closed with the node). {@code oidc}: OpenID Connect login, or null.
     */
    public static CofferNode start(DataStore store, MetaDb db, Analytics analytics, OidcLogin oidc, Options o) {
        // An empty store serves an empty, valid registry from the first request on.
        store.registry().rebuild();
        boolean ownsAnalytics = analytics == null;
        Analytics a = ownsAnalytics ? Analytics.fromEnvironment(store) : analytics;
        Worker.Config d = Worker.Config.DEFAULT;
        Events.Config eventsConfig = new Events.Config(
                new Worker.Config(o.jobThreads(), o.jobLease(), o.jobPoll(), d.backoff(), d.maxBackoff()),
                Events.Config.DEFAULT.reconcileEvery(), true);
        Security sec = new Security(db, store);
        if (oidc != null) {
            // A first OpenID login is never named after a reserved owner (docs/security.md).
            oidc.reserving(sec.authorizer()::ownerNameReserved);
        }
        ServerSecurity security = new ServerSecurity(sec, o.maxUploadBytes(), o.uploadDir(), o.secureCookies(), oidc);
        // Change log, jobs and webhooks. Worker nodes reconcile the store with the log, dispatch and run jobs;
        // API nodes only read the log (and append to it through the services).
        Events events = new Events(security.security(), store, eventsConfig,
                Map.of(HistoryJob.TYPE, new HistoryJob(store, a.versions())), Set.of(HistoryJob.TYPE), a.engine());
        boolean worker = o.roles().contains("worker");
        if (worker) {
            events.start();
        }
        security = security.withEvents(events).withTrustedProxies(o.trustedProxies());
        CofferServer server = o.roles().contains("api")
                ? new CofferServer(store, security, o.host(), o.port(), a).start() : null;
        // Registered mirrors are checked by worker nodes (every minute for due ones), through the one publish
        // path, as the system: recorded in the change log like any publish.
        Mirrors mirrors = new Mirrors(ServerSecurity.publisher(security.security().datasets(), o.maxUploadBytes(),
                security.uploadDir(), a.versions()), new SafeFetcher(SafeFetcher.Policy.DEFAULT));
        if (worker) {
            mirrors.start(Duration.ofMinutes(1));
        }
        return new CofferNode(o, store, a, ownsAnalytics, security, events, mirrors, server);
    }

    /** The HTTP server, or null on a worker-only node. */
    public CofferServer server() {
        return server;
    }

    /** The port HTTP listens on (-1 on a worker-only node). */
    public int port() {
        return server == null ? -1 : server.port();
    }

    public Options options() {
        return options;
    }

    public DataStore store() {
        return store;
    }

    public Analytics analytics() {
        return analytics;
    }

    public ServerSecurity security() {
        return security;
    }

    public Events events() {
        return events;
    }

    public Mirrors mirrors() {
        return mirrors;
    }

    @Override
    public void close() {
        mirrors.close();
        if (server != null) {
            server.close();
        }
        events.close();
        if (ownsAnalytics) {
            analytics.close();
        }
    }
}
