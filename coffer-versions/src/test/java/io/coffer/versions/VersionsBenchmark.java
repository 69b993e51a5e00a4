package io.coffer.versions;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.fs.FileSystemBlobStore;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's benchmark, on demand (not a test):
 *
 * <pre>
 *   ./mvnw -q -pl coffer-versions -am verify -Dtest=VersionsBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dcoffer.bench=true [-Dcoffer.bench.rows=1000000]
 * </pre>
 *
 * Two revisions of a generated keyed spending table (N rows; revision 2 changes 1% of the rows: 0.8% updated,
 * 0.1% deleted, 0.1% added). Timed, in the same JVM and on the same DuckDB settings (threads=2,
 * memory_limit=1GB), over the same Parquet copies: Coffer's history build for revision 2 (incremental, from
 * revision 1's history), Coffer's keyed diff (materialised, counted, first page as JSON), and DuckDB's own
 * {@code EXCEPT} both ways over the two revisions (the unkeyed set difference). The answers are cross-checked
 * first. Median of 5 runs after one warm-up; the table also goes to {@code target/bench-versions.md}.
 */
@EnabledIfSystemProperty(named = "coffer.bench", matches = "true")
class VersionsBenchmark {
    @TempDir
    Path tmp;

    static final String DESCRIPTOR = """
            {"name": "spend", "resources": [{"name": "spend", "path": "spend.csv",
              "schema": {"fields": [{"name": "id", "type": "string"}, {"name": "year", "type": "integer"},
                {"name": "region", "type": "string"}, {"name": "dept", "type": "string"},
                {"name": "payee", "type": "string"}, {"name": "amount", "type": "number"}],
                "primaryKey": ["id"]}}]}""";

    @Test
    void historyAndDiffAgainstDuckDbExcept() throws Exception {
        int n = Integer.getInteger("coffer.bench.rows", 1_000_000);
        Random rnd = new Random(42);
        Path p1 = tmp.resolve("p1");
        Path p2 = tmp.resolve("p2");
        Files.createDirectories(p1);
        Files.createDirectories(p2);
        Files.writeString(p1.resolve("datapackage.json"), DESCRIPTOR);
        Files.writeString(p2.resolve("datapackage.json"), DESCRIPTOR);
        int updated = 0;
        int deleted = 0;
        int added = 0;
        try (BufferedWriter a = Files.newBufferedWriter(p1.resolve("spend.csv"), StandardCharsets.UTF_8);
             BufferedWriter b = Files.newBufferedWriter(p2.resolve("spend.csv"), StandardCharsets.UTF_8)) {
            a.write("id,year,region,dept,payee,amount\n");
            b.write("id,year,region,dept,payee,amount\n");
            for (int i = 0; i < n; i++) {
                String row = row(i, rnd);
                a.write(row);
                int dice = rnd.nextInt(1000);
                if (dice < 8) {
                    b.write(row.substring(0, row.lastIndexOf(',') + 1) + (rnd.nextInt(10_000_000) / 100.0) + "\n");
                    updated++;
                } else if (dice < 9) {
                    deleted++;
                } else {
                    b.write(row);
                }
                if (dice == 9) {
                    b.write(row(n + i, rnd));
                    added++;
                }
            }
        }
        DatasetId id = DatasetId.of("bench", "spend");
        try (DataStore store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
             Versions v = new Versions(store, tmp.resolve("work"), 2, "1GB")) {
            Revision r1 = store.publish(id, PackageSource.directory(p1));
            Revision r2 = store.publish(id, PackageSource.directory(p2));
            long t0 = System.nanoTime();
            Path t1 = v.table(v.keyed(r1, null));
            Path t2 = v.table(v.keyed(r2, null));
            double stageMs = (System.nanoTime() - t0) / 1e6;
            long h0 = System.nanoTime();
            History.build(v, r1, "spend");
            double history1Ms = (System.nanoTime() - h0) / 1e6;

            List<Double> hist = new ArrayList<>();
            List<Double> diff = new ArrayList<>();
            List<Double> except = new ArrayList<>();
            long exceptRows = 0;
            Diff.Counts counts = null;
            for (int run = 0; run < 6; run++) {
                History.forget(v, r2, "spend");
                long s = System.nanoTime();
                History.build(v, r2, "spend");
                double h = (System.nanoTime() - s) / 1e6;
                s = System.nanoTime();
                var json = Diff.json(v, r1, r2, null, 100, 0);
                double d = (System.nanoTime() - s) / 1e6;
                counts = new Diff.Counts(json.path("counts").path("fromRows").asLong(),
                        json.path("counts").path("toRows").asLong(), json.path("counts").path("added").asLong(),
                        json.path("counts").path("removed").asLong(), json.path("counts").path("changed").asLong());
                s = System.nanoTime();
                try (Connection c = v.connect(); Statement st = c.createStatement()) {
                    String a = "SELECT * EXCLUDE (_ord) FROM read_parquet('" + t1 + "')";
                    String b = "SELECT * EXCLUDE (_ord) FROM read_parquet('" + t2 + "')";
                    try (ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM (" + a + " EXCEPT " + b
                            + ")) + (SELECT count(*) FROM (" + b + " EXCEPT " + a + "))")) {
                        rs.next();
                        exceptRows = rs.getLong(1);
                    }
                }
                double e = (System.nanoTime() - s) / 1e6;
                if (run > 0) {
                    hist.add(h);
                    diff.add(d);
                    except.add(e);
                }
            }
            // Cross-check: the keyed diff and EXCEPT see the same change (a changed row is one row each way).
            assertThat(counts.changed()).isEqualTo(updated);
            assertThat(counts.removed()).isEqualTo(deleted);
            assertThat(counts.added()).isEqualTo(added);
            assertThat(exceptRows).isEqualTo(2L * updated + deleted + added);
            double mh = median(hist);
            double md = median(diff);
            double me = median(except);
            String table = String.format(Locale.ROOT, """
                    rows: %,d (revision 2: %,d updated, %,d deleted, %,d added); CSV %,d bytes; threads=2 memory_limit=1GB;
                    staging both revisions to Parquet (once per revision, cached) %.0f ms; history of revision 1 (full) %.0f ms;
                    5 runs after 1 warm-up, median ms

                    | step | Coffer (ms) | DuckDB EXCEPT both ways (ms) | ratio |
                    |---|---:|---:|---:|
                    | history of revision 2 (incremental) | %.1f | %.1f | %.2f |
                    | keyed diff 1..2 (counts + first page) | %.1f | %.1f | %.2f |
                    | history + diff | %.1f | %.1f | %.2f |
                    """, n, updated, deleted, added, Files.size(p1.resolve("spend.csv")), stageMs, history1Ms,
                    mh, me, mh / me, md, me, md / me, mh + md, me, (mh + md) / me);
            System.out.println(table);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "bench-versions.md"), table);
        }
    }

    static String row(int i, Random rnd) {
        return String.format(Locale.ROOT, "r%08d,%d,region-%02d,dept-%03d,\"Payee %d, Ltd\",%d.%02d%n", i,
                2010 + rnd.nextInt(10), rnd.nextInt(20), rnd.nextInt(500), rnd.nextInt(50_000), rnd.nextInt(1_000_000),
                rnd.nextInt(100));
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
