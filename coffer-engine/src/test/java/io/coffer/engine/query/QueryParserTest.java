package io.coffer.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.model.CofferException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** babbage's tests/test_parser.py (syntax cases), plus Coffer's negative cuts and ranges. */
class QueryParserTest {
    static CutValue.Single single(Literal.Kind kind, String text) {
        return new CutValue.Single(new Literal(kind, text));
    }

    @Test
    void babbageParserCases() {
        assertThat(QueryParser.cuts("foo:bar")).containsExactly(new Cut("foo", false,
                List.of(single(Literal.Kind.STRING, "bar"))));
        assertThat(QueryParser.cuts("foo:\"bar lala\"").get(0).values())
                .containsExactly(single(Literal.Kind.STRING, "bar lala"));
        assertThat(QueryParser.cuts("foo:\"bar\";\"lala\"").get(0).values()).hasSize(2);
        assertThat(QueryParser.cuts("foo:3;22").get(0).values()).containsExactly(single(Literal.Kind.INTEGER, "3"),
                single(Literal.Kind.INTEGER, "22"));
        List<Cut> two = QueryParser.cuts("foo:bar|bar:5");
        assertThat(two).hasSize(2);
        assertThat(two.get(1)).isEqualTo(new Cut("bar", false, List.of(single(Literal.Kind.INTEGER, "5"))));
        List<Cut> quoted = QueryParser.cuts("foo:\"bar|lala\"|bar:5");
        assertThat(quoted).hasSize(2);
        assertThat(quoted.get(0).values()).containsExactly(single(Literal.Kind.STRING, "bar|lala"));
        assertThat(QueryParser.cuts("foo:2015-01-04").get(0).values())
                .containsExactly(single(Literal.Kind.DATE, "2015-01-04"));
        assertThat(QueryParser.cuts("foo:2015M01").get(0).values())
                .containsExactly(single(Literal.Kind.STRING, "2015M01"));
        // babbage refuses 'f oo' in its grammar; Coffer parses it (FDP names have spaces) and refuses it
        // when binding to the cube (BabbageFixtureTest), so the client sees the same 400.
        assertThat(QueryParser.cuts("f oo:2015-01-04").get(0).ref()).isEqualTo("f oo");
        assertThatThrownBy(() -> QueryParser.cuts(" foo:1")).isInstanceOf(CofferException.class);
        assertThat(QueryParser.cuts("foo:").get(0).values()).containsExactly(new CutValue.Single(Literal.NULL));
        assertThat(QueryParser.cuts(null)).isEmpty();
        List<OrderSpec> order = QueryParser.order("foo:desc,bar");
        assertThat(order).containsExactly(new OrderSpec("foo", true), new OrderSpec("bar", false, false));
        assertThat(QueryParser.refs("foo|bar", '|', "drilldown")).containsExactly("foo", "bar");
    }

    @Test
    void extensions() {
        Cut neg = QueryParser.cuts("!foo:\"a\";\"b\"").get(0);
        assertThat(neg.negated()).isTrue();
        assertThat(neg.values()).hasSize(2);
        assertThat(QueryParser.cuts("y:2010..2012").get(0).values()).containsExactly(new CutValue.Range(
                new Literal(Literal.Kind.INTEGER, "2010"), new Literal(Literal.Kind.INTEGER, "2012")));
        assertThat(QueryParser.cuts("y:2010..").get(0).values()).containsExactly(new CutValue.Range(
                new Literal(Literal.Kind.INTEGER, "2010"), null));
        assertThat(QueryParser.cuts("y:..2012").get(0).values()).containsExactly(new CutValue.Range(
                null, new Literal(Literal.Kind.INTEGER, "2012")));
        assertThat(QueryParser.cuts("d:\"2015-01-01\"..\"2015-02-01\";2016").get(0).values()).hasSize(2);
        assertThat(QueryParser.cuts("n:1.5..2.5").get(0).values()).containsExactly(new CutValue.Range(
                new Literal(Literal.Kind.NUMBER, "1.5"), new Literal(Literal.Kind.NUMBER, "2.5")));
        // Quoting keeps '..' literal.
        assertThat(QueryParser.cuts("s:\"a..b\"").get(0).values()).containsExactly(single(Literal.Kind.STRING, "a..b"));
        assertThat(QueryParser.cuts("s:\"tab\\there \\u00e9\"").get(0).values())
                .containsExactly(single(Literal.Kind.STRING, "tab\there \u00e9"));
    }

    @Test
    void malformedInputIsABadRequest() {
        for (String bad : List.of("foo", ":x", "foo:\"unterminated", "foo:\"a\"b", "foo:..", "foo:a|", "foo:\"\\x\"",
                "foo:a|!", "a:b|c")) {
            assertThatThrownBy(() -> QueryParser.cuts(bad)).as(bad).isInstanceOf(CofferException.class);
        }
        assertThatThrownBy(() -> QueryParser.order("foo:sideways")).isInstanceOf(CofferException.class);
        assertThatThrownBy(() -> QueryParser.refs("a||b", '|', "drilldown")).isInstanceOf(CofferException.class);
        assertThatThrownBy(() -> QueryParser.cuts("x:" + "a;".repeat(5000))).isInstanceOf(CofferException.class);
    }

    @Test
    void requestParameters() {
        AggregateRequest r = AggregateRequest.fromQuery(Map.of("drilldown", List.of("a|b"), "cut",
                List.of("a:1", "b:\"x\""), "pagesize", List.of("20"), "page", List.of("3"),
                "aggregates", List.of("amount.sum"), "format", List.of("CSV"), "callback", List.of("ignored")));
        assertThat(r.drilldown()).containsExactly("a", "b");
        assertThat(r.cuts()).hasSize(2);
        assertThat(r.page()).isEqualTo(3);
        assertThat(r.pageSize()).isEqualTo(20);
        assertThat(r.csv()).isTrue();
        assertThat(AggregateRequest.fromQuery(Map.of()).pageSize()).isNull();
        assertThatThrownBy(() -> AggregateRequest.fromQuery(Map.of("page", List.of("x"))))
                .isInstanceOf(CofferException.class).hasMessageContaining("page");
        assertThatThrownBy(() -> AggregateRequest.fromQuery(Map.of("order", List.of("a", "b"))))
                .isInstanceOf(CofferException.class).hasMessageContaining("order");
    }
}
