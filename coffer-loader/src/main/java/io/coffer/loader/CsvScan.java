package io.coffer.loader;

import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * One streaming pass over a CSV: decode, parse with FastCSV, hand each record to a {@link Sink}. Memory is
 * bounded by {@link #MAX_FIELD_CHARS} and {@link #MAX_RECORD_CHARS}, whatever the input. Malformed input
 * (unclosed quote, junk after a closing quote, a record over the limits, an I/O error) ends the pass with
 * a {@link Outcome#failure()} naming the row, never with an exception.
 */
final class CsvScan {
    static final int MAX_FIELD_CHARS = 16 << 20;
    static final int MAX_RECORD_CHARS = 32 << 20;
    static final int MAX_COLUMNS = 16_384;
    private static final int PROGRESS_EVERY = 1 << 13;

    private CsvScan() {
    }

    /** Receives the records of one pass. */
    interface Sink {
        /** The first record when the format has a header (called once, before any row). */
        void header(Row header);

        /**
         * A data record. {@code rowNumber} counts records from 1 including the header, as Frictionless reports do.
         */
        void row(Row row, long rowNumber);
    }

    /**
     * @param rows                 data records read (without header)
     * @param bytes                bytes consumed
     * @param malformedBytes       byte sequences that were not valid in the charset (read as U+FFFD)
     * @param firstMalformedOffset byte offset of the first, or -1
     * @param failure              why the pass stopped early, or null
     * @param failureRow           row number where it stopped
     */
    record Outcome(long rows, long bytes, long malformedBytes, long firstMalformedOffset, String failure,
                   long failureRow) {
    }

    static final class RecordTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RecordTooLarge(String message) {
            super(message, null, false, false);
        }
    }

    static Outcome run(InputStream in, long totalBytes, CsvFormat fmt, Sink sink, String phase,
                       ProgressListener progress) {
        long rowNumber = 0;
        long dataRows = 0;
        DecodingReader reader = null;
        CsvReader<Row> csv = null;
        String failure = null;
        progress.start(phase, totalBytes);
        try {
            reader = new DecodingReader(in, fmt.charset());
            csv = CsvReader.builder()
                    .fieldSeparator(fmt.delimiter())
                    .quoteCharacter(fmt.quote())
                    .commentStrategy(CommentStrategy.NONE)
                    .skipEmptyLines(false)
                    .allowUnclosedQuote(false)
                    .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                    .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                    .detectBomHeader(false)
                    .maxBufferSize(MAX_FIELD_CHARS)
                    .build(new RowHandler(), reader);
            Iterator<Row> it = csv.iterator();
            boolean headerPending = fmt.header();
            while (rowNumber < fmt.headerRecord() && it.hasNext()) {
                it.next(); // lines above the table (a title, notes): reported by init, not data
                rowNumber++;
            }
            while (it.hasNext()) {
                Row row = it.next();
                rowNumber++;
                if (headerPending) {
                    headerPending = false;
                    if (row.size > MAX_COLUMNS) {
                        failure = "the header has " + row.size + " columns; at most " + MAX_COLUMNS + " are supported";
                        break;
                    }
                    sink.header(row);
                    continue;
                }
                dataRows++;
                sink.row(row, rowNumber);
                if ((dataRows & (PROGRESS_EVERY - 1)) == 0) {
                    progress.progress(dataRows, reader.bytesRead());
                }
            }
            if (headerPending && failure == null) {
                sink.header(null);
            }
        } catch (CsvParseException | RecordTooLarge e) {
            failure = "cannot parse row " + (rowNumber + 1) + ": " + e.getMessage();
            rowNumber++;
        } catch (UncheckedIOException e) {
            failure = "cannot read the file after row " + rowNumber + ": " + e.getCause().getMessage();
        } catch (IOException e) {
            failure = "cannot read the file: " + e.getMessage();
        } finally {
            closeQuietly(csv);
        }
        long bytes = reader == null ? 0 : reader.bytesRead();
        progress.finish(dataRows, bytes);
        return new Outcome(dataRows, bytes, reader == null ? 0 : reader.malformedCount(),
                reader == null ? -1 : reader.firstMalformedOffset(), failure, rowNumber);
    }

    private static void closeQuietly(CsvReader<Row> csv) {
        if (csv == null) {
            return;
        }
        try {
            csv.close();
        } catch (IOException | UncheckedIOException ignored) {
            // Only the input is closed here; what was read has been handed on already.
        }
    }
}
