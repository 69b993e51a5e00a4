package io.coffer.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.coffer.store.RevisionInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The versioned-dataset behaviour every backend must give: immutable checksummed revisions, one atomic
 * switch per publish, exactly one winner among concurrent publishers, and no torn state after a failure
 * at any step of a publish.
 */
public abstract class DataStoreContract {
    protected DataStore store;

    /** A DataStore over a new, empty backend. */
    protected abstract DataStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() throws Exception {
        store.faultHook(null);
        store.close();
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void publishedFilesReadBackIdenticalAndRevisionsStayReadable() throws Exception {
        DatasetId id = DatasetId.of("contract", "roundtrip");
        Revision r1 = store.publish(id, TestPackages.stamped("alice", 1, 50));
        Revision r2 = store.publish(id, TestPackages.stamped("bob", 2, 70));
        assertThat(r1.revision()).isEqualTo(1);
        assertThat(r2.revision()).isEqualTo(2);
        assertThat(store.revisions(id)).extracting(RevisionInfo::revision).containsExactly(1L, 2L);
        assertThat(read(store.open(store.revision(id, null), "data/spending.csv")))
                .isEqualTo(TestPackages.csv("bob", 2, 70));
        assertThat(read(store.open(store.revision(id, 1L), "data/spending.csv")))
                .isEqualTo(TestPackages.csv("alice", 1, 50));
        assertThat(read(store.open(store.revision(id, 1L), "datapackage.json")))
                .isEqualTo(TestPackages.DESCRIPTOR.getBytes(StandardCharsets.UTF_8));
        assertThat(store.verify(store.revision(id, 1L))).isEmpty();
        assertThat(store.revision(id, null).files()).extracting(f -> f.path())
                .containsExactly("datapackage.json", "data/spending.csv");
        assertThat(store.revision(id, null).file("data/spending.csv").orElseThrow().sha256()).hasSize(64);
        assertThatThrownBy(() -> store.revision(id, 3L)).isInstanceOf(CofferException.class)
                .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void listRegistryAndDelete() {
        DatasetId a = DatasetId.of("gov-a", "budget");
        DatasetId b = DatasetId.of("gov-b", "spending_2024");
        store.publish(a, TestPackages.stamped("a", 1, 3));
        store.publish(b, TestPackages.stamped("b", 1, 3));
        assertThat(store.list()).containsExactly(a, b);
        assertThat(store.registry().entries()).containsOnlyKeys(a, b);
        assertThat(store.registry().entries().get(a)).isEqualTo("datasets/gov-a/budget/datapackage.json");
        store.delete(a);
        assertThat(store.list()).containsExactly(b);
        assertThat(store.registry().entries()).containsOnlyKeys(b);
        assertThat(store.exists(a)).isFalse();
        assertThatThrownBy(() -> store.revision(a, null)).isInstanceOf(CofferException.class);
        assertThatThrownBy(() -> store.delete(a)).isInstanceOf(CofferException.class);
        // Republishing after a delete never reuses a revision number: caches keyed by number stay right.
        Revision again = store.publish(a, TestPackages.stamped("a2", 1, 3));
        assertThat(again.revision()).isEqualTo(2);
        assertThat(store.revisions(a)).extracting(RevisionInfo::revision).containsExactly(2L);
        assertThat(store.registry().rebuild()).isEqualTo(2);
        assertThat(store.registry().entries()).containsOnlyKeys(a, b);
    }

    @Test
    void expectedLatestGuardsAgainstStaleWriters() {
        DatasetId id = DatasetId.of("contract", "guarded");
        store.publish(id, TestPackages.stamped("x", 1, 1), 0L);
        assertThatThrownBy(() -> store.publish(id, TestPackages.stamped("y", 1, 1), 0L))
                .isInstanceOf(CofferException.class)
                .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(store.publish(id, TestPackages.stamped("y", 2, 1), 1L).revision()).isEqualTo(2);
    }

    /**
     * Rounds of 8 publishers that all read the same latest revision: exactly one wins each round, the
     * others get a conflict, and the history holds every winner, in order, with nothing lost.
     */
    @Test
    void concurrentPublishesFromEightThreadsHaveExactlyOneWinnerPerRound() throws Exception {
        DatasetId id = DatasetId.of("contract", "race");
        int threads = 8;
        int rounds = 10;
        List<String> winners = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 1; round <= rounds; round++) {
                long expected = round - 1;
                CyclicBarrier start = new CyclicBarrier(threads);
                AtomicInteger wins = new AtomicInteger();
                AtomicInteger conflicts = new AtomicInteger();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String writer = "t" + t;
                    long seq = round;
                    fs.add(pool.submit(() -> {
                        start.await();
                        try {
                            store.publish(id, TestPackages.stamped(writer, seq, 20), expected);
                            wins.incrementAndGet();
                            winners.add(writer + "#" + seq);
                        } catch (CofferException e) {
                            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                            conflicts.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                assertThat(wins.get()).as("winners in round %d", round).isEqualTo(1);
                assertThat(conflicts.get()).as("conflicts in round %d", round).isEqualTo(threads - 1);
            }
        } finally {
            pool.shutdownNow();
        }
        List<RevisionInfo> revs = store.revisions(id);
        assertThat(revs).extracting(RevisionInfo::revision)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, rounds).boxed().toList());
        List<String> published = new ArrayList<>();
        for (RevisionInfo r : revs) {
            Revision rev = store.revision(id, r.revision());
            assertThat(store.verify(rev)).isEmpty();
            published.add(TestPackages.writerOf(read(store.open(rev, "data/spending.csv"))));
        }
        assertThat(published).containsExactlyElementsOf(winners);
    }

    /** Blind publishers retrying on conflict: every publish lands as its own revision. */
    @Test
    void retryingPublishersLoseNoUpdate() throws Exception {
        DatasetId id = DatasetId.of("contract", "retry");
        int threads = 8;
        int each = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String writer = "w" + t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            try {
                                store.publish(id, TestPackages.stamped(writer, i, 5));
                                break;
                            } catch (CofferException e) {
                                assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> all = new ArrayList<>();
        for (RevisionInfo r : store.revisions(id)) {
            all.add(TestPackages.writerOf(read(store.open(store.revision(id, r.revision()), "data/spending.csv"))));
        }
        assertThat(all).hasSize(threads * each).doesNotHaveDuplicates();
    }

    /**
     * A publish that dies at a random step (simulated in-process: the step throws) leaves the previous
     * revision as latest, complete and matching its checksums, 50 times over.
     */
    @Test
    void aPublishFailingAtAnyStepLeavesThePreviousRevisionIntact() throws Exception {
        DatasetId id = DatasetId.of("contract", "faults");
        store.publish(id, TestPackages.stamped("base", 0, 10));
        Random random = new Random(42);
        long latest = 1;
        String[] steps = {"descriptor", "file:data/spending.csv", "manifest", "switch"};
        for (int i = 1; i <= 50; i++) {
            String failAt = steps[random.nextInt(steps.length)];
            store.faultHook(step -> {
                if (step.equals(failAt)) {
                    throw new IllegalStateException("simulated crash at " + step);
                }
            });
            assertThatThrownBy(() -> store.publish(id, TestPackages.stamped("crash", 1, 10)))
                    .hasMessageContaining("simulated crash");
            store.faultHook(null);
            Revision rev = store.revision(id, null);
            assertThat(rev.revision()).isEqualTo(latest);
            assertThat(store.verify(rev)).isEmpty();
            if (random.nextBoolean()) {
                latest = store.publish(id, TestPackages.stamped("ok", i, 10)).revision();
            }
        }
    }

    @Test
    void brokenPackagesAreRefusedNamingTheField() {
        DatasetId id = DatasetId.of("contract", "broken");
        String descriptor = TestPackages.DESCRIPTOR.replace("\"name\": \"seq\"", "\"name\": \"sequence\"");
        var src = io.coffer.store.PackageSource.of(descriptor.getBytes(StandardCharsets.UTF_8),
                java.util.Map.of("data/spending.csv", TestPackages.csv("a", 1, 2)));
        assertThatThrownBy(() -> store.publish(id, src)).isInstanceOf(CofferException.class)
                .hasMessageContaining("sequence").hasMessageContaining("seq");
        assertThat(store.exists(id)).isFalse();
    }
}
