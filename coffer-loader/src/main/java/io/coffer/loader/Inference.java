package io.coffer.loader;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.Field;
import io.coffer.model.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Infers a Table Schema from every value of a CSV in one streaming pass (no sampling): integer, year,
 * number (with the detected {@code decimalChar}/{@code groupChar}), date and datetime (with {@code format}),
 * boolean, else string. Codes with leading zeros stay strings; fiscal years like {@code 2018/19} stay
 * strings and are flagged in the {@link ColumnProfile}. Memory is bounded by the number of columns, not rows.
 * Deterministic: the same bytes and format give the same schema.
 */
public final class Inference {
    private Inference() {
    }

    /** The schema of a CSV read with {@code format}. */
    public static TableSchema infer(Path csv, CsvFormat format) {
        return run(csv, format, List.of(""), ProgressListener.NONE).schema();
    }

    /**
     * Infers the schema and profiles the columns; values equal to one of {@code missingValues} count as empty.
     * If {@code format} was only a UTF-8 default ({@link CsvFormat#certain()} false) and a non-UTF-8 byte
     * turns up, the pass is repeated with the single-byte encoding those bytes suggest.
     *
     * @throws CofferException {@link ErrorCode#NOT_FOUND} if the file does not exist; never for bad content,
     *                         which ends up in {@link InferenceResult#report()}
     */
    public static InferenceResult run(Path csv, CsvFormat format, List<String> missingValues,
                                      ProgressListener progress) {
        return run(csv, format, missingValues, ValidationOptions.DEFAULT, progress);
    }

    /** As {@link #run(Path, CsvFormat, List, ProgressListener)}, keeping report errors within {@code options}. */
    public static InferenceResult run(Path csv, CsvFormat format, List<String> missingValues,
                                      ValidationOptions options, ProgressListener progress) {
        long started = System.nanoTime();
        Pass p = pass(csv, format, missingValues, options, progress, started);
        if (!format.certain() && p.firstMalformed() >= 0) {
            Charset fallback = guessAt(csv, p.firstMalformed());
            p = pass(csv, format.withCharset(fallback, true), missingValues, options, progress, started);
        }
        return p.result();
    }

    private record Pass(InferenceResult result, long firstMalformed) {
    }

    private static Pass pass(Path csv, CsvFormat format, List<String> missingValues, ValidationOptions options,
                             ProgressListener progress, long started) {
        ErrorCollector errors = new ErrorCollector(options.maxErrorsPerType());
        Sink sink = new Sink(missingValues, errors);
        CsvScan.Outcome o;
        try (InputStream in = Files.newInputStream(csv)) {
            o = CsvScan.run(in, Files.size(csv), format, sink, "infer", progress);
        } catch (NoSuchFileException e) {
            throw new CofferException(ErrorCode.NOT_FOUND, "file not found: " + csv);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INVALID_DATA, "cannot read " + csv + ": " + e.getMessage(), e);
        }
        RowShape.outcome(o, format, errors);
        if (sink.columns == null) {
            sink.init(Headers.generated(0));
        }
        // Ambiguous columns ("1,234", "1.500") follow the file: the style that the unambiguous columns use, and
        // comma decimals in ';'-separated files when nothing decides.
        int vote = 0;
        for (ColumnGuess g : sink.columns) {
            vote += g.decimalVote();
        }
        boolean commaFirst = vote < 0 || (vote == 0 && format.delimiter() == ';');
        List<Field> fields = new ArrayList<>();
        List<ColumnProfile> profiles = new ArrayList<>();
        for (ColumnGuess g : sink.columns) {
            Field f = g.decide(commaFirst);
            fields.add(f);
            profiles.add(new ColumnProfile(g.name, g.label == null ? g.name : g.label, f.type(), g.nonEmpty, g.empty,
                    g.distinctValues(), g.distinctCapped(), g.maxLength, g.fiscalYearText(), g.numbersProfile(f.type())));
        }
        TableSchema schema = new TableSchema(fields, List.of(), missingValues, null, null);
        double seconds = (System.nanoTime() - started) / 1e9;
        ReportTask task = errors.task(baseName(csv), csv.toString(), sink.headers.labels(), o.rows(), o.bytes(),
                fields.size(), seconds);
        Report report = new Report(List.of(task), List.of(), List.of(), seconds);
        return new Pass(new InferenceResult(format, schema, profiles, o.rows(), o.bytes(), report),
                o.firstMalformedOffset());
    }

    static String baseName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Guesses the single-byte charset from the 64 KiB around the first non-UTF-8 byte. */
    private static Charset guessAt(Path csv, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(csv.toFile(), "r")) {
            long from = Math.max(0, offset - 32 * 1024);
            byte[] b = new byte[(int) Math.min(64 * 1024, f.length() - from)];
            f.seek(from);
            f.readFully(b);
            return Encodings.singleByteGuess(b, 0, b.length);
        } catch (IOException e) {
            return Encodings.WINDOWS_1252;
        }
    }

    /** The inference pass: feeds every non-empty cell to its column's guess. */
    private static final class Sink implements CsvScan.Sink {
        private final char[][] missing;
        private final boolean onlyEmptyIsMissing;
        private final boolean emptyIsMissing;
        private final ErrorCollector errors;
        Headers headers;
        ColumnGuess[] columns;

        Sink(List<String> missingValues, ErrorCollector errors) {
            this.missing = missingValues.stream().map(String::toCharArray).toArray(char[][]::new);
            this.onlyEmptyIsMissing = missingValues.equals(List.of(""));
            this.emptyIsMissing = missingValues.contains("");
            this.errors = errors;
        }

        void init(Headers h) {
            headers = h;
            columns = new ColumnGuess[h.names().size()];
            for (int i = 0; i < columns.length; i++) {
                columns[i] = new ColumnGuess(h.names().get(i), h.labels().isEmpty() ? null : h.labels().get(i),
                        h.hints().get(i));
            }
        }

        @Override
        public void header(Row header) {
            init(header == null ? Headers.generated(0) : Headers.of(Headers.labelsOf(header), errors));
        }

        @Override
        public void row(Row row, long rowNumber) {
            if (columns == null) {
                init(Headers.generated(row.size()));
            }
            if (RowShape.blank(row, rowNumber, errors)) {
                return;
            }
            if (row.size() != columns.length) {
                RowShape.width(row, rowNumber, headers.names(), errors);
            }
            int n = Math.min(row.size(), columns.length);
            char[] b = row.chars;
            for (int i = 0; i < n; i++) {
                int s = row.start(i);
                int len = row.end(i) - s;
                if (isMissing(b, s, len)) {
                    columns[i].empty++;
                } else {
                    columns[i].accept(b, s, len);
                }
            }
            for (int i = n; i < columns.length; i++) {
                columns[i].empty++;
            }
        }

        private boolean isMissing(char[] b, int s, int len) {
            if (len == 0) {
                return onlyEmptyIsMissing || emptyIsMissing;
            }
            if (onlyEmptyIsMissing) {
                return false;
            }
            for (char[] m : missing) {
                if (m.length == len && java.util.Arrays.equals(b, s, s + len, m, 0, len)) {
                    return true;
                }
            }
            return false;
        }
    }
}
