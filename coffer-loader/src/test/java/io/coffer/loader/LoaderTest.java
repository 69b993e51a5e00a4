package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DataPackage;
import io.coffer.model.Field;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
    @TempDir
    Path dir;

    @Test
    void normalisesDecimalCommasToUtf8CommaSeparatedDotDecimals() throws IOException {
        Path csv = TestFiles.write(dir, "Gastos 2015.csv", "año;centro;importe;fecha\r\n2015;001;1.234,50;31/12/2015\r\n"
                + "2015;002;-7,25;01/01/2015\r\n;;;\r\n", Charset.forName("windows-1252"));
        Path out = dir.resolve("pkg");
        InitResult r = Loader.init(csv, out, Optional.empty(), ProgressListener.NONE);
        assertThat(r.ok()).isTrue();
        assertThat(r.source().charset().name()).isEqualTo("windows-1252");
        assertThat(r.dataPath()).isEqualTo("data/gastos-2015.csv");
        assertThat(Files.readString(out.resolve(r.dataPath()), StandardCharsets.UTF_8)).isEqualTo(
                "año,centro,importe,fecha\n2015,001,1234.50,31/12/2015\n2015,002,-7.25,01/01/2015\n");
        assertThat(r.totals()).containsEntry("importe", new BigDecimal("1227.25"));
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.warnings()).contains("1 blank row(s) dropped");

        DataPackage pkg = DataPackage.read(Files.readAllBytes(out.resolve("datapackage.json")));
        Field importe = pkg.resources().get(0).schema().field("importe").orElseThrow();
        assertThat(importe.type()).isEqualTo("number");
        assertThat(importe.decimalChar()).isNull();
        assertThat(importe.extra("columnType")).isEqualTo("value");
        Field fecha = pkg.resources().get(0).schema().field("fecha").orElseThrow();
        assertThat(fecha.format()).isEqualTo("%d/%m/%Y");
        assertThat(pkg.model().measures()).containsKey("importe");
        assertThat(Validator.validate(out, ValidationOptions.DEFAULT, ProgressListener.NONE).valid()).isTrue();
    }

    @Test
    void mappingIsSavedAndReusedOnTheNextLoad() {
        Path csv = TestFiles.write(dir, "a.csv", "code,label,value\n01,Health,10\n02,Schools,20\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("pkg");
        Mapping m = Mapping.fromJson(io.coffer.model.Json.parse(("{\"currency\":\"GBP\",\"fields\":{"
                + "\"code\":{\"columnType\":\"functional-classification:generic:level1:code\"},"
                + "\"label\":{\"columnType\":\"functional-classification:generic:level1:label\"}}}")
                .getBytes(StandardCharsets.UTF_8), "m"));
        InitResult first = Loader.init(csv, out, Optional.of(m), ProgressListener.NONE);
        assertThat(first.ok()).isTrue();
        assertThat(first.warnings()).isEmpty();
        assertThat(first.descriptor().model().measures().get("value").currency()).isEqualTo("GBP");
        assertThat(Files.exists(out.resolve(Mapping.FILE_NAME))).isTrue();

        Path next = TestFiles.write(dir, "b.csv", "code,label,value\n01,Health,11\n03,Roads,7.5\n", StandardCharsets.UTF_8);
        InitResult second = Loader.init(next, out, Optional.empty(), ProgressListener.NONE);
        assertThat(second.mappingReused()).isTrue();
        assertThat(second.descriptor().model()).isEqualTo(first.descriptor().model());
        assertThat(second.totals()).containsEntry("value", new BigDecimal("18.5"));
    }

    @Test
    void forcedTypesThatDoNotFitAreReportedNotThrown() {
        Path csv = TestFiles.write(dir, "a.csv", "id,amount\n1,5\n2,n.a\n", StandardCharsets.UTF_8);
        Mapping m = Mapping.fromJson(io.coffer.model.Json.parse(
                "{\"fields\":{\"amount\":{\"type\":\"number\"}},\"primaryKey\":[\"id\"]}".getBytes(StandardCharsets.UTF_8),
                "m"));
        InitResult r = Loader.init(csv, dir.resolve("pkg"), Optional.of(m), ProgressListener.NONE);
        assertThat(r.written()).isTrue();
        assertThat(r.ok()).isFalse();
        ReportError e = r.report().tasks().get(0).errors().get(0);
        assertThat(e.type()).isEqualTo(ErrorType.TYPE_ERROR);
        assertThat(e.rowNumber()).isEqualTo(3);
        assertThat(e.cell()).isEqualTo("n.a");
    }

    @Test
    void unreadableInputWritesNothing() {
        Path csv = TestFiles.write(dir, "a.csv", "a,b\n1,\"open quote\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("pkg");
        InitResult r = Loader.init(csv, out, Optional.empty(), ProgressListener.NONE);
        assertThat(r.written()).isFalse();
        assertThat(r.report().tasks().get(0).errorCounts()).containsKey("source-error");
        assertThat(out).doesNotExist();
    }

    @Test
    void progressIsReportedPerPass() {
        Path csv = TestFiles.write(dir, "a.csv", "a\n1\n2\n", StandardCharsets.UTF_8);
        List<String> phases = new java.util.ArrayList<>();
        Loader.init(csv, dir.resolve("pkg"), Optional.empty(), new ProgressListener() {
            @Override
            public void start(String phase, long totalBytes) {
                phases.add(phase + ":" + totalBytes);
            }

            @Override
            public void progress(long rows, long bytes) {
            }
        });
        assertThat(phases).containsExactly("infer:6", "write:6");
    }

    @Test
    void rowsBreakingDownTheParentRowAboveAreKeptOutOfTheFacts() {
        // A grand total first, then chapters with a number, each followed by its items without one.
        Path csv = TestFiles.write(dir, "budget.csv", "chapter,title,amount\n,All chapters,\"1,000\"\n"
                + "301,Presidency,600\n,Office,400\n,Castle,200\n302,Parliament,300\n,Parliament,300\n"
                + "303,Senate,100\n,Senate staff,60\n,Senate grounds,40\n", StandardCharsets.UTF_8);
        InitResult r = Loader.init(csv, dir.resolve("pkg"), Optional.empty(), ProgressListener.NONE);
        assertThat(r.ok()).isTrue();
        assertThat(r.totals()).containsEntry("amount", new BigDecimal("1000"));
        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.notes()).anyMatch(n -> n.contains("6 row(s) without \"chapter\" kept out of the facts"));
    }

    @Test
    void aSparseColumnWhoseEmptyRowsDoNotAddUpKeepsEveryRow() {
        Path csv = TestFiles.write(dir, "spend.csv", "ref,supplier,amount\nA1,Acme,600\n,Bolt,400\n,Crane,250\n"
                + "B2,Dyno,300\n,Eel,310\nC3,Fox,100\n,Gnu,60\n,Hog,30\n", StandardCharsets.UTF_8);
        InitResult r = Loader.init(csv, dir.resolve("pkg"), Optional.empty(), ProgressListener.NONE);
        assertThat(r.ok()).isTrue();
        assertThat(r.totals()).containsEntry("amount", new BigDecimal("2050"));
        assertThat(r.rows()).isEqualTo(8);
    }
}
