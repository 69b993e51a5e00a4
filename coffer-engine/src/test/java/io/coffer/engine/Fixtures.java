package io.coffer.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.Stores;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test data: the shared corpus, and babbage's star-schema fixture turned into a Fiscal Data Package. */
final class Fixtures {
    private Fixtures() {
    }

    /** {@code shared/corpus}, found by the project's one corpus finder ({@code COFFER_CORPUS} in CI). */
    static Path corpus() {
        return io.coffer.testing.Corpus.root();
    }

    static DataStore memoryStore() {
        return Stores.open("memory:engine-" + UUID.randomUUID(), Map.of());
    }

    static Revision publish(DataStore store, String owner, String name, Path dir) {
        return store.publish(DatasetId.of(owner, name), PackageSource.directory(dir));
    }

    static CofferEngine engine(DataStore store, Path cache) {
        return new CofferEngine(store, EngineConfig.defaults().withCacheDir(cache).withResources(1, "512MB"));
    }

    /**
     * Converts babbage's test fixture (cra.csv with ':integer' typed headers, star-joined cap_or_cur.csv and
     * cofog1.csv, models/cra.json) into a denormalised FDP: one CSV column per babbage attribute, the babbage
     * model's dimensions, attributes, key and label attributes, and measures kept under the same names.
     */
    static Path babbageCra(Path target) throws IOException {
        Path src = corpus().resolve("babbage-test-fixtures");
        JsonNode model = Json.parse(Files.readAllBytes(src.resolve("models/cra.json")), "cra.json");
        String factTable = model.path("fact_table").asText();
        Table fact = Table.read(src.resolve(factTable + ".csv"));
        Map<String, Table> tables = new HashMap<>();

        List<String> header = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<java.util.function.Function<Map<String, String>, String>> getters = new ArrayList<>();
        ObjectNode dims = Json.object();
        ObjectNode measures = Json.object();
        for (var m : model.path("measures").properties()) {
            String col = m.getValue().path("column").asText();
            String field = "measure_" + m.getKey();
            header.add(field);
            types.add(fact.types.getOrDefault(col, "string"));
            getters.add(row -> row.get(col));
            measures.putObject(m.getKey()).put("source", field).put("currency", "GBP")
                    .put("title", m.getValue().path("label").asText());
        }
        for (var d : model.path("dimensions").properties()) {
            JsonNode dim = d.getValue();
            ObjectNode attrs = Json.object();
            String key = dim.path("key_attribute").asText();
            String label = dim.path("label_attribute").asText(null);
            for (var a : dim.path("attributes").properties()) {
                String column = a.getValue().path("column").asText();
                String field = d.getKey() + "_" + a.getKey();
                int dot = column.indexOf('.');
                if (dot > 0 && !column.substring(0, dot).equals(factTable)) {
                    // Star join: fact[join fact column] = table[join dimension column (default: the key's column)].
                    String table = column.substring(0, dot);
                    String dimCol = column.substring(dot + 1);
                    Table t = tables.computeIfAbsent(table, x -> Table.read(src.resolve(x + ".csv")));
                    JsonNode jc = dim.path("join_column");
                    String factCol = jc.isArray() ? jc.get(0).asText() : jc.asText();
                    String keyCol = jc.isArray() ? jc.get(1).asText()
                            : dim.path("attributes").path(key).path("column").asText().substring(dot + 1);
                    Map<String, Map<String, String>> byKey = new HashMap<>();
                    t.rows.forEach(r -> byKey.put(r.get(keyCol), r));
                    getters.add(row -> {
                        Map<String, String> joined = byKey.get(row.get(factCol));
                        return joined == null ? null : joined.get(dimCol);
                    });
                    types.add("date".equals(a.getValue().path("type").asText()) ? "date" : "string");
                } else {
                    String col = dot > 0 ? column.substring(dot + 1) : column;
                    getters.add(row -> row.get(col));
                    types.add(fact.types.containsKey(col) ? fact.types.get(col)
                            : "date".equals(a.getValue().path("type").asText()) ? "date" : "string");
                }
                header.add(field);
                ObjectNode attr = attrs.putObject(a.getKey()).put("source", field)
                        .put("title", a.getValue().path("label").asText());
                if (label != null && a.getKey().equals(label) && !label.equals(key)) {
                    attr.put("labelfor", key);
                }
            }
            ObjectNode dj = dims.putObject(d.getKey());
            dj.set("attributes", attrs);
            dj.put("primaryKey", key);
            dj.put("title", dim.path("label").asText());
        }
        Files.createDirectories(target);
        try (Writer w = Files.newBufferedWriter(target.resolve("cra.csv"), StandardCharsets.UTF_8);
             CsvWriter csv = CsvWriter.builder().build(w)) {
            csv.writeRecord(header);
            for (Map<String, String> row : fact.rows) {
                csv.writeRecord(getters.stream().map(g -> {
                    String v = g.apply(row);
                    return v == null ? "" : v;
                }).toList());
            }
        }
        ObjectNode pkg = Json.object();
        pkg.put("name", "cra");
        pkg.put("title", "Country Regional Analysis (babbage test fixture)");
        ObjectNode res = pkg.putArray("resources").addObject();
        res.put("name", "cra");
        res.put("path", "cra.csv");
        ArrayNode fields = res.putObject("schema").putArray("fields");
        for (int i = 0; i < header.size(); i++) {
            fields.addObject().put("name", header.get(i)).put("type", types.get(i));
        }
        ObjectNode m = pkg.putObject("model");
        m.set("measures", measures);
        m.set("dimensions", dims);
        Files.write(target.resolve("datapackage.json"), Json.write(pkg));
        return target;
    }

    /** A CSV read whole, with babbage's {@code name:type} header convention split off. */
    record Table(List<Map<String, String>> rows, Map<String, String> types) {
        static Table read(Path p) {
            try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(p)) {
                List<String> names = null;
                Map<String, String> types = new HashMap<>();
                List<Map<String, String>> rows = new ArrayList<>();
                for (CsvRecord rec : r) {
                    if (names == null) {
                        names = new ArrayList<>();
                        for (String h : rec.getFields()) {
                            int c = h.indexOf(':');
                            names.add(c < 0 ? h : h.substring(0, c));
                            if (c >= 0) {
                                types.put(h.substring(0, c), h.substring(c + 1));
                            }
                        }
                        continue;
                    }
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        String v = i < rec.getFieldCount() ? rec.getField(i) : "";
                        row.put(names.get(i), v.isEmpty() ? null : v);
                    }
                    rows.add(row);
                }
                return new Table(rows, types);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
