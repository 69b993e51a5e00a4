package io.coffer.engine.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.engine.CofferEngine;
import io.coffer.engine.EngineConfig;
import io.coffer.engine.LoadedCube;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.engine.babbage.FactsRequest;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * On-demand benchmark, not part of CI: the engine's babbage queries against the same aggregation written
 * directly in DuckDB SQL over the same Parquet file, in the same run and JVM. Reports medians and the ratio
 * engine / direct SQL. Each pair's results are compared, so a fast wrong answer cannot pass.
 *
 * <pre>
 *   ./mvnw -q -pl coffer-engine -am verify -Dtest=EngineBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dcoffer.bench=true [-Dcoffer.bench.rows=1000000]
 * </pre>
 */
@EnabledIfSystemProperty(named = "coffer.bench", matches = "true")
class EngineBenchmark {
    static final int WARMUP = 3;
    static final int RUNS = 15;

    @TempDir
    Path tmp;

    @Test
    void engineVersusDirectSql() throws Exception {
        int rows = Integer.getInteger("coffer.bench.rows", 1_000_000);
        Path pkg = generate(tmp.resolve("pkg"), rows);
        DataStore store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        var rev = store.publish(DatasetId.of("bench", "spend"), PackageSource.directory(pkg));
        EngineConfig cfg = EngineConfig.defaults().withCacheDir(tmp.resolve("cache")).withResources(2, "1GB");
        StringBuilder report = new StringBuilder();
        try (CofferEngine engine = new CofferEngine(store, cfg)) {
            long t0 = System.nanoTime();
            LoadedCube lc = engine.prepare(rev);
            double buildMs = (System.nanoTime() - t0) / 1e6;
            String p = lc.parquet().toString();
            var c = lc.cube();
            String region = c.attributes().get("region.name").column();
            String dept = c.attributes().get("dept.code").column();
            String deptLabel = c.attributes().get("dept.label").column();
            String year = c.attributes().get("year.year").column();
            String amount = c.measures().get("amount").column();
            DatasetId id = rev.dataset();
            report.append(String.format(Locale.ROOT, "rows: %,d; CSV %,d bytes; Parquet %,d bytes; build %.0f ms;"
                            + " threads=%d memory_limit=%s; %d runs after %d warm-up, median ms%n%n", rows,
                    Files.size(pkg.resolve("spend.csv")), Files.size(lc.parquet()), buildMs, cfg.threads(),
                    cfg.memoryLimit(), RUNS, WARMUP));
            report.append("| query | engine (ms) | direct SQL (ms) | ratio |\n|---|---:|---:|---:|\n");

            compare(report, "drilldown=region, order amount.sum:desc",
                    () -> engine.babbage().aggregate(id, null, AggregateRequest.of("region", null, "amount.sum:desc"))
                            .path("cells").get(0).path("amount.sum").decimalValue(),
                    () -> firstDecimal(engine, "SELECT \"" + region + "\", COUNT(*), SUM(\"" + amount + "\") FROM"
                            + " read_parquet(?) GROUP BY 1 ORDER BY 3 DESC NULLS LAST LIMIT 100", p, 3));
            compare(report, "drilldown=dept.code|dept.label, cut year.year:2015, top 30",
                    () -> engine.babbage().aggregate(id, null, AggregateRequest.of("dept.code|dept.label",
                                    "year.year:2015", "amount.sum:desc").withPage(1, 30))
                            .path("cells").get(0).path("amount.sum").decimalValue(),
                    () -> firstDecimal(engine, "SELECT \"" + dept + "\", \"" + deptLabel + "\", COUNT(*), SUM(\""
                            + amount + "\") FROM read_parquet(?) WHERE \"" + year + "\" = 2015 GROUP BY 1, 2"
                            + " ORDER BY 4 DESC NULLS LAST LIMIT 30", p, 4));
            compare(report, "no drilldown, cut !region.name:\"r03\"|year.year:2012..2016",
                    () -> engine.babbage().aggregate(id, null, AggregateRequest.of(null,
                                    "!region.name:\"r03\"|year.year:2012..2016", null))
                            .path("summary").path("amount.sum").decimalValue(),
                    () -> firstDecimal(engine, "SELECT COUNT(*), SUM(\"" + amount + "\") FROM read_parquet(?) WHERE"
                            + " (\"" + region + "\" = 'r03') IS NOT TRUE AND \"" + year + "\" BETWEEN 2012 AND 2016",
                            p, 2));
            compare(report, "facts, cut dept.code:\"d0042\", order amount:desc, pagesize 100",
                    () -> engine.babbage().facts(id, null, FactsRequest.fromQuery(Map.of("cut",
                                    List.of("dept.code:\"d0042\""), "order", List.of("amount:desc"))))
                            .path("data").get(0).path("amount").decimalValue(),
                    () -> firstDecimal(engine, "SELECT \"" + amount + "\" FROM read_parquet(?, file_row_number = true) WHERE \"" + dept
                            + "\" = 'd0042' ORDER BY 1 DESC NULLS LAST, file_row_number LIMIT 100", p, 1));
        }
        System.out.println("\n== engine benchmark ==\n" + report);
        Files.writeString(Path.of("target", "bench-engine.md"), report.toString());
    }

