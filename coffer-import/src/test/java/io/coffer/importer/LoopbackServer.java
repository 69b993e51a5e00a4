package io.coffer.importer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny HTTP server on 127.0.0.1 serving byte arrays by path, with redirects; for import tests. */
final class LoopbackServer implements AutoCloseable {
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final Map<String, String> redirects = new ConcurrentHashMap<>();
    /** Requests received, of any method and path. */
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;

    LoopbackServer() throws IOException {
        this("127.0.0.1", 0);
    }

    /** On another loopback address or a given port (0: any free one). */
    LoopbackServer(String address, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            String path = ex.getRequestURI().getPath();
            String to = redirects.get(path);
            if (to != null) {
                ex.getResponseHeaders().add("Location", to);
                ex.sendResponseHeaders(302, -1);
                ex.close();
                return;
            }
            byte[] body = files.get(path);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    URI url(String path) {
        return url("127.0.0.1", path);
    }

    /** A URL naming {@code host} (which tests may resolve to this server's address) and this server's port. */
    URI url(String host, String path) {
        return URI.create("http://" + host + ":" + port() + path);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
