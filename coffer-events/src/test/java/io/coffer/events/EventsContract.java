package io.coffer.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.coffer.meta.Accounts;
import io.coffer.meta.ChangeLog;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Role;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.DatasetService;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.testing.Corpus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The change log, jobs, webhooks and reconciliation on a real metadata database: the same suite runs on
 * H2 and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EventsContract {
    /** Looked up when used, not in a static initializer: a missing corpus then fails the test with its message. */
    static Path pkg() {
        return Corpus.get("fdp03-labels-and-hierarchies");
    }
    static final Events.Config FAST = new Events.Config(new Worker.Config(2, Duration.ofSeconds(5),
            Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(400)), Duration.ofHours(1), false);

    MetaDb db;
    DataStore store;
    Security sec;
    final AtomicInteger counter = new AtomicInteger();

    abstract MetaDb open() throws Exception;

    abstract String urlForAnotherProcess() throws Exception;

    abstract boolean sharedBetweenProcesses();

    @BeforeAll
    void setUp() throws Exception {
        db = open();
        store = new DataStore(new InMemoryBlobStore("events-" + System.nanoTime()));
        sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "root", "root password 1".toCharArray(), true);
        sec.accounts().createUser(Principal.SYSTEM, "eve", "eve password 12".toCharArray(), false);
        sec.accounts().createUser(Principal.SYSTEM, "vic", "vic password 12".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("eve", false), "acme");
        sec.accounts().setMember(Principal.SYSTEM, "acme", "vic", Role.VIEWER);
    }

    @AfterAll
    void tearDown() throws Exception {
        db.close();
        store.close();
    }

    DatasetId fresh() {
        return DatasetId.of("acme", "ds" + counter.incrementAndGet());
    }

    Revision publish(DatasetId id, Visibility v) throws Exception {
        return sec.datasets().publish(Principal.session("eve", false), id, v, () -> new DatasetService.StagedPackage() {
            @Override
            public PackageSource source() {
                return PackageSource.directory(pkg());
            }

            @Override
            public void close() {
            }
        });
    }

    List<ChangeLog.Change> eventsOf(DatasetId id) {
        return sec.changes().since(0, 10_000).stream().filter(c -> id.equals(c.dataset())).toList();
    }

    // ------------------------------------------------------------------ the change log

    @Test
    void everyAcknowledgedPublishHasExactlyOneEventWithIncreasingIds() throws Exception {
        DatasetId id = fresh();
        List<Long> revisions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            revisions.add(publish(id, null).revision());
        }
        List<ChangeLog.Change> published = eventsOf(id).stream().filter(c -> c.type().equals(ChangeLog.PUBLISHED)).toList();
        assertThat(published).extracting(ChangeLog.Change::revision).containsExactlyElementsOf(revisions);
        assertThat(published).extracting(ChangeLog.Change::id).isSorted().doesNotHaveDuplicates();
        // Recording the same publish again (a retry, or reconciliation racing the publisher) is a no-op.
        assertThat(DatasetService.recordPublish(sec.changes(), sec.datasets().access(), id, revisions.get(0),
                java.time.Instant.now(), "test", false)).isFalse();
        assertThat(new Reconciler(store, sec.changes(), sec.datasets().access()).runOnce()).isZero();
        assertThat(eventsOf(id)).hasSize(3);
    }

    @Test
    void concurrentAppendsGetDistinctIdsInCommitOrder() throws Exception {
        int threads = 4;
        int each = 15;
        long before = sec.changes().lastId();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = t;
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    sec.changes().append(ChangeLog.Draft.account("test.ping", "t" + n, "test", Json.object().put("i", i)));
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        List<ChangeLog.Change> after = sec.changes().since(before, 10_000).stream()
                .filter(c -> c.type().equals("test.ping")).toList();
        assertThat(after).hasSize(threads * each);
        assertThat(after).extracting(ChangeLog.Change::id).doesNotHaveDuplicates().isSorted();
        assertThat(sec.changes().lastId()).isEqualTo(after.getLast().id());
    }

    @Test
    void visibilityDeleteAndAccountChangesAreRecorded() throws Exception {
        DatasetId id = fresh();
        publish(id, Visibility.PRIVATE);
        sec.datasets().setVisibility(Principal.session("eve", false), id, Visibility.PUBLIC);
        sec.datasets().setVisibility(Principal.session("eve", false), id, Visibility.PUBLIC); // no change: no event
        sec.datasets().delete(Principal.session("eve", false), id);
        assertThat(eventsOf(id)).extracting(ChangeLog.Change::type)
                .containsExactly(ChangeLog.PUBLISHED, ChangeLog.VISIBILITY, ChangeLog.DELETED);
        assertThat(eventsOf(id).getFirst().hidden()).isTrue();
        assertThat(eventsOf(id).get(1).data().path("visibility").asText()).isEqualTo("public");
        assertThat(sec.changes().since(0, 10_000)).extracting(ChangeLog.Change::type)
                .contains(ChangeLog.USER_CREATED, ChangeLog.ORG_CREATED, ChangeLog.MEMBER_SET);
    }

    @Test
    void anAccountChangeAndItsEventCommitTogether() throws Exception {
        long before = sec.changes().lastId();
        // The event cannot be written: the change must not happen either.
        db.jdbi().useHandle(h -> h.execute("ALTER TABLE events RENAME TO events_away"));
        try {
            assertThatThrownBy(() -> sec.accounts().createUser(Principal.SYSTEM, "tx-user", "tx password 123".toCharArray(),
                    false)).isNotNull();
            assertThatThrownBy(() -> sec.accounts().createOrg(Principal.session("eve", false), "tx-org")).isNotNull();
            assertThatThrownBy(() -> sec.accounts().setMember(Principal.SYSTEM, "acme", "root", Role.EDITOR)).isNotNull();
        } finally {
            db.jdbi().useHandle(h -> h.execute("ALTER TABLE events_away RENAME TO events"));
        }
        assertThat(sec.accounts().accounts().user("tx-user")).isEmpty();
        assertThat(sec.accounts().accounts().orgExists("tx-org")).isFalse();
        assertThat(sec.accounts().accounts().members("acme")).extracting(Accounts.Membership::user).doesNotContain("root");
        assertThat(sec.changes().lastId()).isEqualTo(before);
        // And with the log back, both happen.
        sec.accounts().createUser(Principal.SYSTEM, "tx-user", "tx password 123".toCharArray(), false);
        assertThat(sec.accounts().accounts().user("tx-user")).isPresent();
        assertThat(sec.changes().since(before, 10)).extracting(ChangeLog.Change::type).containsExactly(ChangeLog.USER_CREATED);
    }

    @Test
    void reconciliationRecordsAPublishWhoseEventWasLostAndNothingForARevisionThatNeverBecameLatest() throws Exception {
        DatasetId id = fresh();
        Revision first = publish(id, null);
        // The process "dies" between the store publish and its event: publish straight to the store.
        Revision orphan = store.publish(id, PackageSource.directory(pkg()));
        // A publish that dies before the ref switch never becomes latest.
        store.faultHook(step -> {
            if (step.equals("switch")) {
                throw new IllegalStateException("killed before the switch");
            }
        });
        try {
            assertThatThrownBy(() -> store.publish(id, PackageSource.directory(pkg()))).isInstanceOf(IllegalStateException.class);
        } finally {
            store.faultHook(null);
        }
        // A publish that loses the race (expected revision is stale) never becomes latest either.
        assertThatThrownBy(() -> store.publish(id, PackageSource.directory(pkg()), first.revision()))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));

        Reconciler r = new Reconciler(store, sec.changes(), sec.datasets().access());
        assertThat(r.runOnce()).isEqualTo(1);
        assertThat(r.runOnce()).isZero();
        List<ChangeLog.Change> published = eventsOf(id).stream().filter(c -> c.type().equals(ChangeLog.PUBLISHED)).toList();
        assertThat(published).extracting(ChangeLog.Change::revision).containsExactly(first.revision(), orphan.revision());
        assertThat(published.get(1).data().path("reconciled").asBoolean()).isTrue();
        assertThat(store.revisions(id)).hasSize(2);

        // A delete whose event was lost is found too.
        store.delete(id);
        assertThat(r.runOnce()).isEqualTo(1);
        assertThat(r.runOnce()).isZero();
        assertThat(eventsOf(id).getLast().type()).isEqualTo(ChangeLog.DELETED);
    }

    // ------------------------------------------------------------------ jobs

    @Test
    void concurrentWorkersRunEveryJobExactlyOnce() throws Exception {
        Jobs jobs = new Jobs(db);
        String type = "count-" + counter.incrementAndGet();
        int n = 30;
        for (int i = 0; i < n; i++) {
            assertThat(jobs.enqueue(type, "acme/x", i, 3)).isTrue();
            assertThat(jobs.enqueue(type, "acme/x", i, 3)).as("idempotent by (type, subject, revision)").isFalse();
        }
        Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
        JobHandler h = job -> runs.computeIfAbsent(job.revision(), k -> new AtomicInteger()).incrementAndGet();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(new Worker(jobs, Map.of(type, h), new Worker.Config(2, Duration.ofSeconds(30),
                    Duration.ofMillis(50), Duration.ofMillis(10), Duration.ofMillis(100))).start());
        }
        long deadline = System.currentTimeMillis() + 20_000;
        while (jobs.list(type).stream().anyMatch(j -> !j.state().equals("done")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        workers.forEach(Worker::close);
        assertThat(jobs.list(type)).hasSize(n).allSatisfy(j -> assertThat(j.state()).isEqualTo("done"));
        assertThat(runs).hasSize(n);
        assertThat(runs.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
    }

    @Test
    void anExpiredLeaseIsClaimedAgainAndTheOldHolderCanNoLongerComplete() throws Exception {
        Jobs jobs = new Jobs(db);
        String type = "lease-" + counter.incrementAndGet();
        jobs.enqueue(type, "acme/y", 1, 3);
        Jobs.Job a = jobs.claim("node-a", Set.of(type), Duration.ofMillis(300)).orElseThrow();
        assertThat(jobs.claim("node-b", Set.of(type), Duration.ofSeconds(30))).as("held by node-a").isEmpty();
        Thread.sleep(400);
        Jobs.Job b = jobs.claim("node-b", Set.of(type), Duration.ofSeconds(30)).orElseThrow();
        assertThat(b.id()).isEqualTo(a.id());
        assertThat(b.attempts()).isEqualTo(2);
        assertThat(jobs.complete(a)).as("node-a lost its lease").isFalse();
        assertThat(jobs.renew(a, Duration.ofSeconds(5))).isFalse();
        assertThat(jobs.complete(b)).isTrue();
        assertThat(jobs.find(type, "acme/y", 1).orElseThrow().state()).isEqualTo("done");
    }

    @Test
    void aJobRequeuedWhileRunningRunsOnceMoreAndItsCurrentRunCannotCompleteIt() throws Exception {
        Jobs jobs = new Jobs(db);
        String type = "requeue-" + counter.incrementAndGet();
        jobs.enqueue(type, "delivery:1", 0, 3);
        Jobs.Job first = jobs.claim("node-a", Set.of(type), Duration.ofSeconds(30)).orElseThrow();
        // A redelivery asked for while the delivery job is still finishing: it must not be lost.
        assertThat(requeue(jobs, type)).isTrue();
        assertThat(requeue(jobs, type)).as("queued already").isFalse();
        // The same node claims it again: the fence (node, attempt) still tells the two runs apart.
        Jobs.Job second = jobs.claim("node-a", Set.of(type), Duration.ofSeconds(30)).orElseThrow();
        assertThat(second.attempts()).isEqualTo(first.attempts() + 1);
        assertThat(second.maxAttempts()).isEqualTo(first.attempts() + 3);
        assertThat(jobs.complete(first)).as("the earlier run is fenced off").isFalse();
        assertThat(jobs.find(type, "delivery:1", 0).orElseThrow().state()).isEqualTo("running");
        assertThat(jobs.complete(second)).isTrue();
        assertThat(jobs.find(type, "delivery:1", 0).orElseThrow().state()).isEqualTo("done");
        // A finished job starts a new series of attempts.
        assertThat(requeue(jobs, type)).isTrue();
        assertThat(jobs.claim("node-b", Set.of(type), Duration.ofSeconds(30)).orElseThrow().attempts()).isEqualTo(1);
    }

    private boolean requeue(Jobs jobs, String type) {
        return db.jdbi().inTransaction(h -> jobs.requeue(h, type, "delivery:1", 0));
    }

    @Test
    void failedJobsAreRetriedWithBackoffAndGiveUpAfterTheirLastAttempt() throws Exception {
        Jobs jobs = new Jobs(db);
        String type = "flaky-" + counter.incrementAndGet();
        jobs.enqueue(type, "acme/z", 1, 3);
        jobs.enqueue(type, "acme/z", 2, 3);
        AtomicInteger calls = new AtomicInteger();
        Worker w = new Worker(jobs, Map.of(type, job -> {
            calls.incrementAndGet();
            if (job.revision() == 2 || job.attempts() < 2) {
                throw new IllegalStateException("boom " + job.attempts());
            }
        }), new Worker.Config(1, Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(150)));
        assertThat(w.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(w.backoff(2)).isEqualTo(Duration.ofMillis(150));
        assertThat(w.runOne()).isTrue();
        assertThat(w.runOne()).isTrue();
        assertThat(w.runOne()).as("both are backing off").isFalse();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && jobs.list(type).stream()
                .anyMatch(j -> !j.state().equals("done") && !j.state().equals("failed"))) {
            w.runOne();
            Thread.sleep(20);
        }
        assertThat(jobs.find(type, "acme/z", 1).orElseThrow()).satisfies(j -> {
            assertThat(j.state()).isEqualTo("done");
            assertThat(j.attempts()).isEqualTo(2);
        });
        assertThat(jobs.find(type, "acme/z", 2).orElseThrow()).satisfies(j -> {
            assertThat(j.state()).isEqualTo("failed");
            assertThat(j.attempts()).isEqualTo(3);
            assertThat(j.lastError()).contains("boom 3");
        });
        assertThat(calls.get()).isEqualTo(5);
    }

    @Test
    void aJobWhoseWorkerIsKilledMinus9IsFinishedExactlyOnceAfterTheRestart() throws Exception {
        String url = urlForAnotherProcess();
        Path marker = Files.createTempFile("coffer-crash-job", ".log");
        Files.delete(marker);
        MetaDb parent = MetaDb.open(url, null, null);
        new Jobs(parent).enqueue(CrashWorker.TYPE, "acme/crash", 7, 5);
        if (!sharedBetweenProcesses()) {
            parent.close();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), CrashWorker.class.getName(), url, marker.toString(), "1500")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            List<String> lines = new ArrayList<>();
            while ((line = out.readLine()) != null && !line.equals("working")) {
                lines.add(line);
            }
            assertThat(line).as("child output %s", lines).isEqualTo("working");
            Thread.sleep(200);
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readAllLines(marker)).containsExactly("start acme/crash 1");
        if (!sharedBetweenProcesses()) {
            parent = MetaDb.open(url, null, null);
        }
        try {
            Jobs jobs = new Jobs(parent);
            assertThat(jobs.find(CrashWorker.TYPE, "acme/crash", 7).orElseThrow().state()).isEqualTo("running");
            Worker w = new Worker(jobs, Map.of(CrashWorker.TYPE, CrashWorker.handler(marker, 50, () -> { })),
                    CrashWorker.config(Duration.ofSeconds(5)));
            long deadline = System.currentTimeMillis() + 20_000;
            while (!w.runOne() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100); // until the dead node's lease expires
            }
            assertThat(w.runOne()).as("nothing left").isFalse();
            w.close();
            assertThat(jobs.find(CrashWorker.TYPE, "acme/crash", 7).orElseThrow()).satisfies(j -> {
                assertThat(j.state()).isEqualTo("done");
                assertThat(j.attempts()).isEqualTo(2);
            });
            assertThat(Files.readAllLines(marker)).containsExactly("start acme/crash 1", "start acme/crash 2",
                    "done acme/crash 7");
        } finally {
            parent.close();
        }
    }

    // ------------------------------------------------------------------ webhooks

    /** A receiver on loopback that verifies signatures and applies each event once (deduplicated by id). */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<String> eventIds = Collections.synchronizedList(new ArrayList<>());
        final Set<String> applied = ConcurrentHashMap.newKeySet();
        final AtomicInteger sideEffects = new AtomicInteger();
        final AtomicInteger failFirst = new AtomicInteger();
        final List<Long> receivedAt = Collections.synchronizedList(new ArrayList<>());
        final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger badSignatures = new AtomicInteger();
        volatile String secret;
        volatile CountDownLatch latch = new CountDownLatch(1);

        Receiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                long now = System.nanoTime();
                String sig = ex.getRequestHeaders().getFirst("X-Coffer-Signature");
                String id = ex.getRequestHeaders().getFirst("X-Coffer-Event-Id");
                int status;
                if (sig == null || !sig.equals("sha256=" + Webhooks.sign(secret, body))) {
                    badSignatures.incrementAndGet();
                    status = 401;
                } else if (failFirst.getAndDecrement() > 0) {
                    status = 503;
                } else {
                    status = 204;
                    receivedAt.add(now);
                    eventIds.add(id);
                    bodies.add(Json.parse(body, "webhook"));
                    if (applied.add(id)) {
                        sideEffects.incrementAndGet();
                    }
                }
                ex.sendResponseHeaders(status, -1);
                ex.close();
                if (status == 204) {
                    latch.countDown();
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void aLoopbackReceiverGetsASignedPublishEventWithinOneSecondAndDuplicatesHaveNoSideEffects() throws Exception {
        DatasetId id = fresh();
        try (Receiver rx = new Receiver(); Events events = new Events(sec, store, FAST).start()) {
            Webhooks hooks = events.webhooks();
            // Editors may not target loopback; only an admin may allow it.
            assertThatThrownBy(() -> hooks.create(Principal.session("eve", false), "acme", id.name(), rx.url(), false))
                    .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
            assertThatThrownBy(() -> hooks.create(Principal.session("eve", false), "acme", id.name(), rx.url(), true))
                    .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
            assertThatThrownBy(() -> hooks.create(Principal.session("vic", false), "acme", null, "https://example.org/x", false))
                    .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
            Webhooks.Created created = hooks.create(Principal.session("root", true), "acme", id.name(), rx.url(), true);
            rx.secret = created.secret();
            assertThat(created.toString()).doesNotContain(created.secret());

            Revision rev = publish(id, null);
            long returned = System.nanoTime();
            assertThat(rx.latch.await(5, TimeUnit.SECONDS)).as("delivered").isTrue();
            long ms = TimeUnit.NANOSECONDS.toMillis(rx.receivedAt.getFirst() - returned);
            assertThat(ms).as("delivery latency in ms").isLessThan(1000);
            assertThat(rx.badSignatures.get()).isZero();
            JsonNode body = rx.bodies.getFirst();
            assertThat(body.path("type").asText()).isEqualTo(ChangeLog.PUBLISHED);
            assertThat(body.path("dataset").asText()).isEqualTo(id.toString());
            assertThat(body.path("revision").asLong()).isEqualTo(rev.revision());

            Webhooks.Delivery d = waitDelivered(hooks, created.hook().id());
            assertThat(d.attempts()).isEqualTo(1);
            // A duplicate run of the delivery job sends nothing (the delivery is done) ...
            events.webhooks().deliver(new Jobs.Job(0, Jobs.WEBHOOK, Webhooks.subject(d.id()), 0, 1, 8, "x"));
            // ... and an explicit redelivery sends the same event id again, which the receiver drops.
            rx.latch = new CountDownLatch(1);
            hooks.redeliver(Principal.session("eve", false), created.hook().id(), d.id());
            assertThat(rx.latch.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(rx.eventIds).hasSize(2).containsOnly(Long.toString(d.eventId()));
            assertThat(rx.sideEffects.get()).isEqualTo(1);
            waitDelivered(hooks, created.hook().id());
            assertThat(hooks.attempts(d.id())).hasSize(2);
        }
    }

    @Test
    void failedDeliveriesAreRetriedAndLogged() throws Exception {
        DatasetId id = fresh();
        try (Receiver rx = new Receiver(); Events events = new Events(sec, store, FAST).start()) {
            Webhooks.Created created = events.webhooks().create(Principal.session("root", true), "acme", id.name(), rx.url(), true);
            rx.secret = created.secret();
            rx.failFirst.set(2);
            publish(id, null);
            assertThat(rx.latch.await(10, TimeUnit.SECONDS)).isTrue();
            Webhooks.Delivery d = waitDelivered(events.webhooks(), created.hook().id());
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.lastStatus()).isEqualTo(204);
            assertThat(events.webhooks().attempts(d.id())).extracting(Webhooks.Attempt::status).containsExactly(503, 503, 204);
            assertThat(rx.sideEffects.get()).isEqualTo(1);
            // The owner sees the log; someone without a role there does not even see the webhook.
            assertThat(events.webhooks().deliveries(Principal.session("eve", false), created.hook().id(), 10)).hasSize(1);
            assertThatThrownBy(() -> events.webhooks().deliveries(Principal.session("vic", false), created.hook().id(), 10))
                    .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void aPublicOnlyTargetIsCheckedAgainAtEveryAttemptAndNothingIsSentWhenItFails() throws Exception {
        DatasetId id = fresh();
        try (Receiver rx = new Receiver(); Events events = new Events(sec, store, FAST).start()) {
            Webhooks.Created created = events.webhooks().create(Principal.session("root", true), "acme", id.name(), rx.url(), true);
            rx.secret = created.secret();
            // As if the subscription had been made public-only for a host that resolves to loopback now.
            db.jdbi().useHandle(h -> h.createUpdate("UPDATE webhooks SET allow_private = FALSE WHERE id = :id")
                    .bind("id", created.hook().id()).execute());
            publish(id, null);
            long deadline = System.currentTimeMillis() + 10_000;
            List<Webhooks.Delivery> ds = List.of();
            while ((ds.isEmpty() || ds.getFirst().attempts() == 0) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
                ds = events.webhooks().deliveries(Principal.SYSTEM, created.hook().id(), 10);
            }
            assertThat(ds).hasSize(1);
            assertThat(ds.getFirst().state()).isNotEqualTo("delivered");
            assertThat(ds.getFirst().lastError()).contains("refusing webhook target").contains("loopback");
            assertThat(rx.eventIds).isEmpty();
            assertThat(rx.badSignatures.get()).isZero();
        }
    }

    static Webhooks.Delivery waitDelivered(Webhooks hooks, String hookId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            List<Webhooks.Delivery> ds = hooks.deliveries(Principal.SYSTEM, hookId, 10);
            if (!ds.isEmpty() && ds.getFirst().state().equals("delivered")) {
                return ds.getFirst();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not delivered: " + hooks.deliveries(Principal.SYSTEM, hookId, 10));
    }

    @Test
    void aPublishQueuesOneAggregatesJobThatBuildsTheAggregatesAndRecordsThem() throws Exception {
        DatasetId id = fresh();
        Events.Config withAggregates = new Events.Config(FAST.worker(), Duration.ofHours(1), true);
        try (Events events = new Events(sec, store, withAggregates).start()) {
            Revision rev = publish(id, null);
            long deadline = System.currentTimeMillis() + 60_000;
            while (eventsOf(id).stream().noneMatch(c -> c.type().equals(ChangeLog.AGGREGATES_READY))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(eventsOf(id)).extracting(ChangeLog.Change::type)
                    .containsExactly(ChangeLog.PUBLISHED, ChangeLog.AGGREGATES_READY);
            Jobs.JobRow job = events.jobs().find(Jobs.AGGREGATES, id.toString(), rev.revision()).orElseThrow();
            assertThat(job.state()).isEqualTo("done");
            assertThat(store.blobs().list(io.coffer.engine.StaticAggregates.prefix(rev), 1000)).isNotEmpty();
            // Running it again (a duplicate) writes the same keys and records nothing new.
            try (AggregatesJob again = new AggregatesJob(store, sec.changes(), sec.datasets().access(), null)) {
                again.run(new Jobs.Job(job.id(), Jobs.AGGREGATES, id.toString(), rev.revision(), 2, 5, "x"));
            }
            assertThat(eventsOf(id)).hasSize(2);
            assertThat(new HashSet<>(events.jobs().list(Jobs.AGGREGATES))).filteredOn(j -> j.subject().equals(id.toString()))
                    .hasSize(1);
        }
    }
}
