package io.coffer.engine.babbage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.engine.CofferEngine;
import io.coffer.engine.EngineConfig;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Stores;
import io.coffer.testing.Corpus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cube answers are cached per (revision's Parquet copy, request): repeated, never stale, bounded. */
class ResultCacheTest {
    static final DatasetId UK = DatasetId.of("ukgov", "cra");
    @TempDir
    Path tmp;

    @Test
    void repeatedQueriesAreAnsweredFromTheCacheAndANewRevisionIsNeverServedStale() throws Exception {
        try (DataStore store = Stores.open("memory:results-" + UUID.randomUUID(), Map.of());
             CofferEngine engine = new CofferEngine(store, EngineConfig.defaults().withCacheDir(tmp)
                     .withResources(1, "512MB"))) {
            store.publish(UK, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
            BabbageService api = engine.babbage();
            AggregateRequest req = AggregateRequest.of("cofog1.name", null, "amount.sum:desc");
            ObjectNode first = api.aggregate(UK, null, req);
            ObjectNode second = api.aggregate(UK, null, req);
            assertThat(second).isEqualTo(first);
            assertThat(api.resultCacheStats()[0]).as("hits").isEqualTo(1);
            assertThat(api.resultCacheStats()[1]).as("misses").isEqualTo(1);
            // Callers own their answer: changing it does not change the cached one.
            second.put("status", "changed by a caller");
            assertThat(api.aggregate(UK, null, req).path("status").asText()).isEqualTo("ok");
            // Another request is another entry.
            api.aggregate(UK, null, AggregateRequest.of("cofog1.name", "cofog1.name:\"Health\"", null));
            assertThat(api.resultCacheStats()[1]).isEqualTo(2);

            // A new revision with other figures: "latest" is a new Parquet copy, so a new answer.
            Path changed = tmp.resolve("changed");
            java.nio.file.Files.createDirectories(changed);
            Path src = Corpus.get("ukgov-cra-sample");
            java.nio.file.Files.copy(src.resolve("datapackage.json"), changed.resolve("datapackage.json"));
            java.util.List<String> lines = java.nio.file.Files.readAllLines(src.resolve("dataset.csv"));
            java.nio.file.Files.write(changed.resolve("dataset.csv"), lines.subList(0, lines.size() / 2));
            store.publish(UK, PackageSource.directory(changed));
            ObjectNode after = api.aggregate(UK, null, req);
            assertThat(new BigDecimal(after.path("summary").path("amount.sum").asText()))
                    .isNotEqualByComparingTo(new BigDecimal(first.path("summary").path("amount.sum").asText()));
            // And revision 1 still answers as before, from the cache.
            long hits = api.resultCacheStats()[0];
            assertThat(api.aggregate(UK, 1L, req)).isEqualTo(first);
            assertThat(api.resultCacheStats()[0]).isEqualTo(hits + 1);
            // Members too.
            MembersRequest m = MembersRequest.fromQuery(Map.of());
            assertThat(api.members(UK, null, "cofog1", m)).isEqualTo(api.members(UK, null, "cofog1", m));
        }
    }

    @Test
    void theCacheStaysWithinItsBudgetAndCanBeTurnedOff() {
        ResultCache cache = new ResultCache(16 * 1024);
        for (int i = 0; i < 200; i++) {
            int n = i;
            cache.get("k" + i, () -> io.coffer.model.Json.object().put("v", "x".repeat(500)).put("n", n));
        }
        assertThat(cache.bytes()).isLessThanOrEqualTo(16 * 1024).isPositive();
        assertThat(cache.size()).isLessThan(200);
        // The most recent survive, the oldest went first.
        int[] computed = {0};
        cache.get("k199", () -> {
            computed[0]++;
            return io.coffer.model.Json.object();
        });
        cache.get("k0", () -> {
            computed[0]++;
            return io.coffer.model.Json.object();
        });
        assertThat(computed[0]).isEqualTo(1);
        // An answer bigger than a sixteenth of the budget is not kept.
        cache.get("big", () -> io.coffer.model.Json.object().put("v", "x".repeat(4096)));
        assertThat(cache.get("big", () -> io.coffer.model.Json.object()).has("v")).isFalse();

        assertThat(EngineConfig.defaults().resultCacheBytes()).isEqualTo(64_000_000L);
        assertThat(EngineConfig.fromMap(Map.of("engine.result-cache-bytes", "0")).resultCacheBytes()).isZero();
        assertThat(EngineConfig.fromMap(Map.of("engine.result-cache-bytes", "16MiB")).resultCacheBytes())
                .isEqualTo(16L << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineConfig.fromMap(
                Map.of("engine.result-cache-bytes", "plenty"))).hasMessageContaining("engine result cache bytes");
        ResultCache off = new ResultCache(0);
        off.get("a", () -> io.coffer.model.Json.object());
        off.get("a", () -> io.coffer.model.Json.object());
        assertThat(off.size()).isZero();
        assertThat(off.hits()).isZero();
    }
}
