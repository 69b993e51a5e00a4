package io.coffer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet cache's size bound (least recently used copies go, leased and new ones stay, evicted ones are
 * rebuilt with identical results), {@code forget(id)}, and the {@code engine.cache-max-bytes} setting.
 */
class CacheEvictionTest {
    static final DatasetId UK = DatasetId.of("gb", "ukgov-cra");
    static final DatasetId MD = DatasetId.of("md", "boost-moldova-2014");
    static final DatasetId OS = DatasetId.of("os", "packager-example");
    static final List<DatasetId> ALL = List.of(UK, MD, OS);

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    static DataStore store;
    /** Per dataset: the size of its Parquet copy, and its aggregate as an unbounded cache answers it. */
    static final Map<DatasetId, Long> SIZE = new HashMap<>();
    static final Map<DatasetId, String> EXPECTED = new HashMap<>();
    static final Map<DatasetId, AggregateRequest> REQUEST = new HashMap<>();

    @BeforeAll
    static void publishAndMeasure() throws IOException {
        store = Fixtures.memoryStore();
        Fixtures.publish(store, "gb", "ukgov-cra", Fixtures.corpus().resolve("ukgov-cra-sample"));
        Fixtures.publish(store, "md", "boost-moldova-2014", Fixtures.corpus().resolve("boost-moldova-2014"));
        Fixtures.publish(store, "os", "packager-example", Fixtures.corpus().resolve("os-packager-example"));
        try (CofferEngine probe = Fixtures.engine(store, shared.resolve("probe"))) {
            for (DatasetId id : ALL) {
                LoadedCube lc = probe.cube(id, null);
                SIZE.put(id, Files.size(lc.parquet()));
                // Drilled down by the first dimension, so cells as well as the summary are compared.
                String drill = lc.cube().dimensions().values().iterator().next().keyAttribute().ref();
                REQUEST.put(id, AggregateRequest.of(drill, null, drill));
                EXPECTED.put(id, json(probe.babbage().aggregate(id, null, REQUEST.get(id))));
            }
        }
        assertThat(SIZE.values()).allMatch(s -> s > 0);
    }

    static String json(ObjectNode o) {
        return new String(Json.write(o), StandardCharsets.UTF_8);
    }

    static CofferEngine engine(Path cache, long maxBytes) {
        return new CofferEngine(store, EngineConfig.defaults().withCacheDir(cache).withResources(1, "512MB")
                .withCacheMaxBytes(maxBytes));
    }

    /** Queries a dataset and checks the answer is exactly the unbounded cache's. */
    static void query(CofferEngine engine, DatasetId id) {
        assertThat(json(engine.babbage().aggregate(id, null, REQUEST.get(id)))).as(id.toString())
                .isEqualTo(EXPECTED.get(id));
    }

    /** A dataset's cached Parquet files, looked up without touching the engine (which would count as a use). */
    static List<Path> files(Path cache, DatasetId id) throws IOException {
        Path d = cache.resolve("parquet").resolve(id.owner()).resolve(id.name());
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
    }

