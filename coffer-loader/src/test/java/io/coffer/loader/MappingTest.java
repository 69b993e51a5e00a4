package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import io.coffer.model.Field;
import io.coffer.model.Json;
import io.coffer.model.TableSchema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MappingTest {
    private static Mapping parse(String json) {
        return Mapping.fromJson(Json.parse(json.getBytes(StandardCharsets.UTF_8), "mapping.json"));
    }

    @Test
    void roundTripsThroughJson() {
        Mapping m = parse("{\"format\":{\"encoding\":\"windows-1252\",\"delimiter\":\"tab\",\"header\":true},"
                + "\"missingValues\":[\"\",\"n/a\"],\"currency\":\"EUR\",\"primaryKey\":[\"id\"],"
                + "\"fields\":{\"amt\":{\"type\":\"number\",\"decimalChar\":\",\",\"columnType\":\"value\","
                + "\"factor\":1000,\"phase\":\"approved\"},\"notes\":{\"columnType\":\"\"}}}");
        assertThat(m.format().delimiter()).isEqualTo('\t');
        assertThat(m.fields().get("amt").factor()).isEqualByComparingTo(new BigDecimal("1000"));
        assertThat(Mapping.fromJson(m.toJson())).isEqualTo(m);
    }

    @Test
    void unknownMembersAreRefusedByName() {
        assertThatThrownBy(() -> parse("{\"fileds\":{}}")).isInstanceOf(CofferException.class)
                .hasMessageContaining("unknown member 'fileds'");
        assertThatThrownBy(() -> parse("{\"fields\":{\"a\":{\"colunmType\":\"value\"}}}"))
                .hasMessageContaining("unknown member 'fields.a.colunmType'");
        assertThatThrownBy(() -> parse("{\"format\":{\"delimiter\":\";;\"}}"))
                .hasMessageContaining("'format.delimiter' must be a single character");
    }

    @Test
    void appliesTypeChoicesOverInference() {
        TableSchema inferred = TableSchema.of(List.of(Field.of("code", "integer"),
                Field.of("amt", "number").withNumberChars(".", ",")));
        Mapping m = parse("{\"primaryKey\":[\"code\"],\"fields\":{\"code\":{\"type\":\"string\"},"
                + "\"amt\":{\"groupChar\":\"\",\"constraints\":{\"required\":true}}}}");
        TableSchema s = m.applyTo(inferred);
        assertThat(s.field("code").orElseThrow().type()).isEqualTo("string");
        assertThat(s.field("amt").orElseThrow().groupChar()).isNull();
        assertThat(s.field("amt").orElseThrow().required()).isTrue();
        assertThat(s.primaryKey()).containsExactly("code");
    }

    @Test
    void laterMappingWins() {
        Mapping a = parse("{\"currency\":\"EUR\",\"fields\":{\"x\":{\"columnType\":\"value\"}}}");
        Mapping b = parse("{\"currency\":\"MKD\",\"fields\":{\"y\":{\"columnType\":\"\"}}}");
        Mapping c = a.overriddenBy(b);
        assertThat(c.currency()).isEqualTo("MKD");
        assertThat(c.fields()).containsKeys("x", "y");
    }
}
