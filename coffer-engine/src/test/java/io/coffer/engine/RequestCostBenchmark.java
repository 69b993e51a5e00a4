package io.coffer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.engine.babbage.BabbageService;
import io.coffer.engine.babbage.FactsRequest;
import io.coffer.engine.babbage.MembersRequest;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * On-demand (not CI): what one uncached request costs on babbage's cra fixture, as process CPU time (every
 * thread: the caller, DuckDB's workers, GC, JIT) over many requests after a warm-up, with the result cache
 * off. The target is 5 ms of CPU per aggregate request.
 *
 * <pre>
 *   ./mvnw -q -pl coffer-engine -am test -Dtest=RequestCostBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dcoffer.bench=true [-Dcoffer.bench.requests=500]
 * </pre>
 */
@EnabledIfSystemProperty(named = "coffer.bench", matches = "true")
class RequestCostBenchmark {
    @TempDir
    Path tmp;

    @Test
    void cpuPerUncachedRequest() throws Exception {
        int n = Integer.getInteger("coffer.bench.requests", 500);
        Path pkg = Fixtures.babbageCra(tmp.resolve("cra"));
        DataStore store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        DatasetId id = DatasetId.of("babbage", "cra");
        store.publish(id, PackageSource.directory(pkg));
        EngineConfig cfg = EngineConfig.defaults().withCacheDir(tmp.resolve("cache")).withResources(2, "1GB")
                .withResultCacheBytes(0);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        StringBuilder report = new StringBuilder("requests per kind: " + n + " after " + n / 2
                + " warm-up; result cache off; threads=2\n\n| request | CPU ms/request | wall p50 ms |\n|---|---:|---:|\n");
        String jfr = System.getProperty("coffer.bench.jfr");
        jdk.jfr.Recording rec = null;
        if (jfr != null) {
            rec = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            rec.start();
        }
        try (CofferEngine engine = new CofferEngine(store, cfg)) {
            BabbageService api = engine.babbage();
            Map<String, Runnable> kinds = new LinkedHashMap<>();
            kinds.put("aggregate drilldown=cofog1 order=amount.sum:desc", () -> api.aggregate(id, null,
                    AggregateRequest.of("cofog1", null, "amount.sum:desc")));
            kinds.put("aggregate drilldown=cap_or_cur cut=time.year:2010", () -> api.aggregate(id, null,
                    AggregateRequest.of("cap_or_cur", "time.year:\"2010\"", null)));
            kinds.put("aggregate (no drilldown)", () -> api.aggregate(id, null, AggregateRequest.of(null, null, null)));
            kinds.put("facts pagesize=20 order=amount:desc", () -> api.facts(id, null, FactsRequest.fromQuery(
                    Map.of("pagesize", List.of("20"), "order", List.of("amount:desc")))));
            kinds.put("members cofog1", () -> api.members(id, null, "cofog1", MembersRequest.fromQuery(Map.of())));
            for (var k : kinds.entrySet()) {
                for (int i = 0; i < n / 2; i++) {
                    k.getValue().run();
                }
                long[] wall = new long[n];
                long cpu0 = os.getProcessCpuTime();
                for (int i = 0; i < n; i++) {
                    long t = System.nanoTime();
                    k.getValue().run();
                    wall[i] = System.nanoTime() - t;
                }
                double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / n;
                Arrays.sort(wall);
                report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", k.getKey(), cpuMs,
                        wall[n / 2] / 1e6));
            }
            assertThat(api.resultCacheStats()[0]).isZero();
            if (jfr != null) {
                Files.copy(engine.cube(id, null).parquet(), Path.of(jfr + ".parquet"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (rec != null) {
            rec.dump(Path.of(jfr));
            rec.close();
        }
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "bench-request-cost.md"), report, StandardCharsets.UTF_8);
    }
}
