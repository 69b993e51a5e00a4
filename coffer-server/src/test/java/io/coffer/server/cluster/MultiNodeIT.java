package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.events.Jobs;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.Security;
import io.coffer.model.Json;
import io.coffer.server.auth.Zips;
import io.coffer.store.DataStore;
import io.coffer.store.Stores;
import io.coffer.testing.Corpus;
import io.coffer.testing.Postgres;
import io.coffer.testing.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Coffer processes ({@code coffer serve}, each its own JVM with its own temporary directory, as on two
 * machines) on loopback, sharing one S3 endpoint (S3Proxy, in this JVM) and one PostgreSQL (embedded):
 * what one node publishes the other serves; of two publishes racing from the same revision exactly one
 * wins and the other gets 409; every background job runs exactly once across the cluster; and when a node
 * is killed with SIGKILL in the middle of a job, the other node takes the job over once its lease runs out.
 * The tests run in order and share the cluster; the last one kills a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT {
    private static final String BUCKET = "coffer";
    private static final String STORE = "s3://" + BUCKET + "/cluster";
    private static final Pattern SERVING = Pattern.compile("Coffer is serving .* at (http://127\\.0\\.0\\.1:\\d+)/");
    private static final Pattern JOB_STARTED = Pattern.compile(
            "job (\\d+) \\((\\S+) (\\S+) revision (\\d+)\\) attempt (\\d+) started on (\\S+)");

    private S3ProxyServer s3;
    private MetaDb db;
    private DataStore store;
    private Jobs jobs;
    private Path tmp;
    private String databaseUrl;
    private String token;
    private Node a;
    private Node b;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** One {@code coffer serve} child process. */
    final class Node implements AutoCloseable {
        final String name;
        final Process process;
        final Path log;
        final String url;

        Node(String name) throws Exception {
            this.name = name;
            Path home = Files.createDirectories(tmp.resolve(name));
            log = home.resolve("node.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1",
                    "-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("tmp")),
                    "-cp", System.getProperty("java.class.path"), "io.coffer.server.cli.CofferCli",
                    "serve", "--host", "127.0.0.1", "--port", "0", "--store", STORE, "--database", databaseUrl,
                    // A short lease so that the kill -9 test does not wait a minute for the takeover.
                    "--job-lease", "3s", "--job-poll", "200ms")
                    .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("COFFER_"));
            pb.environment().putAll(s3.environment());
            process = pb.start();
            url = awaitServing();
        }

        private String awaitServing() throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                Matcher m = SERVING.matcher(logText());
                if (m.find()) {
                    return m.group(1);
                }
                if (!process.isAlive()) {
                    throw new AssertionError("node " + name + " exited with " + process.exitValue() + ":\n" + logText());
                }
                Thread.sleep(100);
            }
            throw new AssertionError("node " + name + " did not start:\n" + logText());
        }

        String logText() {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "";
            }
        }

        /** The jobs this node started, as (job id, attempt) pairs, from its log. */
        List<long[]> started() {
            List<long[]> out = new ArrayList<>();
            Matcher m = JOB_STARTED.matcher(logText());
            while (m.find()) {
                out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(5))});
            }
            return out;
        }

        /** Whether a job's {@code locked_by} (host/pid/suffix) names this process. */
        boolean holds(Jobs.JobRow j) {
            return j.lockedBy() != null && j.lockedBy().contains("/" + process.pid() + "/");
        }

        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    record Resp(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            return Json.parse(body.getBytes(StandardCharsets.UTF_8), "response");
        }
    }

    @BeforeAll
    void startCluster() throws Exception {
        tmp = Files.createTempDirectory("coffer-cluster");
        s3 = new S3ProxyServer();
        s3.createBucket(BUCKET);
        databaseUrl = Postgres.newDatabaseUrl("cluster");
        // Accounts are set up once in the shared database, as an operator would with `coffer user`.
        db = MetaDb.open(databaseUrl, null, null);
        store = Stores.open(STORE, s3.config());
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "alice", "correct horse battery".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("alice", false), "city");
        token = sec.accounts().createToken(Principal.SYSTEM, "alice", Scope.PUBLISH, "city", null, null, "cluster")
                .secret();
        jobs = new Jobs(db);
        ExecutorService starter = Executors.newFixedThreadPool(2);
        try {
            Future<Node> fa = starter.submit(() -> new Node("a"));
            Future<Node> fb = starter.submit(() -> new Node("b"));
            a = fa.get();
            b = fb.get();
        } finally {
            starter.shutdown();
        }
    }

    @AfterAll
    void stopCluster() throws Exception {
        for (Node n : new Node[] {a, b}) {
            if (n != null) {
                n.close();
            }
        }
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
        if (s3 != null) {
            s3.close();
        }
        try (Stream<Path> s = Files.walk(tmp)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void aPublishOnOneNodeIsServedByTheOther() throws Exception {
        byte[] zip = Zips.tree(Corpus.get("ukgov-cra-sample"));
        Resp put = publish(a, "cra", zip, Map.of());
        assertThat(put.status()).as(put.body()).isEqualTo(201);
        assertThat(put.json().path("revision").asLong()).isEqualTo(1);

        // Node B has no cache of its own to invalidate: it reads the shared store.
        Resp onB = get(b, "/api/datasets/city/cra");
        assertThat(onB.status()).as(onB.body()).isEqualTo(200);
        Resp onA = get(a, "/api/datasets/city/cra");
        assertThat(onB.json().path("revision").asLong()).isEqualTo(1);
        assertThat(onB.json().path("files")).isEqualTo(onA.json().path("files"));
        assertThat(onB.raw().headers().firstValue("ETag")).contains("\"r1\"");

        // The files, byte for byte, as published.
        byte[] original = Files.readAllBytes(Corpus.get("ukgov-cra-sample").resolve("dataset.csv"));
        HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(b.url + "/datasets/city/cra/dataset.csv"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(original);

        // The registry and the babbage API on B know it too, with the same figures as A computes.
        Resp catalog = get(b, "/registry/data/catalog.csv");
        assertThat(catalog.body()).contains("cra,city");
        Resp aggB = get(b, "/api/3/cubes/city:cra/aggregate");
        Resp aggA = get(a, "/api/3/cubes/city:cra/aggregate");
        assertThat(aggB.status()).as(aggB.body()).isEqualTo(200);
        assertThat(aggB.json().path("summary")).isEqualTo(aggA.json().path("summary"));
        assertThat(aggB.json().path("summary").size()).isPositive();
    }

    @Test
    @Order(2)
    void ofTwoPublishesRacingFromOneRevisionExactlyOneWins() throws Exception {
        byte[] zip = Zips.tree(Corpus.get("ukgov-cra-sample"));
        // Creating: If-None-Match: * on both nodes at once.
        List<Resp> create = race("cra-race", zip, Map.of("If-None-Match", "*"));
        assertThat(create).extracting(Resp::status).containsExactlyInAnyOrder(201, 409);
        assertProblem(create);
        long latest = 1;
        // Updating: both send If-Match with the ETag they read, in several rounds.
        for (int round = 0; round < 4; round++) {
            Resp show = get(round % 2 == 0 ? a : b, "/api/datasets/city/cra-race");
            String etag = show.raw().headers().firstValue("ETag").orElseThrow();
            assertThat(etag).isEqualTo("\"r" + latest + "\"");
            List<Resp> results = race("cra-race", zip, Map.of("If-Match", etag));
            assertThat(results).as("round %d", round).extracting(Resp::status).containsExactlyInAnyOrder(201, 409);
            assertProblem(results);
            latest++;
            long won = results.stream().filter(r -> r.status() == 201).findFirst().orElseThrow().json()
                    .path("revision").asLong();
            assertThat(won).isEqualTo(latest);
        }
        // Both nodes see the same history: one revision per round, none from a loser.
        for (Node n : new Node[] {a, b}) {
            JsonNode revs = get(n, "/api/datasets/city/cra-race/revisions").json().path("revisions");
            assertThat(revs.size()).isEqualTo(5);
            assertThat(revs.get(0).path("revision").asLong()).isEqualTo(5);
        }
        // A stale ETag is refused before the upload is read.
        Resp stale = publish(b, "cra-race", zip, Map.of("If-Match", "\"r2\""));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body()).contains("is at revision 5, not 2");

        // Without a precondition, racing publishes never both claim one number: each 201 is its own revision.
        List<Resp> free = race("cra-race", zip, Map.of());
        assertThat(free).extracting(Resp::status).allMatch(s -> s == 201 || s == 409).contains(201);
        long wins = free.stream().filter(r -> r.status() == 201).count();
        assertThat(free.stream().filter(r -> r.status() == 201).map(r -> r.json().path("revision").asLong()).distinct())
                .hasSize((int) wins);
        System.out.println("multi-node: racing publishes without a precondition: " + free.stream()
                .map(Resp::status).toList());
        assertThat(get(a, "/api/datasets/city/cra-race/revisions").json().path("revisions").size())
                .isEqualTo(5 + (int) wins);
    }

    @Test
    @Order(3)
    void everyJobRunsExactlyOnceAcrossTheCluster() throws Exception {
        // A few more publishes, alternating between the nodes, so that both dispatch and both work.
        Path fdp = Corpus.get("fdp03-labels-and-hierarchies-dated");
        for (int i = 0; i < 4; i++) {
            Resp r = publish(i % 2 == 0 ? a : b, "labels-" + i, Zips.tree(fdp), Map.of());
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        awaitTrue("every job finished", Duration.ofSeconds(120), () -> allJobs().stream()
                .allMatch(j -> j.state().equals("done")) && allJobs().size() >= 2 * 4);

        List<Jobs.JobRow> all = allJobs();
        // One aggregates and one history job per dataset publish the dispatcher saw as current.
        for (String t : List.of(Jobs.AGGREGATES, "history")) {
            for (int i = 0; i < 4; i++) {
                String subject = "city/labels-" + i;
                assertThat(all).filteredOn(j -> j.type().equals(t) && j.subject().equals(subject)).hasSize(1);
            }
            assertThat(all).filteredOn(j -> j.type().equals(t) && j.subject().equals("city/cra")).hasSize(1);
        }
        // Claimed once, run once: one attempt each in the table, one "started" line across both nodes' logs.
        assertThat(all).allSatisfy(j -> assertThat(j.attempts()).as("job %d", j.id()).isEqualTo(1));
        Map<Long, Integer> starts = new HashMap<>();
        for (Node n : new Node[] {a, b}) {
            for (long[] s : n.started()) {
                starts.merge(s[0], 1, Integer::sum);
            }
        }
        for (Jobs.JobRow j : all) {
            assertThat(starts.get(j.id())).as("starts of job %d (%s %s)", j.id(), j.type(), j.subject()).isEqualTo(1);
        }
        assertThat(starts.keySet()).hasSize(all.size());
        System.out.printf("multi-node: %d jobs, node a started %d, node b started %d%n", all.size(),
                a.started().size(), b.started().size());
        // And each revision's aggregates were announced once.
        JsonNode changes = get(b, "/api/changes?limit=1000").json().path("changes");
        Map<String, Integer> ready = new HashMap<>();
        changes.forEach(c -> {
            if (c.path("type").asText().equals("aggregates.ready")) {
                ready.merge(c.path("dataset").asText() + "@" + c.path("revision").asLong(), 1, Integer::sum);
            }
        });
        assertThat(ready).isNotEmpty().allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(1));
        assertThat(ready).containsKeys("city/labels-0@1", "city/labels-3@1", "city/cra@1");
    }

    @Test
    @Order(4)
    void aNodeKilledInTheMiddleOfAJobIsTakenOverByTheOther() throws Exception {
        // Reads of the new dataset's data files are held at the S3 endpoint: whichever node claims its
        // aggregates job stops inside it, deterministically.
        Node victim;
        Node survivor;
        Jobs.JobRow held;
        try (S3ProxyServer.Hold hold = s3.holdReads(k -> k.contains("datasets/city/madrid/revisions/")
                && k.endsWith(".csv"))) {
            Resp r = publish(a, "madrid", Zips.tree(Corpus.get("demo-madrid-municipal-gastos")), Map.of());
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            awaitTrue("the aggregates job of madrid running and held", Duration.ofSeconds(60), () ->
                    hold.held() > 0 && jobs.find(Jobs.AGGREGATES, "city/madrid", 1)
                            .map(j -> j.state().equals("running")).orElse(false));
            held = jobs.find(Jobs.AGGREGATES, "city/madrid", 1).orElseThrow();
            victim = a.holds(held) ? a : b;
            survivor = victim == a ? b : a;
            assertThat(victim.holds(held)).as("held by one of the nodes: %s", held.lockedBy()).isTrue();
            assertThat(held.attempts()).isEqualTo(1);

            victim.process.destroyForcibly(); // SIGKILL: no shutdown hook, no lease released
            assertThat(victim.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(victim.process.exitValue()).isEqualTo(137);
        }

        awaitTrue("the job taken over and finished", Duration.ofSeconds(60), () ->
                jobs.find(Jobs.AGGREGATES, "city/madrid", 1).map(j -> j.state().equals("done")).orElse(false)
                        && jobs.find("history", "city/madrid", 1).map(j -> j.state().equals("done")).orElse(false));
        Jobs.JobRow done = jobs.find(Jobs.AGGREGATES, "city/madrid", 1).orElseThrow();
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(survivor.holds(done)).as("finished by the survivor: %s", done.lockedBy()).isTrue();
        assertThat(survivor.started()).anySatisfy(s -> assertThat(s).containsExactly(held.id(), 2));

        // The survivor serves the dataset with the aggregates the job built (announced exactly once).
        JsonNode changes = get(survivor, "/api/changes?limit=1000").json().path("changes");
        long readies = 0;
        for (JsonNode c : changes) {
            if (c.path("type").asText().equals("aggregates.ready") && c.path("dataset").asText().equals("city/madrid")) {
                readies++;
            }
        }
        assertThat(readies).isEqualTo(1);
        Resp agg = get(survivor, "/api/3/cubes/city:madrid/aggregate");
        assertThat(agg.status()).as(agg.body()).isEqualTo(200);
        String prefix = io.coffer.engine.StaticAggregates.prefix(store.revision(io.coffer.model.DatasetId.of("city",
                "madrid"), 1L));
        assertThat(store.blobs().list(prefix, 10_000)).isNotEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private List<Jobs.JobRow> allJobs() {
        List<Jobs.JobRow> all = new ArrayList<>(jobs.list(Jobs.AGGREGATES));
        all.addAll(jobs.list("history"));
        return all;
    }

    /** Two publishes of one dataset, one on each node, released at the same moment. */
    private List<Resp> race(String name, byte[] zip, Map<String, String> headers) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Resp>> calls = new ArrayList<>();
            for (Node n : new Node[] {a, b}) {
                calls.add(() -> {
                    start.await();
                    return publish(n, name, zip, headers);
                });
            }
            List<Resp> out = new ArrayList<>();
            for (Future<Resp> f : pool.invokeAll(calls)) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private static void assertProblem(List<Resp> results) {
        for (Resp r : results) {
            if (r.status() == 409) {
                assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(ct ->
                        assertThat(ct).startsWith("application/problem+json"));
                assertThat(r.json().path("code").asText()).isEqualTo("conflict");
            }
        }
    }

    private Resp publish(Node n, String name, byte[] zip, Map<String, String> headers) throws Exception {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(n.url + "/api/datasets/city/" + name))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/zip")
                .timeout(Duration.ofMinutes(2)).PUT(HttpRequest.BodyPublishers.ofByteArray(zip));
        headers.forEach(rb::header);
        HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.body(), r);
    }

    private Resp get(Node n, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.url + path))
                .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.body(), r);
    }

    private void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "\njobs: " + allJobs()
                        + "\n--- node a:\n" + tail(a) + "\n--- node b:\n" + tail(b));
            }
            Thread.sleep(100);
        }
    }

    private static String tail(Node n) {
        String t = n == null ? "" : n.logText();
        return t.length() > 6000 ? t.substring(t.length() - 6000) : t;
    }
}
