package io.coffer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.engine.babbage.BabbageService;
import io.coffer.engine.babbage.FactsRequest;
import io.coffer.engine.babbage.MembersRequest;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What babbage users asked for and never got (negative cuts, ranges, cuts on dates), number formats with
 * decimal commas, CSV formula neutralisation, and SQL injection attempts through every parameter.
 */
class ExtensionsTest {
    static final DatasetId ID = DatasetId.of("test", "ext");
    @TempDir
    static Path tmp;
    static DataStore store;
    static CofferEngine engine;
    static BabbageService api;

    static final String CSV = """
            id;day;yr;region;label;amount;flag
            1;01/01/2015;2015;north;"=HYPERLINK(""http://x"")";1.000,50;true
            2;15/06/2015;2015;south;+cmd;-200,25;false
            3;31/12/2015;2015;;-minus;300;true
            4;01/01/2016;2016;north;@at;0,05;false
            5;29/02/2016;2016;east;plain;10.000;true
            6;01/03/2017;2017;south;"\ttab";7,00;
            """;

    static final String DESCRIPTOR = """
            {"name": "ext", "title": "Extensions",
             "resources": [{"name": "spend", "path": "spend.csv", "format": "csv",
               "dialect": {"delimiter": ";"},
               "schema": {"fields": [
                 {"name": "id", "type": "integer"},
                 {"name": "day", "type": "date", "format": "%d/%m/%Y"},
                 {"name": "yr", "type": "integer"},
                 {"name": "region", "type": "string"},
                 {"name": "label", "type": "string"},
                 {"name": "amount", "type": "number", "decimalChar": ",", "groupChar": "."},
                 {"name": "flag", "type": "boolean"}]}}],
             "model": {
               "measures": {"amount": {"source": "amount", "currency": "EUR"}},
               "dimensions": {
                 "date": {"dimensionType": "datetime", "attributes": {"day": {"source": "day"},
                          "year": {"source": "yr"}}, "primaryKey": "day"},
                 "region": {"attributes": {"name": {"source": "region"}}, "primaryKey": "name"},
                 "label": {"attributes": {"text": {"source": "label"}}, "primaryKey": "text"},
                 "flag": {"attributes": {"value": {"source": "flag"}}, "primaryKey": "value"},
                 "line": {"dimensionType": "fact", "attributes": {"id": {"source": "id"}}, "primaryKey": "id"}}}}
            """;

