package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.Field;
import io.coffer.model.Json;
import io.coffer.model.TableSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTest {
    @TempDir
    Path dir;

    private static final CsvFormat CSV = CsvFormat.NORMALISED;

    private Report validate(String csv, TableSchema schema, ValidationOptions options) {
        Path p = TestFiles.write(dir, "t.csv", csv, StandardCharsets.UTF_8);
        return Validator.validateCsv(p, CSV, schema, options, ProgressListener.NONE);
    }

    private static TableSchema schema(String json) {
        return io.coffer.model.DataPackage.fromJson(Json.parse(("{\"resources\":[{\"name\":\"t\",\"path\":\"t.csv\","
                + "\"schema\":" + json + "}]}").getBytes(StandardCharsets.UTF_8), "test")).resources().get(0).schema();
    }

    @Test
    void typeErrorNamesRowFieldAndValue() {
        TableSchema s = schema("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},"
                + "{\"name\":\"amount\",\"type\":\"number\",\"decimalChar\":\",\",\"groupChar\":\".\"}]}");
        Report r = validate("id,amount\n1,\"1.234,5\"\n2,12x\nthree,4\n", s, ValidationOptions.DEFAULT);
        assertThat(r.valid()).isFalse();
        List<ReportError> errors = r.tasks().get(0).errors();
        assertThat(errors).extracting(ReportError::rowNumber).containsExactly(3L, 4L);
        ReportError e = errors.get(0);
        assertThat(e.type()).isEqualTo(ErrorType.TYPE_ERROR);
        assertThat(e.fieldNumber()).isEqualTo(2);
        assertThat(e.fieldName()).isEqualTo("amount");
        assertThat(e.cell()).isEqualTo("12x");
        assertThat(e.message()).contains("row \"3\"", "\"amount\"", "12x", "decimalChar \",\"");
        assertThat(r.toText()).anyMatch(l -> l.contains("row 4, field 1 'id': [type-error]") && l.contains("three"));
    }

    @Test
    void constraints() {
        TableSchema s = schema("{\"fields\":["
                + "{\"name\":\"a\",\"type\":\"integer\",\"constraints\":{\"required\":true,\"minimum\":0,\"maximum\":10}},"
                + "{\"name\":\"b\",\"type\":\"string\",\"constraints\":{\"pattern\":\"[A-Z]{2}\",\"enum\":[\"AB\",\"CD\"]}},"
                + "{\"name\":\"c\",\"type\":\"date\",\"constraints\":{\"minimum\":\"2015-01-01\"}},"
                + "{\"name\":\"d\",\"type\":\"string\",\"constraints\":{\"minLength\":2,\"maxLength\":3}}]}");
        Report r = validate("a,b,c,d\n5,AB,2015-06-01,xx\n,CD,2015-06-01,xx\n11,ab,2014-12-31,x\n-1,EF,2016-01-01,xxxx\n",
                s, ValidationOptions.DEFAULT);
        List<String> notes = r.tasks().get(0).errors().stream().map(e -> e.rowNumber() + ":" + e.fieldName() + ":" + e.note())
                .toList();
        assertThat(notes).containsExactly(
                "3:a:constraint \"required\" is \"True\"",
                "4:a:constraint \"maximum\" is \"10\"",
                "4:b:constraint \"pattern\" is \"[A-Z]{2}\"",
                "4:c:constraint \"minimum\" is \"2015-01-01\"",
                "4:d:constraint \"minLength\" is \"2\"",
                "5:a:constraint \"minimum\" is \"0\"",
                "5:b:constraint \"enum\" is \"[AB, CD]\"",
                "5:d:constraint \"maxLength\" is \"3\"");
    }

    @Test
    void structuralErrors() {
        TableSchema s = TableSchema.of(List.of(Field.of("a", "string"), Field.of("b", "string")));
        Report r = validate("a,x\n1,2,3\n1\n,\n\n5,6\n", s, ValidationOptions.DEFAULT);
        assertThat(r.tasks().get(0).errorCounts()).containsEntry("incorrect-label", 1L).containsEntry("extra-cell", 1L)
                .containsEntry("missing-cell", 1L).containsEntry("blank-row", 2L);
        assertThat(r.tasks().get(0).rows()).isEqualTo(5);
    }

    @Test
    void primaryKeyAndUniqueDuplicatesNameTheFirstRow() {
        TableSchema s = schema("{\"fields\":[{\"name\":\"k\",\"type\":\"string\"},"
                + "{\"name\":\"n\",\"type\":\"number\",\"constraints\":{\"unique\":true}}],\"primaryKey\":[\"k\"]}");
        Report r = validate("k,n\nx,1.0\ny,2\nx,3\nz,2\n", s, ValidationOptions.DEFAULT);
        List<ReportError> errors = r.tasks().get(0).errors();
        assertThat(errors).extracting(e -> e.type().code() + "@" + e.rowNumber() + ":" + e.note()).containsExactly(
                "primary-key@4:the same as in the row at position \"2\"",
                "unique-error@5:the same as in the row at position \"3\"");
    }

    @Test
    void keyChecksSpillToDiskAndStayExact() {
        TableSchema s = schema("{\"fields\":[{\"name\":\"k\",\"type\":\"integer\"}],\"primaryKey\":\"k\"}");
        StringBuilder b = new StringBuilder("k\n");
        for (int i = 0; i < 60_000; i++) {
            b.append(i).append('\n');
        }
        b.append("59999\n").append("7\n");
        ValidationOptions tiny = ValidationOptions.DEFAULT.withKeyMemoryBytes(1 << 20);
        Report r = validate(b.toString(), s, tiny);
        assertThat(r.tasks().get(0).errors()).extracting(e -> e.rowNumber() + "<" + e.note()).containsExactly(
                "60002<the same as in the row at position \"60001\"",
                "60003<the same as in the row at position \"9\"");
    }

    @Test
    void errorsAreCappedPerTypeAndCountedInFull() {
        TableSchema s = schema("{\"fields\":[{\"name\":\"n\",\"type\":\"integer\"}]}");
        StringBuilder b = new StringBuilder("n\n");
        for (int i = 0; i < 1000; i++) {
            b.append("x").append(i).append('\n');
        }
        Report r = validate(b.toString(), s, ValidationOptions.DEFAULT.withMaxErrorsPerType(10));
        ReportTask t = r.tasks().get(0);
        assertThat(t.errors()).hasSize(10);
        assertThat(t.errorCount()).isEqualTo(1000);
        assertThat(t.truncated()).isTrue();
        JsonNode json = r.toJson();
        assertThat(json.get("valid").asBoolean()).isFalse();
        assertThat(json.at("/stats/errors").asLong()).isEqualTo(1000);
        assertThat(json.at("/tasks/0/errorCounts/type-error").asLong()).isEqualTo(1000);
        JsonNode e = json.at("/tasks/0/errors/0");
        assertThat(e.get("type").asText()).isEqualTo("type-error");
        assertThat(e.get("rowNumber").asLong()).isEqualTo(2);
        assertThat(e.get("fieldNumber").asInt()).isEqualTo(1);
        assertThat(e.get("fieldName").asText()).isEqualTo("n");
        assertThat(e.get("cell").asText()).isEqualTo("x0");
        assertThat(e.get("tags").toString()).isEqualTo("[\"#table\",\"#row\",\"#cell\"]");
    }

    @Test
    void malformedInputEndsInAReport() {
        TableSchema s = TableSchema.of(List.of(Field.of("a", "string"), Field.of("b", "string")));
        Report r = validate("a,b\n1,\"unterminated\n2,3\n", s, ValidationOptions.DEFAULT);
        assertThat(r.tasks().get(0).errorCounts()).containsKey("source-error");
        assertThat(r.tasks().get(0).errors().get(0).message()).contains("row 2");
        Report junk = validate("a,b\n\"x\"y,1\n", s, ValidationOptions.DEFAULT);
        assertThat(junk.valid()).isFalse();
    }

    @Test
    void invalidUtf8IsAnEncodingError() {
        Path p = dir.resolve("bad.csv");
        byte[] b = {'a', '\n', 'x', (byte) 0xC3, '(', '\n'};
        TestFiles.write(dir, "bad.csv", "", StandardCharsets.UTF_8);
        try {
            java.nio.file.Files.write(p, b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Report r = Validator.validateCsv(p, CSV, TableSchema.of(List.of(Field.of("a", "string"))),
                ValidationOptions.DEFAULT, ProgressListener.NONE);
        assertThat(r.tasks().get(0).errorCounts()).containsEntry("encoding-error", 1L);
        assertThat(r.tasks().get(0).errors().get(0).note()).contains("byte offset 3");
    }

    @Test
    void packageWithMissingFileAndUnknownModelField() {
        String descriptor = "{\"name\":\"p\",\"resources\":[{\"name\":\"r\",\"path\":\"data/r.csv\","
                + "\"schema\":{\"fields\":[{\"name\":\"a\",\"type\":\"integer\"}]}}],"
                + "\"model\":{\"measures\":{\"m\":{\"source\":\"nope\",\"currency\":\"EUR\"}},\"dimensions\":{}}}";
        Path p = TestFiles.write(dir, "datapackage.json", descriptor, StandardCharsets.UTF_8);
        Report r = Validator.validate(dir, ValidationOptions.DEFAULT, ProgressListener.NONE);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(ReportError::note).anyMatch(n -> n.contains("file 'data/r.csv' is missing"))
                .anyMatch(n -> n.contains("measure 'm' uses field 'nope'"));
        assertThat(p).exists();
    }

    @Test
    void missingTargetIsNotFound() {
        assertThatThrownBy(() -> Validator.validate(dir.resolve("nope.csv"), ValidationOptions.DEFAULT,
                ProgressListener.NONE)).isInstanceOf(CofferException.class).hasMessageContaining("not found");
    }
}
