package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.Field;
import io.coffer.model.TableSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceTest {
    @TempDir
    Path dir;

    private TableSchema infer(String csv) {
        Path p = TestFiles.write(dir, "t.csv", csv, StandardCharsets.UTF_8);
        return Inference.infer(p, Sniffer.sniff(p));
    }

    private static Field field(TableSchema s, String name) {
        return s.field(name).orElseThrow();
    }

    @Test
    void integersNumbersAndCodesWithLeadingZeros() {
        TableSchema s = infer("id,code,amount,big\n1,007,10.5,123456789012345678901\n2,010,-3,1\n3,100,4e3,2\n");
        assertThat(field(s, "id").type()).isEqualTo("integer");
        assertThat(field(s, "code").type()).isEqualTo("string");
        assertThat(field(s, "amount").type()).isEqualTo("number");
        assertThat(field(s, "amount").decimalChar()).isNull();
        assertThat(field(s, "big").type()).isEqualTo("number");
    }

    @Test
    void thousandsSeparatorsAndDecimalCommas() {
        TableSchema s = infer("a,b\n\"10,200,300.48\",\"1.234,5\"\n\"11,300\",\"12,25\"\n5,\"3\"\n");
        assertThat(field(s, "a").type()).isEqualTo("number");
        assertThat(field(s, "a").decimalChar()).isEqualTo(".");
        assertThat(field(s, "a").groupChar()).isEqualTo(",");
        assertThat(field(s, "b").decimalChar()).isEqualTo(",");
        assertThat(field(s, "b").groupChar()).isEqualTo(".");
    }

    @Test
    void ambiguousSeparatorsFollowTheDelimiter() {
        // "1,234" is 1234 in a comma file, 1.234 in a semicolon file (where comma is the decimal mark).
        TableSchema comma = infer("x,y\n\"1,234\",1\n");
        assertThat(field(comma, "x").groupChar()).isEqualTo(",");
        TableSchema semi = infer("x;y\n1,234;1\n2,5;2\n");
        assertThat(field(semi, "x").decimalChar()).isEqualTo(",");
        assertThat(field(semi, "x").groupChar()).isNull();
    }

    @Test
    void datesWithTheirFormats() {
        TableSchema s = infer("iso,dmy,mdy,dots,ts\n2015-01-31,31/01/2015,01/31/2015,31.01.2015,2014-01-01T00:00:00\n"
                + "2016-02-29,01/02/2016,12/31/2016,01.02.2016,2014-09-09T10:11:12Z\n");
        assertThat(field(s, "iso").type()).isEqualTo("date");
        assertThat(field(s, "iso").format()).isNull();
        assertThat(field(s, "dmy").format()).isEqualTo("%d/%m/%Y");
        assertThat(field(s, "mdy").format()).isEqualTo("%m/%d/%Y");
        assertThat(field(s, "dots").format()).isEqualTo("%d.%m.%Y");
        assertThat(field(s, "ts").type()).isEqualTo("datetime");
    }

    @Test
    void invalidCalendarDatesAreText() {
        assertThat(field(infer("d\n2015-02-30\n"), "d").type()).isEqualTo("string");
    }

    @Test
    void yearsFiscalYearsAndBooleans() {
        Path p = TestFiles.write(dir, "t.csv", "fiscal_year,period,flag,count\n2018,2018/19,true,2018\n"
                + "2019,2019/20,False,2019\n", StandardCharsets.UTF_8);
        InferenceResult r = Inference.run(p, Sniffer.sniff(p), List.of(""), ProgressListener.NONE);
        assertThat(field(r.schema(), "fiscal_year").type()).isEqualTo("year");
        assertThat(field(r.schema(), "period").type()).isEqualTo("string");
        assertThat(r.columns().get(1).fiscalYearText()).isTrue();
        assertThat(field(r.schema(), "flag").type()).isEqualTo("boolean");
        // Four-digit integers are a year only when the name says so.
        assertThat(field(r.schema(), "count").type()).isEqualTo("integer");
    }

    @Test
    void placeholdersBecomeFieldMissingValues() {
        TableSchema s = infer("amount,text\n12,-\nnfp,x\n- ,y\n7.5,z\n");
        Field amount = field(s, "amount");
        assertThat(amount.type()).isEqualTo("number");
        assertThat(amount.extras().get("missingValues").toString()).isEqualTo("[\"\",\"nfp\",\"- \"]");
        assertThat(field(s, "text").extras().has("missingValues")).isFalse();
    }

    @Test
    void headerTypeSuffixesBlankAndDuplicateLabels() {
        Path p = TestFiles.write(dir, "t.csv", "amount:integer,,name,name\n1,a,b,c\n", StandardCharsets.UTF_8);
        InferenceResult r = Inference.run(p, Sniffer.sniff(p), List.of(""), ProgressListener.NONE);
        assertThat(r.schema().fieldNames()).containsExactly("amount", "field2", "name", "name_2");
        assertThat(field(r.schema(), "amount").type()).isEqualTo("integer");
        assertThat(r.report().tasks().get(0).errorCounts()).containsEntry("blank-label", 1L)
                .containsEntry("duplicate-label", 1L);
    }

    @Test
    void inferenceSeesTheWholeFileNotASample() {
        StringBuilder b = new StringBuilder("n\n");
        for (int i = 0; i < 50_000; i++) {
            b.append(i).append('\n');
        }
        b.append("not a number\n");
        assertThat(field(infer(b.toString()), "n").type()).isEqualTo("string");
    }

    @Test
    void deterministic() {
        String csv = "a;b;c\n1,5;2015-01-01;x\n2;2015-01-02;y\n";
        assertThat(infer(csv)).isEqualTo(infer(csv));
    }

    @Test
    void nonUtf8ByteAfterAnAsciiSampleSwitchesToTheFallback() {
        StringBuilder b = new StringBuilder("name,amount\n");
        while (b.length() < Sniffer.SAMPLE_BYTES + 10) {
            b.append("plain ascii row,1\n");
        }
        b.append("Café,2\n");
        Path p = TestFiles.write(dir, "t.csv", b.toString(), java.nio.charset.Charset.forName("windows-1252"));
        CsvFormat sniffed = Sniffer.sniff(p);
        assertThat(sniffed.charset()).isEqualTo(StandardCharsets.UTF_8);
        InferenceResult r = Inference.run(p, sniffed, List.of(""), ProgressListener.NONE);
        assertThat(r.format().charset().name()).isEqualTo("windows-1252");
        assertThat(r.report().valid()).isTrue();
    }
}
