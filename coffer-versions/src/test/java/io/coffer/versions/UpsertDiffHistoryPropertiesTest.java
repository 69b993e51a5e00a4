package io.coffer.versions;

import static org.assertj.core.api.Assertions.assertThat;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.memory.InMemoryBlobStore;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The acceptance property of issue 9: for random sequences of upserts and deletes over a small keyed table,
 * (1) every published revision holds exactly the model's rows (in the model's order), (2) the as-of view of
 * each revision, read from the latest revision's record history, equals the data published at that revision,
 * and (3) applying diff(R1, R2) to R1 gives R2, for every pair of revisions (both directions).
 */
class UpsertDiffHistoryPropertiesTest {
    static final String DESCRIPTOR = """
            {"name": "t", "resources": [{"name": "t", "path": "t.csv", "format": "csv",
              "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                                    {"name": "amount", "type": "number"}], "primaryKey": ["id"]}}]}""";
    static final List<String> COLS = List.of("id", "name", "amount");

    /** One step: rows to upsert (id -> [name, amount]) and ids to delete. */
    record Step(Map<Integer, List<String>> upserts, List<Integer> deletes) {
    }

    Path tmp;

    @BeforeProperty
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("versions-prop");
    }

    @AfterProperty
    void tearDown() throws IOException {
        try (var s = Files.walk(tmp)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<Map<Integer, List<String>>> rows() {
        Arbitrary<List<String>> values = Combinators.combine(
                Arbitraries.of("alpha", "beta", "gamma, inc", "quote \"q\"", "Ñandú", "=SUM(A1)", "line\nbreak"),
                Arbitraries.bigDecimals().between(new java.math.BigDecimal("-1000"), new java.math.BigDecimal("1000"))
                        .ofScale(2).map(java.math.BigDecimal::toPlainString))
                .as((n, a) -> List.of(n, a));
        return Arbitraries.maps(Arbitraries.integers().between(1, 30), values).ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(rows(), Arbitraries.integers().between(1, 30).list().ofMaxSize(5))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 40)
    void upsertsDiffsAndHistoryAgree(@ForAll("rows") Map<Integer, List<String>> initial,
                                     @ForAll("steps") List<Step> steps) throws Exception {
        Path run = Files.createTempDirectory(tmp, "run");
        DatasetId id = DatasetId.of("prop", "t");
        try (DataStore store = new DataStore(new InMemoryBlobStore("prop"));
             Versions v = new Versions(store, run.resolve("work"), 1, "256MB")) {
            List<LinkedHashMap<Integer, List<String>>> models = new ArrayList<>();
            LinkedHashMap<Integer, List<String>> model = new LinkedHashMap<>(initial);
            store.publish(id, PackageSource.of(DESCRIPTOR.getBytes(StandardCharsets.UTF_8),
                    Map.of("t.csv", csv(model).getBytes(StandardCharsets.UTF_8))), 0L);
            models.add(new LinkedHashMap<>(model));
            int n = 0;
            for (Step s : steps) {
                n++;
                List<Integer> deletes = s.deletes().stream().distinct().filter(k -> !s.upserts().containsKey(k)).toList();
                Path pkg = run.resolve("pkg" + n);
                Files.createDirectories(pkg);
                Files.writeString(pkg.resolve("datapackage.json"), DESCRIPTOR);
                Files.writeString(pkg.resolve("t.csv"), csv(s.upserts()));
                Path del = run.resolve("del" + n + ".csv");
                StringBuilder d = new StringBuilder("id\r\n");
                deletes.forEach(k -> d.append(k).append("\r\n"));
                Files.writeString(del, d);
                Revision latest = store.revision(id, null);
                Path staged = run.resolve("staged" + n);
                Upsert.Result r = Upsert.stage(v, store, latest, pkg, del, staged);
                store.publish(id, PackageSource.directory(staged), latest.revision());
                deletes.forEach(model::remove);
                model.putAll(s.upserts());
                models.add(new LinkedHashMap<>(model));
                assertThat(r.rows()).isEqualTo(model.size());
            }
            Revision latest = store.revision(id, null);
            for (int i = 0; i < models.size(); i++) {
                Revision rev = store.revision(id, (long) i + 1);
                // (1) the full data of each revision is the model, in order
                assertThat(read(store, rev)).as("revision %d", i + 1).isEqualTo(new ArrayList<>(models.get(i).entrySet()
                        .stream().map(e -> row(e.getKey(), e.getValue())).toList()));
                // (2) the as-of view from the history equals the data published at that revision
                Map<String, Map<String, String>> asOf = new TreeMap<>();
                long live = History.asOf(v, latest, null, rev.revision(), row -> {
                    assertThat(asOf.put(row.get("id"), row)).as("one live version per key").isNull();
                });
                assertThat(asOf).as("as-of %d", i + 1).isEqualTo(keyed(models.get(i)));
                assertThat(live).isEqualTo(models.get(i).size());
            }
            // (3) apply(diff(R1, R2), R1) == R2 for every pair
            for (int i = 0; i < models.size(); i++) {
                for (int j = 0; j < models.size(); j++) {
                    Map<String, Map<String, String>> state = keyed(models.get(i));
                    Diff.Counts c = Diff.each(v, store.revision(id, (long) i + 1), store.revision(id, (long) j + 1), null,
                            e -> apply(state, e));
                    assertThat(state).as("diff %d..%d", i + 1, j + 1).isEqualTo(keyed(models.get(j)));
                    assertThat(c.toRows()).isEqualTo(models.get(j).size());
                    if (i == j) {
                        assertThat(c.added() + c.removed() + c.changed()).isZero();
                    }
                }
            }
        }
    }

    static void apply(Map<String, Map<String, String>> state, Diff.Entry e) {
        String k = e.key().get("id");
        switch (e.op()) {
            case "added" -> {
                assertThat(state).doesNotContainKey(k);
                Map<String, String> row = new LinkedHashMap<>(e.key());
                row.putAll(e.neu());
                state.put(k, row);
            }
            case "removed" -> assertThat(state.remove(k)).isNotNull();
            case "changed" -> {
                Map<String, String> row = state.get(k);
                assertThat(row).isNotNull();
                e.changed().forEach(col -> {
                    assertThat(row.get(col)).isEqualTo(e.old().get(col));
                    row.put(col, e.neu().get(col));
                });
            }
            default -> throw new AssertionError(e.op());
        }
    }

    static Map<String, Map<String, String>> keyed(Map<Integer, List<String>> model) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        model.forEach((k, v) -> {
            Map<String, String> row = new LinkedHashMap<>();
            List<String> r = row(k, v);
            for (int i = 0; i < COLS.size(); i++) {
                row.put(COLS.get(i), r.get(i));
            }
            out.put(String.valueOf(k), row);
        });
        return out;
    }

    static List<String> row(int k, List<String> v) {
        return List.of(String.valueOf(k), v.get(0), v.get(1));
    }

    static String csv(Map<Integer, List<String>> rows) {
        StringWriter w = new StringWriter();
        try (CsvWriter c = CsvWriter.builder().build(w)) {
            c.writeRecord(COLS);
            rows.forEach((k, v) -> c.writeRecord(row(k, v)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return w.toString();
    }

    static List<List<String>> read(DataStore store, Revision rev) throws IOException {
        try (var in = store.open(rev, "t.csv");
             CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<List<String>> out = new ArrayList<>();
            boolean header = true;
            for (CsvRecord rec : r) {
                if (header) {
                    assertThat(rec.getFields()).isEqualTo(COLS);
                    header = false;
                } else {
                    out.add(rec.getFields());
                }
            }
            return out;
        }
    }
}
