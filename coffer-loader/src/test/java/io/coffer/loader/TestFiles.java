package io.coffer.loader;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: the shared corpus, temp CSVs, and reading rows back through the loader's own reader. */
final class TestFiles {
    private TestFiles() {
    }

    /** The shared corpus (see io.coffer.testing.Corpus: COFFER_CORPUS in CI, where missing is a failure). */
    static Path corpus() {
        return io.coffer.testing.Corpus.root();
    }

    static Path write(Path dir, String name, String text, Charset cs) {
        try {
            Path p = dir.resolve(name);
            Files.write(p, text.getBytes(cs));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record (header included) as strings, read with {@code fmt}. */
    static List<List<String>> rows(Path file, CsvFormat fmt) {
        List<List<String>> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            CsvScan.Outcome o = CsvScan.run(in, Files.size(file), fmt, new CsvScan.Sink() {
                @Override
                public void header(Row header) {
                    if (header != null) {
                        out.add(strings(header));
                    }
                }

                @Override
                public void row(Row row, long rowNumber) {
                    out.add(strings(row));
                }
            }, "test", ProgressListener.NONE);
            if (o.failure() != null) {
                throw new AssertionError("unexpected parse failure: " + o.failure());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<String> strings(Row r) {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            cells.add(r.get(i));
        }
        return cells;
    }
}
