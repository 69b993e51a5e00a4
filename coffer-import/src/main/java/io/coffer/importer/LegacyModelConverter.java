package io.coffer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
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
import java.util.function.Function;

/**
 * Converts a legacy OpenSpending / babbage dataset export (a model JSON with {@code fact_table}, measures,
 * dimensions whose attribute columns may live in star-joined dimension tables, plus the CSVs, whose
 * headers may carry {@code name:type}) into a denormalised Fiscal Data Package: one column per attribute,
 * the model's dimensions, key and label attributes, and measures under the same names. The fact table is
 * streamed; dimension tables are held in memory, capped at {@link #MAX_DIMENSION_ROWS} rows each.
 */
public final class LegacyModelConverter {
    public static final int MAX_DIMENSION_ROWS = 1_000_000;

    private LegacyModelConverter() {
    }

    /** Whether a JSON document looks like a legacy model (a {@code fact_table} and dimensions). */
    public static boolean isLegacyModel(JsonNode n) {
        return n.isObject() && n.has("fact_table") && n.has("dimensions");
    }

    /**
     * Writes the package into {@code target}: {@code datapackage.json} and {@code data/<fact>.csv}.
     * {@code tables} is the directory holding {@code <table>.csv} files.
     */
    public static void convert(JsonNode model, Path tables, Path target, String currency, List<String> notes)
            throws IOException {
        String fact = model.path("fact_table").asText();
        if (!PackagePath.isValid(fact + ".csv")) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "fact_table '" + fact + "' is not a file name");
        }
        Path factFile = tables.resolve(fact + ".csv");
        if (!Files.isRegularFile(factFile)) {
            throw new CofferException(ErrorCode.INVALID_DATA, "the fact table " + fact + ".csv is not in the export");
        }
        List<String> factHeader;
        Map<String, String> factTypes = new HashMap<>();
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(factFile)) {
            var it = r.iterator();
            if (!it.hasNext()) {
                throw new CofferException(ErrorCode.INVALID_DATA, fact + ".csv is empty");
            }
            factHeader = splitTypes(it.next().getFields(), factTypes);
        }
        Map<String, Integer> factIndex = new HashMap<>();
        for (int i = 0; i < factHeader.size(); i++) {
            factIndex.put(factHeader.get(i), i);
        }

        List<String> header = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<Function<List<String>, String>> getters = new ArrayList<>();
        ObjectNode measures = Json.object();
        ObjectNode dims = Json.object();
        Map<String, Map<String, Map<String, String>>> joinedTables = new HashMap<>();

        for (var m : model.path("measures").properties()) {
            String col = stripTable(m.getValue().path("column").asText(m.getKey()), fact);
            Integer idx = factIndex.get(col);
            if (idx == null) {
                throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "measure '" + m.getKey() + "' names column '"
                        + col + "', which " + fact + ".csv does not have");
            }
            header.add(m.getKey());
            types.add(numeric(factTypes.get(col)) ? factTypes.get(col) : "number");
            getters.add(row -> cell(row, idx));
            measures.putObject(m.getKey()).put("source", m.getKey()).put("currency", currency)
                    .put("title", m.getValue().path("label").asText(m.getKey()));
        }
        for (var d : model.path("dimensions").properties()) {
            JsonNode dim = d.getValue();
            String key = dim.path("key_attribute").asText(null);
            String label = dim.path("label_attribute").asText(null);
            ObjectNode attrs = Json.object();
            for (var a : dim.path("attributes").properties()) {
                String column = a.getValue().path("column").asText(a.getKey());
                String field = d.getKey() + "_" + a.getKey();
                int dot = column.indexOf('.');
                String type = "date".equals(a.getValue().path("type").asText()) ? "date" : "string";
                if (dot > 0 && !column.substring(0, dot).equals(fact)) {
                    // Star join: fact[join column] = table[key column of the dimension].
                    String table = column.substring(0, dot);
                    String dimCol = column.substring(dot + 1);
                    JsonNode jc = dim.path("join_column");
                    String factCol = jc.isArray() ? jc.get(0).asText() : jc.asText(d.getKey());
                    String keyColumn = dim.path("attributes").path(key).path("column").asText("");
                    String keyCol = jc.isArray() ? jc.get(1).asText()
                            : keyColumn.contains(".") ? keyColumn.substring(keyColumn.indexOf('.') + 1) : keyColumn;
                    Integer fidx = factIndex.get(factCol);
                    if (fidx == null) {
                        throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "dimension '" + d.getKey()
                                + "' joins on column '" + factCol + "', which " + fact + ".csv does not have");
                    }
                    Map<String, Map<String, String>> byKey = joinedTables.computeIfAbsent(table + "/" + keyCol,
                            x -> readTable(tables, table, keyCol, notes));
                    getters.add(row -> {
                        Map<String, String> joined = byKey.get(cell(row, fidx));
                        return joined == null ? null : joined.get(dimCol);
                    });
                } else {
                    String col = stripTable(column, fact);
                    Integer idx = factIndex.get(col);
                    if (idx == null) {
                        throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "attribute '" + d.getKey() + "."
                                + a.getKey() + "' names column '" + col + "', which " + fact + ".csv does not have");
                    }
                    getters.add(row -> cell(row, idx));
                    if (factTypes.containsKey(col)) {
                        type = factTypes.get(col);
                    }
                }
                header.add(field);
                types.add(type);
                ObjectNode attr = attrs.putObject(a.getKey()).put("source", field)
                        .put("title", a.getValue().path("label").asText(a.getKey()));
                if (label != null && a.getKey().equals(label) && !label.equals(key)) {
                    attr.put("labelfor", key);
                }
            }
            ObjectNode dj = dims.putObject(d.getKey());
            if (dim.has("label")) {
                dj.put("title", dim.path("label").asText());
            }
            dj.set("attributes", attrs);
            dj.put("primaryKey", key == null ? attrs.fieldNames().next() : key);
        }

        Path data = Files.createDirectories(target.resolve("data"));
        long rows = 0;
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(factFile);
             Writer w = Files.newBufferedWriter(data.resolve(fact + ".csv"), StandardCharsets.UTF_8);
             CsvWriter csv = CsvWriter.builder().build(w)) {
            csv.writeRecord(header);
            boolean first = true;
            for (CsvRecord rec : r) {
                if (first) {
                    first = false;
                    continue;
                }
                List<String> row = rec.getFields();
                csv.writeRecord(getters.stream().map(g -> {
                    String v = g.apply(row);
                    return v == null ? "" : v;
                }).toList());
                rows++;
            }
        }
        ObjectNode pkg = Json.object();
        pkg.put("name", fact);
        pkg.put("title", model.path("label").asText(model.path("title").asText(fact)));
        ObjectNode res = pkg.putArray("resources").addObject();
        res.put("name", fact).put("path", "data/" + fact + ".csv").put("format", "csv").put("mediatype", "text/csv")
                .put("encoding", "utf-8");
        ArrayNode fields = res.putObject("schema").putArray("fields");
        for (int i = 0; i < header.size(); i++) {
            fields.addObject().put("name", header.get(i)).put("type", types.get(i));
        }
        ObjectNode m = pkg.putObject("model");
        m.set("measures", measures);
        m.set("dimensions", dims);
        Files.write(target.resolve("datapackage.json"), Json.write(pkg));
        notes.add("converted legacy model: " + rows + " facts, " + measures.size() + " measure(s), "
                + dims.size() + " dimension(s)");
    }

    private static String cell(List<String> row, int idx) {
        if (idx >= row.size()) {
            return null;
        }
        String v = row.get(idx);
        return v.isEmpty() ? null : v;
    }

    private static boolean numeric(String type) {
        return "integer".equals(type) || "number".equals(type);
    }

    private static String stripTable(String column, String fact) {
        return column.startsWith(fact + ".") ? column.substring(fact.length() + 1) : column;
    }

    /** babbage's {@code name:type} header convention. */
    static List<String> splitTypes(List<String> header, Map<String, String> types) {
        List<String> names = new ArrayList<>();
        for (String h : header) {
            int c = h.indexOf(':');
            String name = c < 0 ? h : h.substring(0, c);
            names.add(name);
            if (c >= 0) {
                types.put(name, h.substring(c + 1));
            }
        }
        return names;
    }

    private static Map<String, Map<String, String>> readTable(Path dir, String table, String keyCol, List<String> notes) {
        if (!PackagePath.isValid(table + ".csv")) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "table '" + table + "' is not a file name");
        }
        Path file = dir.resolve(table + ".csv");
        Map<String, Map<String, String>> byKey = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            notes.add("dimension table " + table + ".csv is missing: its attributes are left empty");
            return byKey;
        }
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(file)) {
            List<String> names = null;
            for (CsvRecord rec : r) {
                if (names == null) {
                    names = splitTypes(rec.getFields(), new HashMap<>());
                    continue;
                }
                if (byKey.size() >= MAX_DIMENSION_ROWS) {
                    throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "dimension table " + table
                            + ".csv has more than " + MAX_DIMENSION_ROWS + " rows");
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    String v = i < rec.getFieldCount() ? rec.getField(i) : "";
                    row.put(names.get(i), v.isEmpty() ? null : v);
                }
                byKey.put(row.get(keyCol), row);
            }
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INVALID_DATA, "cannot read " + table + ".csv: " + e.getMessage(), e);
        }
        notes.add("joined dimension table " + table + ".csv (" + byKey.size() + " rows)");
        return byKey;
    }
}
