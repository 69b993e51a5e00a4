package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.Json;
import io.coffer.server.http.CofferServer;
import io.coffer.server.http.ServerSecurity;
import io.coffer.store.DataStore;
import io.coffer.store.fs.FileSystemBlobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real server on port 0 over a filesystem store and an in-memory H2 database, with an HTTP client that
 * logs in. The one place the hostile battery starts a server, so that it can be swapped for the shared
 * harness (ServeCommand's wiring) in one edit.
 */
public final class HostileServer implements AutoCloseable {
    public final Path dir;
    public final MetaDb db;
    public final DataStore store;
    public final Security sec;
    public final CofferServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A caller: a session (cookie + CSRF token), a bearer token, or nobody (all null). */
    public record Who(String cookie, String csrf, String bearer) {
        public static final Who ANONYMOUS = new Who(null, null, null);

        public static Who token(String secret) {
            return new Who(null, null, secret);
        }
    }

    public record Resp(int status, byte[] body, HttpResponse<byte[]> raw) {
        public JsonNode json() {
            return Json.parse(body, "response");
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public HostileServer() throws Exception {
        this(null);
    }

    /** {@code configure} may change the security settings before the server starts (null: defaults). */
    public HostileServer(java.util.function.UnaryOperator<ServerSecurity> configure) throws Exception {
        dir = Files.createTempDirectory("coffer-hostile");
        db = MetaDb.inMemory("hostile-" + System.nanoTime());
        store = new DataStore(new FileSystemBlobStore(dir.resolve("store")));
        sec = new Security(db, store);
        ServerSecurity s = new ServerSecurity(sec, 8L << 20, dir.resolve("uploads"), false, null);
        server = new CofferServer(store, configure == null ? s : configure.apply(s), "127.0.0.1", 0).start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    public void user(String name, boolean admin) {
        sec.accounts().createUser(Principal.SYSTEM, name, password(name).toCharArray(), admin);
    }

    public static String password(String user) {
        return "pw-" + user + "-long-enough";
    }

    public Who login(String user) throws Exception {
        Resp r = send("POST", "/api/auth/login", Who.ANONYMOUS, "application/json",
                Json.write(Json.object().put("user", user).put("password", password(user))));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String cookie = r.raw().headers().allValues("set-cookie").stream().filter(c -> c.startsWith("coffer_session="))
                .map(c -> c.substring("coffer_session=".length(), c.indexOf(';'))).findFirst().orElseThrow();
        return new Who(cookie, r.json().path("csrfToken").asText(), null);
    }

    public Resp get(String path, Who who, String... headers) throws Exception {
        return send("GET", path, who, null, null, headers);
    }

    public Resp json(String method, String path, Who who, JsonNode body) throws Exception {
        return send(method, path, who, "application/json", Json.write(body));
    }

    public Resp send(String method, String path, Who who, String contentType, byte[] body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (who.cookie() != null) {
            b.header("Cookie", "coffer_session=" + who.cookie());
            if (!method.equals("GET") && !method.equals("HEAD")) {
                b.header("X-CSRF-Token", who.csrf());
            }
        }
        if (who.bearer() != null) {
            b.header("Authorization", "Bearer " + who.bearer());
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Resp(r.statusCode(), r.body(), r);
    }

    /** A folder as a zip (the body of PUT /api/datasets/{o}/{n}). */
    public static byte[] zip(Path folder) throws java.io.IOException {
        return io.coffer.server.auth.Zips.tree(folder);
    }

    @Override
    public void close() throws Exception {
        server.close();
        store.close();
        db.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
