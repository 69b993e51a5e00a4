package io.coffer.importer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A tiny HTTP server on 127.0.0.1 serving byte arrays by path, with redirects; for import tests. */
final class LoopbackServer implements AutoCloseable {
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final HttpServer server;

    LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
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
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
