package io.coffer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.engine.babbage.BabbageService;
import io.coffer.engine.babbage.FactsRequest;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Fiscal Data Packages from the corpus: totals from their SOURCE.txt, factors, static aggregates. */
class CorpusTest {
    static final DatasetId UK = DatasetId.of("gb", "ukgov-cra");
    static final DatasetId MD = DatasetId.of("md", "boost-moldova-2014");
    @TempDir
    static Path tmp;
    static DataStore store;
    static CofferEngine engine;
    static BabbageService api;
    static Revision ukRev;
    static Revision mdRev;

    @BeforeAll
    static void load() {
        store = Fixtures.memoryStore();
        ukRev = Fixtures.publish(store, "gb", "ukgov-cra", Fixtures.corpus().resolve("ukgov-cra-sample"));
        mdRev = Fixtures.publish(store, "md", "boost-moldova-2014", Fixtures.corpus().resolve("boost-moldova-2014"));
        engine = Fixtures.engine(store, tmp.resolve("cache"));
        api = engine.babbage();
    }

    @AfterAll
    static void close() {
        // null when the set-up failed: its error is the one to report, not an NPE here.
        if (engine != null) {
            engine.close();
        }
    }

    static ObjectNode aggregate(DatasetId id, String drilldown, String cut, String order) {
        return api.aggregate(id, null, AggregateRequest.of(drilldown, cut, order));
    }

    @Test
    void ukgovTotalsPerSourceTxt() {
        ObjectNode all = aggregate(UK, null, null, null);
        assertThat(all.path("summary").path("amount.sum").decimalValue()).isEqualTo(new BigDecimal("12008553000.04"));
        assertThat(all.path("summary").path("_count").asLong()).isEqualTo(2000);
        ObjectNode by = aggregate(UK, "cofog1.name", null, "cofog1.name");
        Map<String, BigDecimal> got = new TreeMap<>();
        by.path("cells").forEach(c -> got.put(c.path("cofog1.name").asText(), c.path("amount.sum").decimalValue()));
        assertThat(got).hasSize(6);
        assertThat(got.get("01")).isEqualByComparingTo("4332373000.04");
        assertThat(got.get("04")).isEqualByComparingTo("288280000.00");
        assertThat(got.get("05")).isEqualByComparingTo("963400000.0");
        assertThat(got.get("07")).isEqualByComparingTo("976900000.0");
        assertThat(got.get("08")).isEqualByComparingTo("4461700000.0");
        assertThat(got.get("09")).isEqualByComparingTo("985900000.0");
        // Exact JSON number, no float rounding.
        assertThat(new String(Json.write(all.path("summary")), StandardCharsets.UTF_8)).contains("12008553000.04");
        // A cut on the key by its bare dimension name, and the label attribute's ref.
        assertThat(aggregate(UK, null, "cofog1:\"01\"", null).path("summary").path("amount.sum").decimalValue())
                .isEqualByComparingTo("4332373000.04");
    }

