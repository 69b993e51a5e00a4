package io.coffer.server.cli;

import io.coffer.server.http.CofferServer;
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

    static boolean serving() {
        return serving;
    }

    @Override
    public Integer call() {
        DataStore ds = StoreOption.of(spec).open();
        // An empty store serves an empty, valid registry from the first request on.
        ds.registry().rebuild();
        CofferServer server = new CofferServer(ds, host, port).start();
        serving = true;
        spec.commandLine().getOut().printf("Coffer is serving %s at http://%s:%d/ (Ctrl-C to stop)%n",
                ds.blobs().describe(), host, server.port());
        spec.commandLine().getOut().flush();
        // Jetty's threads keep the JVM alive; Ctrl-C / SIGTERM stop the server cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "coffer-shutdown"));
        return 0;
    }
}