    static long total(Path cache) throws IOException {
        try (Stream<Path> s = Files.walk(cache.resolve("parquet"))) {
            return s.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static long sum(DatasetId... ids) {
        long n = 0;
        for (DatasetId id : ids) {
            n += SIZE.get(id);
        }
        return n;
    }

    @Test
    void leastRecentlyUsedCopyIsEvictedAndRebuiltWithIdenticalResults() throws IOException {
        Path cache = tmp.resolve("cache");
        long bound = sum(UK, MD, OS) - 1;
        try (CofferEngine engine = engine(cache, bound)) {
            query(engine, UK);
            query(engine, MD);
            query(engine, UK);
            assertThat(files(cache, UK)).hasSize(1);
            assertThat(files(cache, MD)).hasSize(1);

            // The third copy does not fit: MD, used longest ago, goes; UK was used after it and stays.
            query(engine, OS);
            assertThat(files(cache, MD)).isEmpty();
            assertThat(files(cache, UK)).hasSize(1);
            assertThat(files(cache, OS)).hasSize(1);
            assertThat(total(cache)).isLessThanOrEqualTo(bound).isEqualTo(sum(UK, OS));

            // Its next query rebuilds it and answers the same, to the last decimal; now UK is the oldest.
            query(engine, MD);
            assertThat(files(cache, MD)).hasSize(1);
            assertThat(files(cache, UK)).isEmpty();
            assertThat(total(cache)).isLessThanOrEqualTo(bound).isEqualTo(sum(MD, OS));
            assertThat(engine.babbage().aggregate(UK, null, AggregateRequest.of(null, null, null))
                    .path("summary").path("amount.sum").decimalValue()).isEqualTo(new BigDecimal("12008553000.04"));
        }
    }

    @Test
    void copyDeletedBehindALoadedCubeIsRebuiltOnItsNextQuery() throws IOException {
        Path cache = tmp.resolve("cache");
        try (CofferEngine engine = engine(cache, EngineConfig.DEFAULT_CACHE_MAX_BYTES)) {
            query(engine, UK);
            Path file = files(cache, UK).get(0);
            // Another process sharing the directory evicted it; this engine still has the cube loaded.
            Files.delete(file);
            query(engine, UK);
            assertThat(file).isRegularFile();
        }
    }

    @Test
    void aLeasedCopyIsKeptUntilItsQueryEnds() throws IOException {
        Path cache = tmp.resolve("cache");
        // Room for the largest copy only.
        long bound = SIZE.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        try (CofferEngine engine = engine(cache, bound)) {
            try (CubeLease lease = engine.use(UK, null)) {
                query(engine, UK);
                // MD does not fit beside UK, but UK is held: both stay, over the bound for now.
                query(engine, MD);
                assertThat(files(cache, UK)).containsExactly(lease.cube().parquet());
                assertThat(files(cache, MD)).hasSize(1);
                assertThat(total(cache)).isEqualTo(sum(UK, MD)).isGreaterThan(bound);
            }
            // Released, UK is the least recently used and goes first; the bound holds again.
            query(engine, OS);
            assertThat(files(cache, UK)).isEmpty();
            assertThat(files(cache, OS)).hasSize(1);
            assertThat(total(cache)).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void copiesThisProcessNeverUsedAreAgedByTheirFileTimes() throws IOException {
        // Copies left by another process (or an earlier run): never used here, so only their times tell.
        Path other = tmp.resolve("other");
        Path cache = tmp.resolve("cache");
        Map<DatasetId, Path> copied = new HashMap<>();
        try (CofferEngine engine = engine(other, EngineConfig.DEFAULT_CACHE_MAX_BYTES)) {
            for (DatasetId id : List.of(UK, MD)) {
                Path src = engine.cube(id, null).parquet();
                Path dst = cache.resolve(other.relativize(src));
                Files.createDirectories(dst.getParent());
                Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                copied.put(id, dst);
            }
        }
        long now = System.currentTimeMillis();
        setTimes(copied.get(MD), now - 7_200_000);
        setTimes(copied.get(UK), now - 3_600_000);
        FileTime ukModified = Files.getLastModifiedTime(copied.get(UK));
        try (CofferEngine engine = engine(cache, sum(UK, MD, OS) - 1)) {
            query(engine, OS);
            assertThat(copied.get(MD)).doesNotExist();
            assertThat(copied.get(UK)).isRegularFile();
            // The other process's copy is used as it is, not rebuilt.
            query(engine, UK);
            assertThat(Files.getLastModifiedTime(copied.get(UK))).isEqualTo(ukModified);
        }
    }

    static void setTimes(Path p, long millis) throws IOException {
        FileTime t = FileTime.fromMillis(millis);
        Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(t, t, null);
    }

    @Test
    void concurrentQueriesUnderATightBoundAllAnswerExactly() throws Exception {
        Path cache = tmp.resolve("cache");
        long bound = SIZE.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (CofferEngine engine = engine(cache, bound)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 6; i++) {
                        query(engine, ALL.get((i + offset) % ALL.size()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
            // One more copy, with nothing leased: the bound holds again afterwards.
            engine.forget(OS);
            query(engine, OS);
            assertThat(total(cache)).isLessThanOrEqualTo(bound);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void forgetDeletesEveryRevisionOfOneDataset() throws IOException {
        DataStore own = Fixtures.memoryStore();
        DatasetId a = DatasetId.of("gb", "ukgov-cra");
        Fixtures.publish(own, "gb", "ukgov-cra", Fixtures.corpus().resolve("ukgov-cra-sample"));
        Fixtures.publish(own, "gb", "ukgov-cra", Fixtures.corpus().resolve("ukgov-cra-sample"));
        Fixtures.publish(own, "md", "boost-moldova-2014", Fixtures.corpus().resolve("boost-moldova-2014"));
        Path cache = tmp.resolve("cache");
        try (CofferEngine engine = Fixtures.engine(own, cache)) {
            engine.cube(a, 1L);
            engine.cube(a, 2L);
            engine.cube(MD, null);
            assertThat(files(cache, a)).hasSize(2);

            assertThat(engine.forget(a)).isEqualTo(2);
            assertThat(cache.resolve("parquet").resolve("gb")).doesNotExist();
            assertThat(files(cache, MD)).hasSize(1);
            assertThat(engine.forget(a)).isZero();

            // Still published here, so its next query rebuilds it; once deleted, it is not found.
            assertThat(engine.babbage().aggregate(a, null, AggregateRequest.of(null, null, null))
                    .path("summary").path("amount.sum").decimalValue()).isEqualTo(new BigDecimal("12008553000.04"));
            assertThat(files(cache, a)).hasSize(1);
            own.delete(a);
            assertThat(engine.forget(a)).isEqualTo(1);
            assertThatThrownBy(() -> engine.babbage().aggregate(a, null, AggregateRequest.of(null, null, null)))
                    .isInstanceOf(CofferException.class)
                    .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThat(files(cache, a)).isEmpty();
        }
    }

    @Test
    void cacheMaxBytesSetting() {
        assertThat(EngineConfig.defaults().cacheMaxBytes()).isEqualTo(10_000_000_000L);
        assertThat(EngineConfig.fromMap(Map.of()).cacheMaxBytes()).isEqualTo(10_000_000_000L);
        Map<String, Long> ok = Map.of("123456", 123_456L, "512MB", 512_000_000L, "10GB", 10_000_000_000L,
                "1.5GB", 1_500_000_000L, "4GiB", 4L << 30, "20 mb", 20_000_000L, " 2TB ", 2_000_000_000_000L,
                "100KiB", 102_400L, "7B", 7L);
        ok.forEach((text, bytes) -> assertThat(EngineConfig.fromMap(Map.of("engine.cache-max-bytes", text))
                .cacheMaxBytes()).as(text).isEqualTo(bytes));
        for (String bad : List.of("0", "0GB", "-5", "lots", "5PB", "1,5GB", "", "99999999999999999999", "99999999999TB")) {
            assertThatThrownBy(() -> EngineConfig.fromMap(Map.of("engine.cache-max-bytes", bad))).as(bad)
                    .isInstanceOf(CofferException.class)
                    .hasMessageContaining("cache max bytes")
                    .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.CONFIGURATION));
        }
        assertThatThrownBy(() -> EngineConfig.defaults().withCacheMaxBytes(-1))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> EngineConfig.fromMap(Map.of("engine.cache-max", "1GB")))
                .hasMessageContaining("unknown engine setting 'engine.cache-max'")
                .hasMessageContaining("engine.cache-max-bytes");
    }
}
