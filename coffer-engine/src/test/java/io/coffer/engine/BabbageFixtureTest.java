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
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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
 * babbage's own test fixture (cra) through Coffer's engine: the expectations of babbage's test suite
 * (tests/test_api.py, test_cube.py) and the response bodies captured from babbage 0.4.0.
 */
class BabbageFixtureTest {
    static final DatasetId CRA = DatasetId.of("babbage", "cra");
    @TempDir
    static Path tmp;
    static DataStore store;
    static CofferEngine engine;
    static BabbageService api;

    @BeforeAll
    static void load() throws Exception {
        store = Fixtures.memoryStore();
        Fixtures.publish(store, "babbage", "cra", Fixtures.babbageCra(tmp.resolve("cra-fdp")));
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

    static Map<String, List<String>> q(String... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
        }
        return m;
    }

    static ObjectNode aggregate(String... kv) {
        return api.aggregate(CRA, null, AggregateRequest.fromQuery(q(kv)));
    }

    static ObjectNode facts(String... kv) {
        return api.facts(CRA, null, FactsRequest.fromQuery(q(kv)));
    }

    static ObjectNode members(String ref, String... kv) {
        return api.members(CRA, null, ref, MembersRequest.fromQuery(q(kv)));
    }

    /** Round-trips through text so integers compare equal to the parsed verbatim bodies. */
    static JsonNode plain(JsonNode n) {
        return Json.parse(Json.write(n), "response");
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    static void assertBadRequest(Runnable r, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOf(CofferException.class)
                .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining(messagePart);
    }

    // ---------------------------------------------------------------- facts (test_cube.py, test_api.py)

    @Test
    void factsCountAllAndCuts() {
        assertThat(facts().path("total_fact_count").asLong()).isEqualTo(36);
        assertThat(facts("cut", "cofog1:\"4\"").path("total_fact_count").asLong()).isEqualTo(12);
        assertThat(facts("cut", "cofog1:\"4\";\"10\"").path("total_fact_count").asLong()).isEqualTo(23);
        assertThat(facts("cut", "cap_or_cur.label:\"Current Expenditure\"").path("total_fact_count").asLong())
                .isEqualTo(21);
        assertThat(facts("cut", "cap_or_cur.label:\"Current Expenditure\"", "fields", "cofog1")
                .path("total_fact_count").asLong()).isEqualTo(21);
        assertThat(facts("cut", "cap_or_cur.label:\"Current Expenditure\"", "fields", "cap_or_cur.code")
                .path("total_fact_count").asLong()).isEqualTo(21);
    }

    @Test
    void factsPagingOrderingAndFields() {
        ObjectNode f = facts("pagesize", "5");
        assertThat(f.path("data")).hasSize(5);
        assertThat(f.path("page_size").asInt()).isEqualTo(5);
        ObjectNode byAmount = facts("order", "amount:desc");
        BigDecimal first = byAmount.path("data").get(0).path("amount").decimalValue();
        for (JsonNode row : facts("pagesize", "100").path("data")) {
            assertThat(row.path("amount").decimalValue()).isLessThanOrEqualTo(first);
        }
        ObjectNode cofog = facts("cut", "cap_or_cur.label:\"Current Expenditure\"", "fields", "cofog1");
        // babbage's order: the key attribute first, then the others as modelled.
        assertThat(keys(cofog.path("data").get(0))).containsExactly("cofog1.name", "cofog1.change_date",
                "cofog1.description", "cofog1.label");
        ObjectNode page1 = facts("pagesize", "10", "page", "1");
        ObjectNode page2 = facts("pagesize", "10", "page", "2");
        assertThat(page1.path("data").get(0)).isNotEqualTo(page2.path("data").get(0));
        assertThat(facts("pagesize", "10", "page", "4").path("data")).hasSize(6);
    }

    @Test
    void factsVerbatimShape() {
        ObjectNode f = facts("fields", "cofog1.label,time.year,amount", "cut", "cofog1:\"4\"", "order", "amount:desc",
                "pagesize", "2");
        assertThat(keys(f)).containsExactly("total_fact_count", "data", "cell", "fields", "order", "page",
                "page_size", "status");
        JsonNode p = plain(f);
        assertThat(p.path("total_fact_count").asInt()).isEqualTo(12);
        assertThat(p.path("cell").asText()).isEqualTo("cofog1:\"4\"");
        assertThat(p.path("fields")).isEqualTo(Json.parse("[\"cofog1.label\", \"time.year\", \"amount\"]"
                .getBytes(StandardCharsets.UTF_8), "x"));
        assertThat(p.path("data").get(0)).isEqualTo(Json.parse(
                "{\"cofog1.label\": \"Economic affairs\", \"time.year\": 2009, \"amount\": 22400000}"
                        .getBytes(StandardCharsets.UTF_8), "x"));
        // babbage's second row is one of three tied rows (12100000 in 2008, 2009 and 2010).
        assertThat(p.path("data").get(1).path("amount").asLong()).isEqualTo(12100000);
        assertThat(p.path("order").toString()).isEqualTo("[[\"amount\",\"desc\"]]");
    }

    @Test
    void factsErrors() {
        assertBadRequest(() -> facts("cut", "cofog1:4"),
                "Invalid value 4 parsed as type 'integer' for cut cofog1 of type 'string'");
        assertBadRequest(() -> facts("cut", "cofogXX:\"4\""), "cofogXX");
        assertBadRequest(() -> facts("cut", "f oo:2015-01-04"), "f oo");
        assertBadRequest(() -> facts("fields", "cofog1,schnasel"), "schnasel");
        assertBadRequest(() -> facts("order", "nosuch:desc"), "nosuch");
        assertBadRequest(() -> facts("pagesize", "-1"), "pagesize");
        assertBadRequest(() -> facts("page", "0"), "page");
    }

    // ---------------------------------------------------------------- babbage's order, counts and messages

    @Test
    void keyAttributeComesFirstAndLeadsTheDefaultOrder() {
        ObjectNode m = members("cofog1", "pagesize", "2", "page", "2");
        assertThat(m.path("fields").get(0).asText()).isEqualTo("cofog1.name");
        assertThat(m.path("data").findValuesAsText("cofog1.name")).containsExactly("4", "6");
        assertThat(members("cofog1").path("data").findValuesAsText("cofog1.name")).containsExactly("10", "3", "4", "6");
        assertThat(aggregate("drilldown", "cofog1").path("attributes").get(0).asText()).isEqualTo("cofog1.name");
        List<String> fields = new ArrayList<>();
        facts("pagesize", "1").path("fields").forEach(f -> fields.add(f.asText()));
        assertThat(fields.indexOf("cofog1.name")).isLessThan(fields.indexOf("cofog1.change_date"));
    }

    @Test
    void noDrilldownNoCutIsOneCell() {
        ObjectNode all = aggregate();
        assertThat(all.path("total_cell_count").asInt()).isEqualTo(1);
        assertThat(all.path("cells")).hasSize(1);
        assertThat(all.path("summary").path("_count").asInt()).isEqualTo(36);
    }

    @Test
    void errorMessagesBeginWithBabbagesWords() {
        assertMessageStarts(() -> facts("fields", "cofog1,nosuch"), "Invalid field: 'nosuch'");
        assertMessageStarts(() -> aggregate("cut", "cofog1"), "expecting ':'");
        assertMessageStarts(() -> aggregate("drilldown", "cofog1", "order", "nosuch:desc"),
                "Invalid sorting criterion: ['nosuch', ':', 'desc']");
        assertMessageStarts(() -> facts("order", "nosuch"), "Invalid sorting criterion: 'nosuch'");
        assertMessageStarts(() -> members("cofog1", "order", "time.year"), "Invalid sorting criterion: 'time.year'");
        assertMessageStarts(() -> aggregate("drilldown", "nosuch"), "Invalid drilldown: 'nosuch'");
    }

    static void assertMessageStarts(Runnable r, String start) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CofferException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).startsWith(start);
        });
    }

    // ---------------------------------------------------------------- members

    @Test
    void members() {
        ObjectNode m = members("cofog1");
        assertThat(m.path("total_member_count").asInt()).isEqualTo(4);
        assertThat(m.path("data")).hasSize(4);
        assertThat(m.path("data").get(0).has("cofog1.name")).isTrue();
        assertThat(m.path("data").get(0).has("amount")).isFalse();
        assertThat(members("cap_or_cur", "order", "cap_or_cur.label:asc").path("data").get(0)
                .path("cap_or_cur.code").asText()).isEqualTo("CAP");
        assertThat(members("cap_or_cur", "order", "cap_or_cur.label:desc").path("data").get(0)
                .path("cap_or_cur.code").asText()).isEqualTo("CUR");
        ObjectNode p1 = members("cofog1", "pagesize", "2", "page", "1");
        ObjectNode p2 = members("cofog1", "pagesize", "2", "page", "2");
        assertThat(p1.path("data")).hasSize(2);
        assertThat(p2.path("data")).hasSize(2);
        assertThat(p1.path("data").get(0)).isNotEqualTo(p2.path("data").get(0));
        assertBadRequest(() -> members("nosuch"), "nosuch");
    }

    @Test
    void membersVerbatim() {
        JsonNode a = plain(members("cap_or_cur", "order", "cap_or_cur.label:desc"));
        assertThat(a).isEqualTo(Json.parse(("{\"total_member_count\": 2, \"data\": [{\"cap_or_cur.code\": \"CUR\","
                + " \"cap_or_cur.label\": \"Current Expenditure\"}, {\"cap_or_cur.code\": \"CAP\", \"cap_or_cur.label\":"
                + " \"Capital Expenditure\"}], \"cell\": [], \"fields\": [\"cap_or_cur.code\", \"cap_or_cur.label\"],"
                + " \"order\": [[\"cap_or_cur.label\", \"desc\"]], \"page\": 1, \"page_size\": 100, \"status\": \"ok\"}")
                .getBytes(StandardCharsets.UTF_8), "x"));
        JsonNode b = plain(members("time.year", "pagesize", "3"));
        assertThat(b).isEqualTo(Json.parse(("{\"total_member_count\": 8, \"data\": [{\"time.year\": 2003},"
                + " {\"time.year\": 2004}, {\"time.year\": 2005}], \"cell\": [], \"fields\": [\"time.year\"],"
                + " \"order\": [], \"page\": 1, \"page_size\": 3, \"status\": \"ok\"}").getBytes(StandardCharsets.UTF_8),
                "x"));
        assertThat(keys(b)).containsExactly("total_member_count", "data", "cell", "fields", "order", "page",
                "page_size", "status");
    }

    // ---------------------------------------------------------------- aggregate

    @Test
    void aggregateDrilldownAndSummary() {
        ObjectNode a = aggregate("drilldown", "cofog1");
        assertThat(a.path("total_cell_count").asInt()).isEqualTo(4);
        assertThat(a.path("cells")).hasSize(4);
        BigDecimal sum = BigDecimal.ZERO;
        long count = 0;
        for (JsonNode c : a.path("cells")) {
            assertThat(c.has("cofog1.name")).isTrue();
            sum = sum.add(c.path("amount.sum").decimalValue());
            count += c.path("_count").asLong();
        }
        assertThat(a.path("summary").path("amount.sum").decimalValue()).isEqualByComparingTo(sum);
        assertThat(a.path("summary").path("amount.sum").decimalValue()).isEqualByComparingTo("-371500000");
        assertThat(count).isEqualTo(36);

        ObjectNode capcur = aggregate("drilldown", "cap_or_cur", "order", "cap_or_cur");
        JsonNode cap = capcur.path("cells").get(0);
        assertThat(cap.path("cap_or_cur.code").asText()).isEqualTo("CAP");
        assertThat(cap.path("amount.sum").decimalValue()).isEqualByComparingTo("-608400000");
        assertThat(cap.path("_count").asLong()).isEqualTo(15);
        JsonNode cur = capcur.path("cells").get(1);
        assertThat(cur.path("amount.sum").decimalValue()).isEqualByComparingTo("236900000");
        assertThat(cur.path("_count").asLong()).isEqualTo(21);

        ObjectNode onlyCount = aggregate("drilldown", "cofog1", "aggregates", "_count");
        assertThat(keys(onlyCount.path("cells").get(0))).containsExactly("cofog1.name", "cofog1.change_date",
                "cofog1.description", "cofog1.label", "_count");
        assertThat(keys(onlyCount.path("summary"))).containsExactly("_count");

        ObjectNode none = aggregate("drilldown", "cofog1", "pagesize", "0");
        assertThat(none.path("cells")).isEmpty();
        assertThat(none.path("total_cell_count").asInt()).isEqualTo(4);
        ObjectNode beyond = aggregate("drilldown", "cofog1", "pagesize", "2", "page", "3");
        assertThat(beyond.path("cells")).isEmpty();
        assertThat(beyond.path("total_cell_count").asInt()).isEqualTo(4);

        ObjectNode noDrill = aggregate();
        assertThat(noDrill.path("cells")).hasSize(1);
        assertThat(noDrill.path("cells").get(0).path("amount.sum").decimalValue()).isEqualByComparingTo("-371500000");
    }

    @Test
    void aggregateVerbatimBodies() {
        assertThat(plain(aggregate("drilldown", "cap_or_cur", "order", "cap_or_cur.code"))).isEqualTo(json(
                "{\"total_cell_count\": 2, \"cells\": [{\"cap_or_cur.code\": \"CAP\", \"cap_or_cur.label\": \"Capital"
                        + " Expenditure\", \"_count\": 15, \"amount.sum\": -608400000, \"total.sum\": -608400000},"
                        + " {\"cap_or_cur.code\": \"CUR\", \"cap_or_cur.label\": \"Current Expenditure\", \"_count\": 21,"
                        + " \"amount.sum\": 236900000, \"total.sum\": 236900000}], \"summary\": {\"_count\": 36,"
                        + " \"amount.sum\": -371500000, \"total.sum\": -371500000}, \"cell\": [], \"aggregates\":"
                        + " [\"_count\", \"amount.sum\", \"total.sum\"], \"attributes\": [\"cap_or_cur.code\","
                        + " \"cap_or_cur.label\"], \"order\": [[\"cap_or_cur.code\", \"asc\"]], \"page\": 1,"
                        + " \"page_size\": 100, \"status\": \"ok\"}"));
        ObjectNode second = aggregate("drilldown", "cofog1.label", "aggregates", "amount.sum|_count", "order",
                "amount.sum:desc", "pagesize", "2", "page", "1");
        assertThat(plain(second)).isEqualTo(json("{\"total_cell_count\": 4, \"cells\": [{\"cofog1.label\":"
                + " \"Social protection\", \"amount.sum\": 191500000, \"_count\": 11}, {\"cofog1.label\": \"Economic"
                + " affairs\", \"amount.sum\": 45400000, \"_count\": 12}], \"summary\": {\"amount.sum\": -371500000,"
                + " \"_count\": 36}, \"cell\": [], \"aggregates\": [\"amount.sum\", \"_count\"], \"attributes\":"
                + " [\"cofog1.label\"], \"order\": [[\"amount.sum\", \"desc\"]], \"page\": 1, \"page_size\": 2,"
                + " \"status\": \"ok\"}"));
        assertThat(keys(second)).containsExactly("total_cell_count", "cells", "summary", "cell", "aggregates",
                "attributes", "order", "page", "page_size", "status");
        assertThat(keys(second.path("cells").get(0))).containsExactly("cofog1.label", "amount.sum", "_count");
        assertThat(plain(aggregate("drilldown", "cofog1.label", "cut", "cap_or_cur.code:\"CUR\"", "order",
                "cofog1.label"))).isEqualTo(json("{\"total_cell_count\": 2, \"cells\": [{\"cofog1.label\": \"Economic"
                + " affairs\", \"_count\": 10, \"amount.sum\": 45400000, \"total.sum\": 45400000}, {\"cofog1.label\":"
                + " \"Social protection\", \"_count\": 11, \"amount.sum\": 191500000, \"total.sum\": 191500000}],"
                + " \"summary\": {\"_count\": 21, \"amount.sum\": 236900000, \"total.sum\": 236900000}, \"cell\":"
                + " [{\"ref\": \"cap_or_cur.code\", \"operator\": \":\", \"value\": [\"CUR\"]}], \"aggregates\":"
                + " [\"_count\", \"amount.sum\", \"total.sum\"], \"attributes\": [\"cofog1.label\"], \"order\":"
                + " [[\"cofog1.label\", \"asc\"]], \"page\": 1, \"page_size\": 100, \"status\": \"ok\"}"));
        assertThat(plain(aggregate("cut", "cofog1.name:\"4\";\"10\"|time.year:\"2010\"", "drilldown", "time.year")))
                .isEqualTo(json("{\"total_cell_count\": 1, \"cells\": [{\"time.year\": 2010, \"_count\": 5,"
                        + " \"amount.sum\": 68000000, \"total.sum\": 68000000}], \"summary\": {\"_count\": 5,"
                        + " \"amount.sum\": 68000000, \"total.sum\": 68000000}, \"cell\": [{\"ref\": \"cofog1.name\","
                        + " \"operator\": \":\", \"value\": [\"4\", \"10\"]}, {\"ref\": \"time.year\", \"operator\":"
                        + " \":\", \"value\": [\"2010\"]}], \"aggregates\": [\"_count\", \"amount.sum\","
                        + " \"total.sum\"], \"attributes\": [\"time.year\"], \"order\": [], \"page\": 1, \"page_size\":"
                        + " 100, \"status\": \"ok\"}"));
        // Quirk kept: without a drilldown the count is of facts.
        ObjectNode year = aggregate("cut", "time.year:\"2010\"");
        assertThat(year.path("cells")).hasSize(1);
        assertThat(year.path("total_cell_count").asInt()).isEqualTo(7);
    }

    @Test
    void aggregateCsvVerbatim() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BabbageService.CsvExport x = api.aggregateCsv(CRA, null, AggregateRequest.fromQuery(q("drilldown",
                "cofog1.label", "order", "cofog1.label", "format", "csv")), out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("_count,amount.sum,cofog1.label,total.sum\r\n"
                + "12,45400000,Economic affairs,45400000\r\n"
                + "8,-608900000,Housing and community amenities,-608900000\r\n"
                + "5,500000,Public order and safety,500000\r\n"
                + "11,191500000,Social protection,191500000\r\n");
        assertThat(x.rows()).isEqualTo(4);
        assertThat(x.truncated()).isFalse();
    }

    @Test
    void aggregateErrors() {
        assertBadRequest(() -> aggregate("drilldown", "nosuch"), "Invalid drilldown: 'nosuch'");
        assertBadRequest(() -> aggregate("drilldown", "amount"), "Invalid drilldown: 'amount'");
        assertBadRequest(() -> aggregate("aggregates", "amount.median"), "amount.median");
        assertBadRequest(() -> aggregate("drilldown", "cofog1", "order", "region"), "region");
        assertBadRequest(() -> aggregate("format", "xml"), "format");
    }

    // ---------------------------------------------------------------- cubes and model

    @Test
    void cubesAndModel() {
        assertThat(api.cubes().path("data").toString()).contains("\"babbage:cra\"");
        ObjectNode m = api.model(CRA, null);
        assertThat(m.path("name").asText()).isEqualTo("babbage:cra");
        assertThat(m.path("model").path("measures")).hasSize(2);
        JsonNode cc = m.path("model").path("dimensions").path("cap_or_cur");
        assertThat(cc.path("key_attribute").asText()).isEqualTo("code");
        assertThat(cc.path("label_attribute").asText()).isEqualTo("code");
        assertThat(cc.path("key_ref").asText()).isEqualTo("cap_or_cur.code");
        assertThat(cc.path("label_ref").asText()).isEqualTo("cap_or_cur.code");
        assertThat(cc.path("hierarchy").asText()).isEqualTo("cap_or_cur");
        assertThat(cc.path("attributes").path("label").path("ref").asText()).isEqualTo("cap_or_cur.label");
        assertThat(cc.path("attributes").path("label").path("type").asText()).isEqualTo("string");
        JsonNode cofog = m.path("model").path("dimensions").path("cofog1");
        assertThat(cofog.path("key_ref").asText()).isEqualTo("cofog1.name");
        assertThat(cofog.path("label_ref").asText()).isEqualTo("cofog1.label");
        assertThat(m.path("model").path("aggregates").path("amount.sum").path("function").asText()).isEqualTo("sum");
        assertThat(m.path("model").path("aggregates").path("_count").path("function").asText()).isEqualTo("count");
        assertThatThrownBy(() -> api.model(DatasetId.of("babbage", "nosuch"), null))
                .isInstanceOf(CofferException.class)
                .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    static JsonNode json(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8), "expected");
    }
}
