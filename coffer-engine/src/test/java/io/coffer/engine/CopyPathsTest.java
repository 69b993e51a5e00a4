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
import io.coffer.store.Revision;
import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways a Parquet copy is built give the same file: DuckDB's read_csv (packages it reads exactly) and
 * the streaming Java path (everything else). Compared column types and every row in file order, on every
 * corpus cube and on generated packages of the kind {@code coffer init} writes.
 */
class CopyPathsTest {
    @TempDir
    Path tmp;
    DuckRuntime runtime;

    @org.junit.jupiter.api.AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** Both engines on one runtime (so one can read the other's copy), each with its own cache directory. */
    CofferEngine engine(DataStore store, String name) {
        EngineConfig cfg = EngineConfig.defaults().withCacheDir(tmp.resolve("caches")).withResources(1, "512MB");
        if (runtime == null) {
            runtime = DuckRuntime.start(cfg);
        }
        return new CofferEngine(store, cfg.withCacheDir(tmp.resolve("caches").resolve(name)), runtime);
    }

    @Test
    void generatedPlainPackageTakesReadCsvAndMatchesTheStreamingPath() throws Exception {
        Path pkg = plainPackage(tmp.resolve("plain"), 230_000, false);
        DataStore store = Fixtures.memoryStore();
        Revision rev = Fixtures.publish(store, "gen", "plain", pkg);
        try (CofferEngine fast = engine(store, "fast");
             CofferEngine slow = engine(store, "slow")) {
            slow.directCopy(false);
            LoadedCube a = fast.cube(rev.dataset(), null);
            LoadedCube b = slow.cube(rev.dataset(), null);
            assertThat(fast.directCopies()).as("read_csv path taken").isEqualTo(1);
            assertThat(slow.directCopies()).isZero();
            assertSame(fast, a, b);
            // The declared date column holds an impossible date: kept as text by both.
            assertThat(a.sqlTypes().get(a.cube().attribute("when.date").orElseThrow().column())).isEqualTo("VARCHAR");
            assertThat(a.sqlTypes().get(a.cube().measures().get("amount").column())).isEqualTo("DECIMAL(18,2)");
            // Sums exact against a Java BigDecimal sum of the file.
            ObjectNode all = fast.babbage().aggregate(rev.dataset(), null, AggregateRequest.of(null, null, null));
            assertThat(all.path("summary").path("amount.sum").decimalValue()).isEqualByComparingTo(expectedSum(pkg));
            assertThat(all.path("summary").path("_count").asLong()).isEqualTo(230_000);
        }
    }

    @Test
    void valuesDuckDbWouldNotReadExactlyGoToTheStreamingPath() throws Exception {
        Path pkg = plainPackage(tmp.resolve("exp"), 1_000, true);
        DataStore store = Fixtures.memoryStore();
        Revision rev = Fixtures.publish(store, "gen", "exp", pkg);
        try (CofferEngine fast = engine(store, "fast");
             CofferEngine slow = engine(store, "slow")) {
            slow.directCopy(false);
            LoadedCube a = fast.cube(rev.dataset(), null);
            assertThat(fast.directCopies()).as("an exponent is not plain").isZero();
            assertSame(fast, a, slow.cube(rev.dataset(), null));
        }
    }

    @Test
    void anAmountOverThirtyEightDigitsIsRefusedNamingTheColumn() throws Exception {
        Path pkg = plainPackage(tmp.resolve("big"), 10, false);
        Files.writeString(pkg.resolve("data.csv"), "1,r1,a,\"x, y\",2015-01-01,1" + "0".repeat(37) + ".25\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        DataStore store = Fixtures.memoryStore();
        Revision rev = Fixtures.publish(store, "gen", "big", pkg);
        try (CofferEngine fast = engine(store, "fast")) {
            assertThatThrownBy(() -> fast.cube(rev.dataset(), null)).isInstanceOfSatisfying(CofferException.class,
                    e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATA);
                        assertThat(e.getMessage()).contains("amount").contains("38 digits");
                    });
        }
    }