    @Test
    void moldovaFactorsApplied() throws Exception {
        ObjectNode first = api.facts(MD, null, FactsRequest.fromQuery(Map.of("pagesize", List.of("1"),
                "fields", List.of("approved,adjusted,executed"))));
        JsonNode row = first.path("data").get(0);
        assertThat(row.path("approved").decimalValue()).isEqualByComparingTo("49756100000");
        assertThat(row.path("executed").decimalValue()).isEqualByComparingTo("5171022338");
        assertThat(row.path("adjusted").decimalValue()).isEqualByComparingTo("51906100");
        // Raw column totals from SOURCE.txt, times each measure's factor.
        ObjectNode all = aggregate(MD, null, null, null);
        assertThat(all.path("summary").path("approved.sum").decimalValue())
                .isEqualByComparingTo(new BigDecimal("730448500").multiply(BigDecimal.valueOf(1000)));
        assertThat(all.path("summary").path("adjusted.sum").decimalValue()).isEqualByComparingTo("779486656.62");
        assertThat(all.path("summary").path("executed.sum").decimalValue())
                .isEqualByComparingTo(new BigDecimal("738288201.78").multiply(BigDecimal.valueOf(100)));
        // Hierarchical dimension: its top level is the key; column names with '!', '*' and spaces work.
        ObjectNode byFunc = aggregate(MD, "functional-classification.func1_code", null, null);
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode c : byFunc.path("cells")) {
            sum = sum.add(c.path("adjusted.sum").decimalValue());
        }
        assertThat(sum).isEqualByComparingTo("779486656.62");
        assertThat(api.model(MD, null).path("model").path("measures").path("approved").path("factor").decimalValue())
                .isEqualByComparingTo("1000");
        assertThat(aggregate(MD, null, "administrative-classification.admin2_label:\"Parliament\"", null)
                .path("summary").path("_count").asLong()).isPositive();
    }

    @Test
    void staticAggregatesOfUkgov() throws Exception {
        List<String> keys = engine.staticAggregates().write(ukRev);
        String prefix = "datasets/gb/ukgov-cra/derived/" + ukRev.dir() + "/aggregates/";
        assertThat(keys).contains(prefix + "by-cofog1.csv", prefix + "by-cofog1.json", prefix + "by-year.csv",
                prefix + "by-year.json", prefix + "index.json");
        assertThat(keys.get(keys.size() - 1)).isEqualTo(prefix + "index.json");
        assertThat(engine.staticAggregates().list(ukRev)).contains("by-cofog1.csv", "by-time.json", "index.json");

        JsonNode index = engine.staticAggregates().index(ukRev).orElseThrow();
        // 13 dimensions, plus the years of the datetime dimension 'time'.
        assertThat(index.path("files").size()).isEqualTo(14);
        JsonNode cofog;
        try (InputStream in = engine.staticAggregates().read(ukRev, "by-cofog1.json").orElseThrow()) {
            cofog = Json.parse(in, "by-cofog1.json");
        }
        assertThat(cofog.path("attributes").toString()).isEqualTo("[\"cofog1.name\",\"cofog1.label\"]");
        assertThat(cofog.path("cells").get(0).path("amount.sum").decimalValue()).isEqualByComparingTo("4461700000.0");
        assertThat(cofog.path("summary").path("amount.sum").decimalValue()).isEqualByComparingTo("12008553000.04");
        assertThat(cofog.path("truncated").asBoolean()).isFalse();
        String csv;
        try (InputStream in = engine.staticAggregates().read(ukRev, "by-cofog1.csv").orElseThrow()) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(csv).startsWith("_count,amount.sum,cofog1.label,cofog1.name\r\n");
        assertThat(csv.lines()).hasSize(7);

        // Years: the time dimension's integer 'year' attribute; checked against a direct pass over the CSV.
        Map<Long, BigDecimal> expected = new TreeMap<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(
                Fixtures.corpus().resolve("ukgov-cra-sample/dataset.csv"))) {
            r.forEach(rec -> expected.merge(Long.parseLong(rec.getField("time_year")),
                    new BigDecimal(rec.getField("amount")), BigDecimal::add));
        }
        JsonNode years;
        try (InputStream in = engine.staticAggregates().read(ukRev, "by-year.json").orElseThrow()) {
            years = Json.parse(in, "by-year.json");
        }
        Map<Long, BigDecimal> got = new TreeMap<>();
        years.path("cells").forEach(c -> got.put(c.path("year").asLong(), c.path("amount.sum").decimalValue()));
        assertThat(got).hasSameSizeAs(expected);
        expected.forEach((y, v) -> assertThat(got.get(y)).isEqualByComparingTo(v));
        assertThat(engine.staticAggregates().read(ukRev, "nosuch.csv")).isEmpty();
    }

    @Test
    void staticAggregatesOfMoldovaHaveYearAndFactors() throws Exception {
        engine.staticAggregates().write(mdRev);
        JsonNode years;
        try (InputStream in = engine.staticAggregates().read(mdRev, "by-year.json").orElseThrow()) {
            years = Json.parse(in, "by-year.json");
        }
        assertThat(years.path("cells")).hasSize(1);
        assertThat(years.path("cells").get(0).path("year").asLong()).isEqualTo(2014);
        assertThat(years.path("cells").get(0).path("approved.sum").decimalValue())
                .isEqualByComparingTo("730448500000");
    }
}
