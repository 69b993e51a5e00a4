package io.coffer.server.cli;

import java.time.Duration;
import io.coffer.store.DataStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Run the Coffer HTTP server.")
final class ServeCommand implements Callable<Integer> {
    private static volatile boolean serving;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @Option(names = "--host", defaultValue = "${env:COFFER_HOST:-127.0.0.1}",
            description = "Interface to listen on (default 127.0.0.1). Env: COFFER_HOST.")
    String host;

    @Option(names = "--port", defaultValue = "${env:COFFER_PORT:-8080}",
            description = "Port (default 8080; 0 picks a free one). Env: COFFER_PORT.")
    int port;

    @picocli.CommandLine.Mixin
    MetaOption meta;

    @Option(names = "--max-upload-bytes", defaultValue = "${env:COFFER_MAX_UPLOAD_BYTES:-536870912}",
            description = "Largest package upload in bytes (default 512 MiB). Env: COFFER_MAX_UPLOAD_BYTES.")
    long maxUploadBytes;

    @Option(names = "--secure-cookies", defaultValue = "${env:COFFER_SECURE_COOKIES:-false}",
            description = "Mark session cookies Secure even on plain HTTP (behind a TLS proxy). Env: COFFER_SECURE_COOKIES.")
    boolean secureCookies;

    @Option(names = "--trusted-proxies", split = ",", paramLabel = "ADDRESS|CIDR",
            description = "Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR blocks); per-address "
                    + "login lockout and query limits then key on the client behind them. Default none: the "
                    + "header is ignored. Env: COFFER_TRUSTED_PROXIES.")
    java.util.List<String> trustedProxies = new java.util.ArrayList<>();

    @Option(names = "--roles", split = ",", defaultValue = "api,worker",
            description = "What this node does: api (HTTP), worker (mirrors and background work); default both. "
                    + "Env: COFFER_ROLES.")
    java.util.Set<String> roles;

    @Option(names = "--job-threads", defaultValue = "2",
            description = "Background job threads on a worker node (default 2). Env: COFFER_JOB_THREADS.")
    int jobThreads;

    @Option(names = "--job-lease", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long a worker's claim on a job lasts without renewal (renewed every third of it); "
                    + "after a node dies its jobs are taken over once this runs out (default 60s). "
                    + "Env: COFFER_JOB_LEASE.")
    Duration jobLease;

    @Option(names = "--job-poll", defaultValue = "1s", converter = DurationConverter.class,
            description = "How often an idle worker looks for jobs queued by other nodes (default 1s). "
                    + "Env: COFFER_JOB_POLL.")
    Duration jobPoll;

    static boolean serving() {
        return serving;
    }

    @Override
    public Integer call() {
        CofferNode.Options options = new CofferNode.Options(host, port, maxUploadBytes,
                java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "coffer-uploads"), secureCookies, roles,
                jobThreads, jobLease, jobPoll, trustedProxies);
        DataStore ds = StoreOption.of(spec).open();
        io.coffer.meta.MetaDb db = meta.open(spec);
        // The same wiring the tests start (CofferNode): the process's one DuckDB, accounts, events, mirrors, HTTP.
        CofferNode node = CofferNode.start(ds, db, null, Oidc.fromEnvironment(db), options);
        serving = true;
        if (node.server() != null) {
            spec.commandLine().getOut().printf("Coffer is serving %s at http://%s:%d/ (Ctrl-C to stop)%n",
                    ds.blobs().describe(), host, node.port());
        } else {
            spec.commandLine().getOut().printf("Coffer worker on %s (Ctrl-C to stop)%n", ds.blobs().describe());
            // No HTTP threads to keep the JVM alive: a worker-only node waits here.
            Thread keeper = new Thread(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "coffer-worker-keepalive");
            keeper.start();
        }
        spec.commandLine().getOut().flush();
        // Ctrl-C / SIGTERM stop everything cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            db.close();
        }, "coffer-shutdown"));
        return 0;
    }
}