    @Test
    void everyCorpusCubeIsTheSameBothWays() throws Exception {
        DataStore store = Fixtures.memoryStore();
        int compared = 0;
        try (CofferEngine fast = engine(store, "fast");
             CofferEngine slow = engine(store, "slow");
             Stream<Path> dirs = Files.list(Fixtures.corpus())) {
            slow.directCopy(false);
            for (Path d : dirs.sorted().toList()) {
                if (!Files.exists(d.resolve("datapackage.json"))) {
                    continue;
                }
                Revision rev;
                try {
                    rev = Fixtures.publish(store, "corpus", DatasetId.slugify(d.getFileName().toString()), d);
                } catch (CofferException e) {
                    continue;
                }
                if (store.descriptor(rev).model() == null) {
                    continue;
                }
                LoadedCube a;
                LoadedCube b;
                try {
                    a = fast.cube(rev.dataset(), null);
                } catch (CofferException e) {
                    // Refused data (a non-number amount) is refused the same way by both.
                    assertThatThrownBy(() -> slow.cube(rev.dataset(), null)).hasMessage(e.getMessage());
                    continue;
                }
                b = slow.cube(rev.dataset(), null);
                assertSame(fast, a, b);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(5);
    }

    /** Same column names and types, and the same rows in the same order. */
    static void assertSame(CofferEngine engine, LoadedCube a, LoadedCube b) throws Exception {
        String name = a.revision().dataset().toString();
        assertThat(a.sqlTypes()).as(name + " column types").isEqualTo(b.sqlTypes());
        try (Connection c = engine.connect(); Statement s = c.createStatement()) {
            for (String[] pair : new String[][] {{a.sourceWithRowNumbers(), b.sourceWithRowNumbers()},
                    {b.sourceWithRowNumbers(), a.sourceWithRowNumbers()}}) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (SELECT * FROM " + pair[0]
                        + " EXCEPT ALL SELECT * FROM " + pair[1] + ")")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(name + " rows only in one copy").isZero();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM " + a.source() + "), (SELECT COUNT(*) FROM "
                    + b.source() + ")")) {
                rs.next();
                assertThat(rs.getLong(1)).as(name + " rows").isEqualTo(rs.getLong(2));
            }
        }
    }

    /**
     * A package as {@code coffer init} writes it: UTF-8 with a BOM, comma, quoted text with commas, quotes and a
     * line break, plain decimals (negative, leading zeros), ISO dates with one impossible date, "NA" declared
     * missing, an integer attribute, a constant attribute and an empty line. {@code exponent}: one amount in
     * scientific notation (exact in Java, not plain for read_csv).
     */
    static Path plainPackage(Path dir, int rows, boolean exponent) throws Exception {
        Files.createDirectories(dir);
        java.util.Random r = new java.util.Random(7);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("data.csv"), StandardCharsets.UTF_8)) {
            w.write('\uFEFF');
            w.write("id,region,dept,payee,date,amount\n");
            for (int i = 1; i <= rows; i++) {
                String amount = i == 3 ? "NA" : i == 4 ? "-0012.50" : exponent && i == 5 ? "1.5E3"
                        : (r.nextInt(3) == 0 ? "-" : "") + r.nextInt(1_000_000) + "." + String.format("%02d", r.nextInt(100));
                String payee = i % 97 == 0 ? "\"Acme \"\"Ltd\"\", line\nbreak\"" : "\"Payee, " + (i % 50) + "\"";
                String date = i == 6 ? "2015-02-30" : String.format("20%02d-%02d-%02d", 10 + i % 8, 1 + i % 12, 1 + i % 28);
                w.write(i + ",r" + (i % 20) + "," + (i % 7 == 0 ? "NA" : "d" + (i % 300)) + "," + payee + "," + date
                        + "," + amount + "\n");
                if (i == 10) {
                    w.write("\n");
                }
            }
        }
        String desc = """
                {"name": "plain", "resources": [{"name": "data", "path": "data.csv", "encoding": "utf-8",
                  "schema": {"missingValues": ["", "NA"], "fields": [
                    {"name": "id", "type": "integer"}, {"name": "region", "type": "string"},
                    {"name": "dept", "type": "string"}, {"name": "payee", "type": "string"},
                    {"name": "date", "type": "date"}, {"name": "amount", "type": "number"}]}}],
                 "model": {"measures": {"amount": {"source": "amount", "currency": "GBP"}},
                   "dimensions": {
                     "region": {"attributes": {"name": {"source": "region"}}, "primaryKey": "name"},
                     "dept": {"attributes": {"code": {"source": "dept"}}, "primaryKey": "code"},
                     "payee": {"attributes": {"name": {"source": "payee"}}, "primaryKey": "name"},
                     "row": {"attributes": {"id": {"source": "id"}}, "primaryKey": "id"},
                     "when": {"attributes": {"date": {"source": "date"}}, "primaryKey": "date",
                              "dimensionType": "datetime"}}}}
                """;
        Files.writeString(dir.resolve("datapackage.json"), desc, StandardCharsets.UTF_8);
        return dir;
    }

    static BigDecimal expectedSum(Path pkg) throws Exception {
        BigDecimal sum = BigDecimal.ZERO;
        try (var reader = de.siegmar.fastcsv.reader.CsvReader.builder().skipEmptyLines(true)
                .ofCsvRecord(Files.newBufferedReader(pkg.resolve("data.csv"), StandardCharsets.UTF_8))) {
            boolean header = true;
            for (var rec : reader) {
                if (header) {
                    header = false;
                    continue;
                }
                String v = rec.getField(5);
                if (!v.equals("NA") && !v.isEmpty()) {
                    sum = sum.add(new BigDecimal(v));
                }
            }
        }
        return sum;
    }
}
