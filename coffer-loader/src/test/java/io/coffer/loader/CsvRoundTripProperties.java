package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Round trips of random tables through writers and the loader's reader, and robustness against any bytes. */
class CsvRoundTripProperties {
    private static Path dir;

    @BeforeContainer
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("coffer-props");
    }

    @AfterContainer
    static void deleteDir() throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Cells full of what breaks CSV: quotes, delimiters, line breaks, spaces, non-ASCII, a stray BOM. */
    private static Arbitrary<String> cells(String alphabet) {
        return Arbitraries.strings().withChars(alphabet.toCharArray()).ofMaxLength(12);
    }

    private static Arbitrary<List<List<String>>> tables(String alphabet, int minWidth) {
        return Arbitraries.integers().between(minWidth, 6).flatMap(width ->
                cells(alphabet).list().ofSize(width).list().ofMinSize(1).ofMaxSize(15));
    }

    private static final String EVERYTHING = "ab1 ,;|\t\"'\r\n.é€Щ\uFEFF-";

    @Property(tries = 300)
    void normalisedWriterThenReaderGivesTheSameRows(@ForAll("anyTable") List<List<String>> rows) throws IOException {
        StringWriter w = new StringWriter();
        CsvOut out = new CsvOut(w);
        for (List<String> row : rows) {
            for (String c : row) {
                out.cell(c);
            }
            out.endRow();
        }
        Path p = Files.createTempFile(dir, "n", ".csv");
        Files.writeString(p, w.toString(), StandardCharsets.UTF_8);
        assertThat(TestFiles.rows(p, CsvFormat.NORMALISED)).isEqualTo(rows);
    }

    @Provide
    Arbitrary<List<List<String>>> anyTable() {
        return tables(EVERYTHING, 1);
    }

    record Dialect(char delimiter, String lineEnding, Charset charset, boolean bom) {
    }

    @Provide
    Arbitrary<Dialect> dialects() {
        return Combinators.combine(Arbitraries.of(',', ';', '\t', '|'), Arbitraries.of("\n", "\r\n"),
                Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
                        Charset.forName("windows-1252")), Arbitraries.of(true, false)).as(Dialect::new);
    }

    @Provide
    Arbitrary<List<List<String>>> tablesForSniffing() {
        // Two columns at least (one column has no delimiter to find); characters Windows-1252 can encode.
        return tables("ab1 ,;|\t\"'\r\n.éü€-", 2).filter(t -> t.size() >= 2);
    }

    /** Written by a simple independent writer in any dialect and encoding, sniffed and read back unchanged. */
    @Property(tries = 300)
    void sniffedFilesReadBackUnchanged(@ForAll("tablesForSniffing") List<List<String>> rows,
                                       @ForAll("dialects") Dialect d) throws IOException {
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    text.append(d.delimiter());
                }
                text.append('"').append(row.get(i).replace("\"", "\"\"")).append('"');
            }
            text.append(d.lineEnding());
        }
        boolean bom = d.bom() && !d.charset().name().startsWith("windows");
        byte[] body = text.toString().getBytes(d.charset());
        byte[] mark = bom ? "\uFEFF".getBytes(d.charset()) : new byte[0];
        Path p = Files.createTempFile(dir, "s", ".csv");
        Files.write(p, concat(mark, body));

        CsvFormat f = Sniffer.sniff(p);
        assertThat(f.delimiter()).isEqualTo(d.delimiter());
        assertThat(f.lineEnding()).isEqualTo(d.lineEnding());
        assertThat(f.bom()).isEqualTo(bom);
        assertThat(TestFiles.rows(p, f)).isEqualTo(rows);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Provide
    Arbitrary<byte[]> csvishBytes() {
        byte[] alphabet = {',', ';', '"', '\n', '\r', '\t', 'a', '1', '.', '-', ' ', 0, (byte) 0xC3, (byte) 0xA9,
                (byte) 0xFF, (byte) 0xFE, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        return Arbitraries.of(toList(alphabet)).list().ofMaxSize(400).map(l -> {
            byte[] b = new byte[l.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = l.get(i);
            }
            return b;
        });
    }

    private static List<Byte> toList(byte[] b) {
        List<Byte> out = new ArrayList<>();
        for (byte x : b) {
            out.add(x);
        }
        return out;
    }

    /** Whatever the bytes, validating and loading end in a report, never an exception. */
    @Property(tries = 300)
    void malformedInputAlwaysYieldsAReport(@ForAll("csvishBytes") byte[] bytes) throws IOException {
        Path p = Files.createTempFile(dir, "m", ".csv");
        Files.write(p, bytes);
        Report r = Validator.validate(p, ValidationOptions.DEFAULT, ProgressListener.NONE);
        assertThat(r.tasks()).hasSize(1);
        assertThat(r.toJson().get("valid").isBoolean()).isTrue();
        Path out = Files.createTempDirectory(dir, "pkg");
        InitResult init = Loader.init(p, out, Optional.empty(), ProgressListener.NONE);
        assertThat(init.report()).isNotNull();
        if (init.written()) {
            Report again = Validator.validate(out, ValidationOptions.DEFAULT, ProgressListener.NONE);
            assertThat(again.tasks()).hasSize(1);
        }
    }
}