    @BeforeAll
    static void load() throws Exception {
        Path dir = tmp.resolve("pkg");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("spend.csv"), CSV);
        Files.writeString(dir.resolve("datapackage.json"), DESCRIPTOR);
        store = Fixtures.memoryStore();
        Fixtures.publish(store, "test", "ext", dir);
        engine = Fixtures.engine(store, tmp.resolve("cache"));
        api = engine.babbage();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static Map<String, List<String>> q(String... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
        }
        return m;
    }

    static JsonNode summary(String cut) {
        return api.aggregate(ID, null, AggregateRequest.fromQuery(q("cut", cut))).path("summary");
    }

    static long count(String cut) {
        return summary(cut).path("_count").asLong();
    }

    @Test
    void decimalCommaAndGroupCharAreExact() {
        JsonNode all = summary("");
        assertThat(all.path("_count").asLong()).isEqualTo(6);
        assertThat(all.path("amount.sum").decimalValue()).isEqualTo(new BigDecimal("11107.30"));
    }

    @Test
    void negativeCutsKeepNullsUnlessNamed() {
        assertThat(count("!region.name:\"north\"")).isEqualTo(4);
        assertThat(summary("!region.name:\"north\"").path("amount.sum").decimalValue())
                .isEqualByComparingTo("10106.75");
        assertThat(count("!region.name:\"north\";")).isEqualTo(3);
        assertThat(count("region.name:")).isEqualTo(1);
        assertThat(count("!region:\"north\";\"south\"|date.year:2015..2016")).isEqualTo(2);
        ObjectNode a = api.aggregate(ID, null, AggregateRequest.fromQuery(q("cut", "!region.name:\"north\"")));
        assertThat(a.path("cell").toString())
                .isEqualTo("[{\"ref\":\"region.name\",\"operator\":\"!:\",\"value\":[\"north\"]}]");
    }

    @Test
    void rangesOnIntegersAndStrings() {
        assertThat(count("date.year:2015..2016")).isEqualTo(5);
        assertThat(count("date.year:2016..")).isEqualTo(3);
        assertThat(count("date.year:..2015")).isEqualTo(3);
        assertThat(count("date.year:2015..2015;2017")).isEqualTo(4);
        assertThat(count("region.name:\"east\"..\"north\"")).isEqualTo(3);
        assertThat(count("line.id:2..4")).isEqualTo(3);
        ObjectNode a = api.aggregate(ID, null, AggregateRequest.fromQuery(q("cut", "date.year:2016..")));
        assertThat(a.path("cell").get(0).path("value").toString()).isEqualTo("[{\"from\":2016,\"to\":null}]");
    }

    @Test
    void cutsOnDatesWork() {
        assertThat(count("date.day:2015-06-15")).isEqualTo(1);
        assertThat(count("date.day:\"2015-06-15\"")).isEqualTo(1);
        assertThat(count("date:2015-06-15")).isEqualTo(1);
        assertThat(count("date.day:2015")).isEqualTo(3);
        assertThat(count("date.day:\"2016-02\"")).isEqualTo(1);
        assertThat(count("date.day:2015-06-01..2016-01-01")).isEqualTo(3);
        assertThat(count("date.day:2015..2016")).isEqualTo(5);
        assertThat(count("!date.day:2015")).isEqualTo(3);
        ObjectNode facts = api.facts(ID, null, FactsRequest.fromQuery(q("fields", "date.day,amount", "order",
                "date.day:desc", "pagesize", "1")));
        assertThat(facts.path("data").get(0).path("date.day").asText()).isEqualTo("2017-03-01");
        assertThat(facts.path("data").get(0).path("amount").decimalValue()).isEqualByComparingTo("7.00");
        ObjectNode years = api.aggregate(ID, null, AggregateRequest.fromQuery(q("drilldown", "date.year")));
        assertThat(years.path("cells")).hasSize(3);
        assertThat(years.path("cells").get(0).path("date.year").asLong()).isEqualTo(2015);
        assertBadRequest(() -> count("date.day:\"someday\""), "date.day");
        assertBadRequest(() -> count("date.day:2015-13-45"), "date.day");
    }

    @Test
    void booleansAndOrderingAndPaging() {
        assertThat(count("flag.value:true")).isEqualTo(3);
        assertThat(count("flag:\"false\"")).isEqualTo(2);
        ObjectNode ordered = api.aggregate(ID, null, AggregateRequest.fromQuery(q("drilldown", "region",
                "order", "amount.sum:desc", "pagesize", "2")));
        assertThat(ordered.path("total_cell_count").asLong()).isEqualTo(4);
        assertThat(ordered.path("cells").get(0).path("region.name").asText()).isEqualTo("east");
        assertThat(ordered.path("cells").get(1).path("region.name").asText()).isEqualTo("north");
        ObjectNode page2 = api.aggregate(ID, null, AggregateRequest.fromQuery(q("drilldown", "region",
                "order", "amount.sum:desc", "pagesize", "2", "page", "2")));
        // The row without a region is a member too (NULL), ordered by its amount like any other.
        assertThat(page2.path("cells").get(0).path("region.name").isNull()).isTrue();
        assertThat(page2.path("cells").get(1).path("region.name").asText()).isEqualTo("south");
        ObjectNode clamped = api.aggregate(ID, null, AggregateRequest.fromQuery(q("drilldown", "region",
                "pagesize", "1000000")));
        assertThat(clamped.path("page_size").asInt()).isEqualTo(EngineConfig.DEFAULT_MAX_PAGE_SIZE);
        ObjectNode members = api.members(ID, null, "region", MembersRequest.fromQuery(q("cut", "date.year:2015")));
        assertThat(members.path("total_member_count").asLong()).isEqualTo(3);
        ObjectNode avg = api.aggregate(ID, null, AggregateRequest.fromQuery(q("aggregates",
                "amount.avg|amount.min|amount.max|amount.count", "cut", "region:\"north\"")));
        assertThat(avg.path("summary").path("amount.avg").decimalValue()).isEqualByComparingTo("500.275");
        assertThat(avg.path("summary").path("amount.min").decimalValue()).isEqualByComparingTo("0.05");
        assertThat(avg.path("summary").path("amount.max").decimalValue()).isEqualByComparingTo("1000.50");
        assertThat(avg.path("summary").path("amount.count").asLong()).isEqualTo(2);
    }

    @Test
    void csvNeutralisesFormulasInTextOnly() {
        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        api.aggregateCsv(ID, null, AggregateRequest.fromQuery(q("drilldown", "label.text", "aggregates",
                "amount.sum", "order", "amount.sum", "format", "csv")), out2);
        String csv = out2.toString(StandardCharsets.UTF_8);
        assertThat(csv).isEqualTo("amount.sum,label.text\r\n"
                + "-200.25,'+cmd\r\n"
                + "0.05,'@at\r\n"
                + "7.00,'\ttab\r\n"
                + "300.00,'-minus\r\n"
                + "1000.50,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"
                + "10000.00,plain\r\n");
    }

    @Test
    void injectionAttemptsAreRefusedOrHarmless() {
        String[] badRefs = {"region.name\"; DROP TABLE x; --", "region.name') OR 1=1 --", "\"a0\"", "a0", "_id",
                "m0", "read_parquet('/etc/passwd')"};
        for (String ref : badRefs) {
            assertBadRequest(() -> count(ref + ":\"x\""), "");
            assertBadRequest(() -> api.aggregate(ID, null, AggregateRequest.fromQuery(q("drilldown", ref))), "");
            assertBadRequest(() -> api.aggregate(ID, null, AggregateRequest.fromQuery(q("drilldown", "region",
                    "order", ref))), "");
            assertBadRequest(() -> api.facts(ID, null, FactsRequest.fromQuery(q("fields", ref))), "");
            assertBadRequest(() -> api.members(ID, null, ref, MembersRequest.fromQuery(q())), "");
        }
        assertThat(count("region.name:\"x' OR '1'='1\"")).isZero();
        assertThat(count("region.name:\"north\\\"; DROP TABLE t; --\"")).isZero();
        assertThat(count("label.text:\"=HYPERLINK(\\\"http://x\\\")\"")).isEqualTo(1);
        assertThat(count("")).isEqualTo(6);
    }

    @Test
    void cacheIsRebuiltWhenMissingAndKeyedByRevision() throws Exception {
        LoadedCube first = engine.cube(ID, null);
        Files.delete(first.parquet());
        engine.forgetLoaded();
        assertThat(count("")).isEqualTo(6);
        assertThat(Files.exists(engine.cube(ID, null).parquet())).isTrue();

        Path dir = tmp.resolve("pkg2");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("spend.csv"), CSV.lines().limit(3).reduce("", (a, b) -> a + b + "\n"));
        Files.writeString(dir.resolve("datapackage.json"), DESCRIPTOR);
        Fixtures.publish(store, "test", "ext", dir);
        assertThat(count("")).isEqualTo(2);
        assertThat(api.aggregate(ID, 1L, AggregateRequest.fromQuery(q())).path("summary").path("_count").asLong())
                .isEqualTo(6);
        assertThat(engine.cube(ID, 2L).parquet()).isNotEqualTo(engine.cube(ID, 1L).parquet());
    }

    static void assertBadRequest(Runnable r, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOf(CofferException.class)
                .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining(messagePart);
    }
}