    private static void compare(StringBuilder report, String name, Callable<BigDecimal> engine,
                                Callable<BigDecimal> sql) throws Exception {
        assertThat(engine.call()).as(name).isEqualByComparingTo(sql.call());
        double e = median(engine);
        double s = median(sql);
        report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", name, e, s, e / s));
    }

    private static double median(Callable<?> c) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            c.call();
        }
        double[] t = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long s = System.nanoTime();
            c.call();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[RUNS / 2];
    }

    /** Runs plain SQL on an engine connection (same settings) and returns the first row's decimal column. */
    private static BigDecimal firstDecimal(CofferEngine engine, String sql, String parquet, int col) throws Exception {
        try (Connection c = engine.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parquet);
            try (ResultSet rs = ps.executeQuery()) {
                BigDecimal first = null;
                while (rs.next()) {
                    if (first == null) {
                        first = rs.getBigDecimal(col);
                    }
                }
                return first;
            }
        }
    }

    /** A synthetic spending table: 10 years, 20 regions, 500 departments, 10 functions, cents amounts. */
    static Path generate(Path dir, int rows) throws Exception {
        Files.createDirectories(dir);
        Random r = new Random(42);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("spend.csv"), StandardCharsets.UTF_8)) {
            w.write("year,region,dept,dept_label,cofog,amount\n");
            for (int i = 0; i < rows; i++) {
                int d = r.nextInt(500);
                w.write(String.format(Locale.ROOT, "%d,r%02d,d%04d,Department %d,%02d,%d.%02d%n", 2010 + r.nextInt(10),
                        r.nextInt(20), d, d, 1 + r.nextInt(10), r.nextInt(10_000_000) - 1_000_000, r.nextInt(100)));
            }
        }
        List<String> dims = new ArrayList<>();
        dims.add("\"year\": {\"dimensionType\": \"datetime\", \"attributes\": {\"year\": {\"source\": \"year\"}},"
                + " \"primaryKey\": \"year\"}");
        dims.add("\"region\": {\"attributes\": {\"name\": {\"source\": \"region\"}}, \"primaryKey\": \"name\"}");
        dims.add("\"dept\": {\"attributes\": {\"code\": {\"source\": \"dept\"}, \"label\": {\"source\": \"dept_label\","
                + " \"labelfor\": \"code\"}}, \"primaryKey\": \"code\"}");
        dims.add("\"cofog\": {\"attributes\": {\"code\": {\"source\": \"cofog\"}}, \"primaryKey\": \"code\"}");
        Files.writeString(dir.resolve("datapackage.json"), "{\"name\": \"spend\", \"resources\": [{\"name\": \"spend\","
                + " \"path\": \"spend.csv\", \"schema\": {\"fields\": [{\"name\": \"year\", \"type\": \"integer\"},"
                + " {\"name\": \"region\", \"type\": \"string\"}, {\"name\": \"dept\", \"type\": \"string\"},"
                + " {\"name\": \"dept_label\", \"type\": \"string\"}, {\"name\": \"cofog\", \"type\": \"string\"},"
                + " {\"name\": \"amount\", \"type\": \"number\"}]}}], \"model\": {\"measures\": {\"amount\":"
                + " {\"source\": \"amount\", \"currency\": \"EUR\"}}, \"dimensions\": {" + String.join(", ", dims)
                + "}}}");
        return dir;
    }
}
