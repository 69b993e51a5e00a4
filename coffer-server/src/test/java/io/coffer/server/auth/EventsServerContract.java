package io.coffer.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.coffer.events.Events;
import io.coffer.events.Webhooks;
import io.coffer.events.Worker;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Role;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.DatasetService;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.server.http.CofferServer;
import io.coffer.server.http.ServerSecurity;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;

/** The change log readers and webhooks over real HTTP, on H2 and on PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EventsServerContract {
    /** Looked up when used, not in a static initializer: a missing corpus then fails the test with its message. */
    static Path pkg() {
        return Corpus.get("fdp03-labels-and-hierarchies-dated");
    }
    static final DatasetId OPEN = DatasetId.of("acme", "open");
    static final DatasetId SECRET = DatasetId.of("acme", "secret");

    Path tmp;
    MetaDb db;
    DataStore store;
    Security sec;
    Events events;
    CofferServer server;
    final HttpClient http = HttpClient.newHttpClient();
    String[] admin;
    String[] editor;

    abstract MetaDb openDb() throws Exception;

    @BeforeAll
    void setUp() throws Exception {
        tmp = Files.createTempDirectory("coffer-events-server");
        db = openDb();
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "ada", "ada password 12".toCharArray(), true);
        sec.accounts().createUser(Principal.SYSTEM, "eddie", "eddie password 12".toCharArray(), false);
        sec.accounts().createOrg(Principal.SYSTEM, "acme");
        sec.accounts().setMember(Principal.SYSTEM, "acme", "eddie", Role.EDITOR);
        events = new Events(sec, store, new Events.Config(new Worker.Config(2, Duration.ofSeconds(10),
                Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(500)), Duration.ofHours(1), false)).start();
        server = new CofferServer(store, new ServerSecurity(sec, 4 << 20, tmp.resolve("uploads"), false, null)
                .withEvents(events), "127.0.0.1", 0).start();
        admin = login("ada", "ada password 12");
        editor = login("eddie", "eddie password 12");
        publish(OPEN, null);
        publish(SECRET, Visibility.PRIVATE);
    }

    @AfterAll
    void tearDown() throws Exception {
        server.close();
        events.close();
        store.close();
        db.close();
        try (Stream<Path> s = Files.walk(tmp)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    void publish(DatasetId id, Visibility v) throws Exception {
        sec.datasets().publish(Principal.session("eddie", false), id, v, () -> new DatasetService.StagedPackage() {
            @Override
            public PackageSource source() {
                return PackageSource.directory(pkg());
            }

            @Override
            public void close() {
            }
        });
    }

    String[] login(String user, String password) throws Exception {
        HttpResponse<byte[]> r = send("POST", "/api/auth/login", null, "application/json",
                Json.write(Json.object().put("user", user).put("password", password)));
        assertThat(r.statusCode()).isEqualTo(200);
        String cookie = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("coffer_session="))
                .map(c -> c.substring("coffer_session=".length(), c.indexOf(';'))).findFirst().orElseThrow();
        return new String[] {cookie, Json.parse(r.body(), "login").path("csrfToken").asText()};
    }

    HttpResponse<byte[]> send(String method, String path, String[] who, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (who != null) {
            b.header("Cookie", "coffer_session=" + who[0]);
            b.header("X-CSRF-Token", who[1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode json(HttpResponse<byte[]> r) {
        return Json.parse(r.body(), "response");
    }

    List<String> datasetsIn(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("changes").forEach(c -> {
            if (c.has("dataset")) {
                out.add(c.path("dataset").asText());
            }
        });
        return out;
    }

    @Test
    void theChangesApiPagesAndHidesPrivateDatasetsFromOutsiders() throws Exception {
        JsonNode anon = json(send("GET", "/api/changes?since=0&limit=1000", null, null, null));
        assertThat(datasetsIn(anon)).contains(OPEN.toString()).doesNotContain(SECRET.toString());
        assertThat(anon.path("changes").findValues("type").stream().map(JsonNode::asText))
                .as("account events are for admins").doesNotContain("user.created");
        JsonNode member = json(send("GET", "/api/changes?since=0&limit=1000", editor, null, null));
        assertThat(datasetsIn(member)).contains(OPEN.toString(), SECRET.toString());
        JsonNode adminPage = json(send("GET", "/api/changes?since=0&limit=1000", admin, null, null));
        assertThat(adminPage.path("changes").findValues("type").stream().map(JsonNode::asText)).contains("user.created");

        // Paging: one at a time, following "next", yields the same events as one big page.
        List<Long> paged = new ArrayList<>();
        long since = 0;
        for (int i = 0; i < 100; i++) {
            JsonNode p = json(send("GET", "/api/changes?since=" + since + "&limit=1", editor, null, null));
            p.path("changes").forEach(c -> paged.add(c.path("id").asLong()));
            since = p.path("next").asLong();
            if (!p.path("more").asBoolean()) {
                break;
            }
        }
        List<Long> all = new ArrayList<>();
        member.path("changes").forEach(c -> all.add(c.path("id").asLong()));
        assertThat(paged).isEqualTo(all);

        HttpResponse<byte[]> bad = send("GET", "/api/changes?since=abc", null, null, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("content-type")).hasValue("application/problem+json");
    }

    @Test
    void theStreamResumesFromLastEventId() throws Exception {
        JsonNode page = json(send("GET", "/api/changes?since=0&limit=1000", null, null, null));
        long first = page.path("changes").get(0).path("id").asLong();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/changes/stream"))
                .header("Accept", "text/event-stream").header("Last-Event-ID", Long.toString(first)).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        DatasetId later = DatasetId.of("acme", "later");
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        List<String> data = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch sawLater = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("id:")) {
                        ids.add(line.substring(3).trim());
                    } else if (line.startsWith("data:")) {
                        data.add(line.substring(5).trim());
                        if (line.contains(later.toString())) {
                            sawLater.countDown();
                            return;
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // closed
            }
        });
        publish(later, null);
        assertThat(sawLater.await(10, TimeUnit.SECONDS)).as("stream delivered the new publish").isTrue();
        r.body().close();
        reader.join(5000);
        assertThat(ids).isNotEmpty();
        assertThat(Long.parseLong(ids.getFirst())).as("resumed after Last-Event-ID").isGreaterThan(first);
        assertThat(ids.stream().map(Long::parseLong).toList()).isSorted();
        assertThat(String.join("\n", data)).doesNotContain(SECRET.toString());
    }

    @Test
    void theAtomFeedIsWellFormedAndListsOnlyVisiblePublishes() throws Exception {
        HttpResponse<byte[]> r = send("GET", "/changes.atom", null, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/atom+xml");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("feed");
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(text).contains(OPEN + " revision 1").doesNotContain(SECRET.toString());
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry").getLength()).isBetween(1, 50);
        String member = new String(send("GET", "/changes.atom", editor, null, null).body(), StandardCharsets.UTF_8);
        assertThat(member).contains(SECRET.toString());
    }

    @Test
    void aWebhookOnLoopbackGetsAnHttpPublishWithinOneSecondSigned() throws Exception {
        List<Long> received = Collections.synchronizedList(new ArrayList<>());
        List<String> signatures = Collections.synchronizedList(new ArrayList<>());
        List<byte[]> bodies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch got = new CountDownLatch(1);
        HttpServer rx = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rx.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(System.nanoTime());
            signatures.add(ex.getRequestHeaders().getFirst("X-Coffer-Signature"));
            bodies.add(body);
            ex.sendResponseHeaders(200, -1);
            ex.close();
            got.countDown();
        });
        rx.start();
        try {
            String url = "http://127.0.0.1:" + rx.getAddress().getPort() + "/hook";
            // An editor may not point a webhook at loopback; an admin may allow it.
            HttpResponse<byte[]> refused = send("POST", "/api/webhooks", editor, "application/json",
                    Json.write(Json.object().put("owner", "acme").put("url", url)));
            assertThat(refused.statusCode()).isEqualTo(403);
            HttpResponse<byte[]> created = send("POST", "/api/webhooks", admin, "application/json",
                    Json.write(Json.object().put("owner", "acme").put("dataset", "hooked").put("url", url)
                            .put("allowPrivate", true)));
            assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
            String id = json(created).path("id").asText();
            String secret = json(created).path("secret").asText();
            assertThat(secret).startsWith("whsec_");
            JsonNode listed = json(send("GET", "/api/webhooks?owner=acme", editor, null, null));
            assertThat(listed.toString()).contains(id).doesNotContain(secret);
            assertThat(send("GET", "/api/webhooks?owner=acme", null, null, null).statusCode()).isEqualTo(401);

            HttpResponse<byte[]> pub = send("PUT", "/api/datasets/acme/hooked", editor, "application/zip", Zips.of(pkg()));
            long returned = System.nanoTime();
            assertThat(pub.statusCode()).isEqualTo(201);
            assertThat(got.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(received.getFirst() - returned)).as("ms after the publish returned")
                    .isLessThan(1000);
            assertThat(signatures.getFirst()).isEqualTo("sha256=" + Webhooks.sign(secret, bodies.getFirst()));
            assertThat(Json.parse(bodies.getFirst(), "hook").path("dataset").asText()).isEqualTo("acme/hooked");

            JsonNode log = null;
            for (int i = 0; i < 50; i++) {
                log = json(send("GET", "/api/webhooks/" + id + "/deliveries", editor, null, null));
                if (log.path("deliveries").path(0).path("state").asText().equals("delivered")) {
                    break;
                }
                Thread.sleep(50);
            }
            JsonNode d = log.path("deliveries").get(0);
            assertThat(d.path("state").asText()).isEqualTo("delivered");
            assertThat(d.path("log")).hasSize(1);
            HttpResponse<byte[]> again = send("POST", "/api/webhooks/" + id + "/deliveries/" + d.path("id").asLong()
                    + "/redeliver", editor, null, null);
            assertThat(again.statusCode()).isEqualTo(202);
            long deadline = System.currentTimeMillis() + 5000;
            while (received.size() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(received).hasSize(2);
            assertThat(bodies.get(1)).isEqualTo(bodies.getFirst());
            assertThat(send("DELETE", "/api/webhooks/" + id, editor, null, null).statusCode()).isEqualTo(204);
            assertThat(send("GET", "/api/webhooks/" + id + "/deliveries", editor, null, null).statusCode()).isEqualTo(404);
        } finally {
            rx.stop(0);
        }
    }
}
