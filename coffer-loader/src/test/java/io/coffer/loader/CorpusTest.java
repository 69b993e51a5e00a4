package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.Field;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every CSV of the shared corpus of real public fiscal data loads, round-trips and sums exactly. */
class CorpusTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyCsvLoadsAndItsPackageValidates() throws IOException {
        Path corpus = TestFiles.corpus();
        List<Path> csvs;
        try (Stream<Path> s = Files.walk(corpus)) {
            // real-* files are raw publisher files with their own independent totals: RealFilesTest runs them.
            csvs = s.filter(p -> p.toString().endsWith(".csv"))
                    .filter(p -> !corpus.relativize(p).getName(0).toString().startsWith("real-")).sorted().toList();
        }
        assertThat(csvs).hasSizeGreaterThanOrEqualTo(20);
        return csvs.stream().map(csv -> DynamicTest.dynamicTest(corpus.relativize(csv).toString(), () -> {
            Path out = Files.createTempDirectory(tmp, "pkg");
            InitResult r = Loader.init(csv, out, Optional.empty(), ProgressListener.NONE);
            assertThat(r.written()).isTrue();
            assertThat(r.report().toText()).first().asString().startsWith("VALID");
            Report again = Validator.validate(out, ValidationOptions.DEFAULT, ProgressListener.NONE);
            assertThat(again.toText()).first().asString().startsWith("VALID");
            assertSumsMatchAnIndependentParser(csv, r);
        }));
    }

    /** Sums every measure with a naive parser of its own (whole file in memory: corpus files are small). */
    private static void assertSumsMatchAnIndependentParser(Path csv, InitResult r) throws IOException {
        byte[] bytes = Files.readAllBytes(csv);
        String text = new String(bytes, r.source().charset());
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> rows = NaiveCsv.parse(text, r.source().delimiter());
        List<String> header = rows.get(0);
        for (Map.Entry<String, BigDecimal> total : r.totals().entrySet()) {
            int col = r.descriptor().resources().get(0).schema().fieldNames().indexOf(total.getKey());
            Field source = r.descriptor().resources().get(0).schema().fields().get(col);
            assertThat(source.name()).isEqualTo(total.getKey());
            String group = groupCharOf(csv, r, col);
            BigDecimal sum = BigDecimal.ZERO;
            for (List<String> row : rows.subList(1, rows.size())) {
                if (col >= row.size()) {
                    continue;
                }
                String cell = row.get(col);
                if (group != null) {
                    cell = cell.replace(group, "");
                }
                try {
                    sum = sum.add(new BigDecimal(cell.replace(',', '.')));
                } catch (NumberFormatException placeholderOrEmpty) {
                    // "", "nfp", "- ": the loader reads these as missing too.
                }
            }
            assertThat(total.getValue()).as("sum of %s in %s (header %s)", total.getKey(), csv, header.get(col))
                    .isEqualTo(sum);
        }
    }

    private static String groupCharOf(Path csv, InitResult r, int col) {
        Field inferred = Inference.infer(csv, r.source()).fields().get(col);
        return inferred.groupChar();
    }

    @Test
    void macedoniaRoundTripsWithIdenticalText() throws IOException {
        Path csv = TestFiles.corpus().resolve("demo-openspending-macedonia/MFBudzetIRebalansNaRMmk-MK.csv");
        InitResult r = Loader.init(csv, tmp.resolve("mk"), Optional.empty(), ProgressListener.NONE);
        assertThat(r.source().bom()).isTrue();
        assertThat(r.source().delimiter()).isEqualTo(';');
        assertThat(r.source().lineEnding()).isEqualTo("\r\n");
        assertThat(r.source().charset()).isEqualTo(StandardCharsets.UTF_8);
        List<List<String>> original = new ArrayList<>(TestFiles.rows(csv, r.source()));
        original.removeIf(row -> row.stream().allMatch(String::isEmpty));
        List<List<String>> written = TestFiles.rows(tmp.resolve("mk").resolve(r.dataPath()), CsvFormat.NORMALISED);
        assertThat(written).hasSize(10_154);
        assertThat(written).isEqualTo(original);
        assertThat(written.get(0).get(0)).isEqualTo("Датум на објавување");
        byte[] out = Files.readAllBytes(tmp.resolve("mk").resolve(r.dataPath()));
        assertThat(out[0]).as("no BOM in the normalised file").isNotEqualTo((byte) 0xEF);
    }

    @Test
    void knownTotalsFromSourceNotes() {
        Path corpus = TestFiles.corpus();
        InitResult uk = Loader.init(corpus.resolve("ukgov-cra-sample/dataset.csv"), tmp.resolve("uk"), Optional.empty(),
                ProgressListener.NONE);
        assertThat(uk.totals().get("amount")).isEqualByComparingTo("12008553000.04");
        InitResult md = Loader.init(corpus.resolve("boost-moldova-2014/data/boost-moldova-2014.csv"), tmp.resolve("md"),
                Optional.empty(), ProgressListener.NONE);
        assertThat(md.totals().get("approved")).isEqualByComparingTo("730448500");
        assertThat(md.totals().get("adjusted")).isEqualByComparingTo("779486656.62");
        assertThat(md.totals().get("executed")).isEqualByComparingTo("738288201.78");
        InitResult cra = Loader.init(corpus.resolve("babbage-test-fixtures/cra.csv"), tmp.resolve("cra"),
                Optional.empty(), ProgressListener.NONE);
        assertThat(cra.totals().get("amount")).isEqualByComparingTo("-371500000");
        assertThat(cra.rows()).isEqualTo(36);
        InitResult simple = Loader.init(corpus.resolve("dpp-fiscal-supersimple/simple.csv"), tmp.resolve("s"),
                Optional.empty(), ProgressListener.NONE);
        assertThat(simple.totals().get("amount")).isEqualByComparingTo("34001301.76");
    }

    /** A deliberately simple CSV parser, independent of FastCSV and of the loader. */
    static final class NaiveCsv {
        static List<List<String>> parse(String text, char d) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == d) {
                    row.add(cell.toString());
                    cell.setLength(0);
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    row.add(cell.toString());
                    cell.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                } else {
                    cell.append(c);
                }
            }
            if (cell.length() > 0 || !row.isEmpty()) {
                row.add(cell.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
