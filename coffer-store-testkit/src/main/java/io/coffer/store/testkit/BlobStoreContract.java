package io.coffer.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import io.coffer.store.spi.BlobInfo;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.CasOutcome;
import io.coffer.store.spi.Ref;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link BlobStore} must do. A backend's test extends this and provides a fresh, empty store.
 * Object sizes cover the S3 multipart boundaries (5 MiB) so one kit serves every backend.
 */
public abstract class BlobStoreContract {
    protected BlobStore store;

    /** A new, empty store. */
    protected abstract BlobStore newStore() throws Exception;

    /** Whether to run the 65 MiB round trip (slow on some backends; on by default). */
    protected boolean largeObjects() {
        return true;
    }

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static byte[] read(Optional<InputStream> in) throws IOException {
        try (InputStream s = in.orElseThrow()) {
            return s.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 65_537, 5 * 1024 * 1024 - 1, 5 * 1024 * 1024, 6 * 1024 * 1024})
    void putThenGetRoundTripsExactBytes(int size) throws Exception {
        byte[] data = bytes(size, size);
        store.put("a/b/blob.bin", new ByteArrayInputStream(data), size);
        assertThat(sha(read(store.open("a/b/blob.bin")))).isEqualTo(sha(data));
        assertThat(store.stat("a/b/blob.bin")).get().extracting(BlobInfo::size).isEqualTo((long) size);
    }

    @Test
    void largeObjectRoundTrips() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(largeObjects());
        int size = 65 * 1024 * 1024;
        byte[] data = bytes(size, 65);
        store.put("big/blob.bin", new ByteArrayInputStream(data), -1);
        assertThat(sha(read(store.open("big/blob.bin")))).isEqualTo(sha(data));
    }

    @Test
    void putWithWrongLengthFailsAndLeavesNothing() {
        assertThatThrownBy(() -> store.put("x/short.bin", new ByteArrayInputStream(new byte[10]), 11))
                .isInstanceOf(IOException.class);
        assertThat(catchingStat("x/short.bin")).isEmpty();
    }

    private Optional<BlobInfo> catchingStat(String key) {
        try {
            return store.stat(key);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void putReplacesWholeValue() throws Exception {
        store.put("k/v", new ByteArrayInputStream("first value".getBytes(StandardCharsets.UTF_8)), -1);
        store.put("k/v", new ByteArrayInputStream("2nd".getBytes(StandardCharsets.UTF_8)), 3);
        assertThat(new String(read(store.open("k/v")), StandardCharsets.UTF_8)).isEqualTo("2nd");
    }

    @Test
    void missingKeysAreEmptyNotErrors() throws Exception {
        assertThat(store.open("no/such/key")).isEmpty();
        assertThat(store.open("no/such/key", 0, 10)).isEmpty();
        assertThat(store.stat("no/such/key")).isEmpty();
        assertThat(store.getRef("no/such/ref")).isEmpty();
        assertThat(store.delete("no/such/key")).isFalse();
        assertThat(store.list("no/such/", 10)).isEmpty();
        assertThat(store.children("no/such/")).isEmpty();
    }

    @Test
    void rangesAreClampedToTheBlob() throws Exception {
        byte[] data = "0123456789".getBytes(StandardCharsets.UTF_8);
        store.put("r/blob", new ByteArrayInputStream(data), data.length);
        assertThat(new String(read(store.open("r/blob", 2, 3)), StandardCharsets.UTF_8)).isEqualTo("234");
        assertThat(new String(read(store.open("r/blob", 8, 100)), StandardCharsets.UTF_8)).isEqualTo("89");
        assertThat(read(store.open("r/blob", 20, 5))).isEmpty();
    }

    @Test
    void listAndChildrenSeeOnlyTheirPrefix() throws Exception {
        for (String k : List.of("d/o1/n1/f.csv", "d/o1/n2/f.csv", "d/o2/n1/x/y.csv", "d2/other", "e/z")) {
            store.put(k, new ByteArrayInputStream(new byte[] {1}), 1);
        }
        assertThat(store.list("d/", 100)).extracting(BlobInfo::key)
                .containsExactly("d/o1/n1/f.csv", "d/o1/n2/f.csv", "d/o2/n1/x/y.csv");
        assertThat(store.list("d/", 2)).hasSize(2);
        assertThat(store.children("d/")).containsExactly("o1", "o2");
        assertThat(store.children("d/o1/")).containsExactly("n1", "n2");
        assertThat(store.children("")).contains("d", "d2", "e");
        assertThat(store.delete("d/o1/n1/f.csv")).isTrue();
        assertThat(store.children("d/o1/")).containsExactly("n2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/../../b", "/abs/path", "a//b", "a/./b", "nul\u0000byte", "back\\slash", ""})
    void unsafeKeysAreRefused(String key) {
        assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(new byte[1]), 1))
                .isInstanceOf(CofferException.class);
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(CofferException.class);
        assertThatThrownBy(() -> store.compareAndSet(key, null, new byte[1])).isInstanceOf(CofferException.class);
    }

    @Test
    void compareAndSetFollowsVersions() throws Exception {
        CasOutcome create = store.compareAndSet("refs/x", null, "one".getBytes(StandardCharsets.UTF_8));
        assertThat(create).isInstanceOf(CasOutcome.Committed.class);
        assertThat(store.compareAndSet("refs/x", null, "again".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CasOutcome.Conflict.class);
        Ref r1 = store.getRef("refs/x").orElseThrow();
        assertThat(new String(r1.value(), StandardCharsets.UTF_8)).isEqualTo("one");
        CasOutcome update = store.compareAndSet("refs/x", r1.version(), "two".getBytes(StandardCharsets.UTF_8));
        assertThat(update).isInstanceOf(CasOutcome.Committed.class);
        assertThat(store.compareAndSet("refs/x", r1.version(), "stale".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CasOutcome.Conflict.class);
        Ref r2 = store.getRef("refs/x").orElseThrow();
        assertThat(new String(r2.value(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(r2.version()).isNotEqualTo(r1.version());
        assertThat(store.compareAndSet("refs/absent", "some-version", new byte[1]))
                .isInstanceOf(CasOutcome.Conflict.class);
    }

    /** 8 threads increment one counter by compare-and-set; every increment must survive. */
    @Test
    void compareAndSetLosesNoUpdateUnderContention() throws Exception {
        int threads = 8;
        int perThread = 25;
        store.compareAndSet("refs/counter", null, "0".getBytes(StandardCharsets.UTF_8));
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            Ref r = store.getRef("refs/counter").orElseThrow();
                            int v = Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8));
                            CasOutcome o = store.compareAndSet("refs/counter", r.version(),
                                    Integer.toString(v + 1).getBytes(StandardCharsets.UTF_8));
                            if (o instanceof CasOutcome.Committed) {
                                break;
                            }
                            assertThat(o).isInstanceOf(CasOutcome.Conflict.class);
                            conflicts.incrementAndGet();
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
        Ref last = store.getRef("refs/counter").orElseThrow();
        assertThat(new String(last.value(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(threads * perThread));
    }
}
