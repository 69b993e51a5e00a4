package io.coffer.loader;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Detects how a CSV file is written from its first {@value #SAMPLE_BYTES} bytes: encoding (BOM; UTF-16
 * by NUL pattern; UTF-8 if the bytes are valid UTF-8; otherwise a single-byte fallback, see
 * {@link Encodings#singleByteGuess}), delimiter ({@code , ; TAB |}, the one that splits the sampled records
 * into the most consistent number of fields), quote character and line ending. Deterministic: the same
 * bytes always give the same format. Never reads more than the sample.
 */
public final class Sniffer {
    /** Bytes looked at; enough for hundreds of records of any realistic width. */
    public static final int SAMPLE_BYTES = 1 << 20;
    private static final int MAX_RECORDS = 500;
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    /** Tie-break between equally consistent delimiters: a tab or ';' that splits every row evenly is rarely data. */
    private static final String TIE_ORDER = "\t;|,";

    private Sniffer() {
    }

    /** Sniffs a file; fails with {@link ErrorCode#NOT_FOUND} or {@link ErrorCode#INVALID_DATA} if unreadable. */
    public static CsvFormat sniff(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sniff(in);
        } catch (NoSuchFileException e) {
            throw new CofferException(ErrorCode.NOT_FOUND, "file not found: " + file);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INVALID_DATA, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Sniffs the first bytes of a stream (reads at most {@link #SAMPLE_BYTES}; does not close it). */
    public static CsvFormat sniff(InputStream in) throws IOException {
        byte[] buf = in.readNBytes(SAMPLE_BYTES);
        boolean complete = buf.length < SAMPLE_BYTES || in.read() < 0;
        return sniff(buf, buf.length, complete);
    }

    /**
     * Sniffs a sample. {@code complete} says the sample is the whole file, so the encoding guess is final and
     * the last record is not cut off.
     */
    public static CsvFormat sniff(byte[] sample, int len, boolean complete) {
        Charset bomCs = Encodings.bomCharset(sample, len);
        int bomLen = Encodings.bomLength(sample, len);
        Charset cs;
        boolean certain = true;
        if (bomCs != null) {
            cs = bomCs;
        } else {
            Charset utf16 = Encodings.utf16ByNuls(sample, len);
            if (utf16 != null) {
                cs = utf16;
            } else {
                Encodings.Utf8Scan scan = Encodings.scanUtf8(sample, 0, len, !complete);
                if (scan.valid()) {
                    cs = StandardCharsets.UTF_8;
                    // All-ASCII so far: UTF-8 is only a default until a non-ASCII byte shows up.
                    certain = scan.nonAscii() || complete;
                } else {
                    cs = Encodings.singleByteGuess(sample, 0, len);
                }
            }
        }
        String text = decode(sample, bomLen, len, cs);
        char delimiter = delimiter(text, complete, '"');
        char quote = quote(text, delimiter);
        if (quote != '"') {
            delimiter = delimiter(text, complete, quote);
        }
        String lineEnding = lineEnding(text, quote);
        return new CsvFormat(cs, bomCs != null, delimiter, quote, lineEnding, true, certain,
                headerRecord(text, delimiter, quote, complete));
    }

    /**
     * Records above the header: 0 unless the first record is much narrower than the table (a title, a note, a
     * query left on top by an export); then the header is the first all-text record, about as wide as the
     * table, that is followed by a record with a number in it.
     */
    static int headerRecord(String text, char d, char q, boolean complete) {
        List<List<String>> recs = new ArrayList<>();
        try (var reader = de.siegmar.fastcsv.reader.CsvReader.builder().fieldSeparator(d).quoteCharacter(q)
                .skipEmptyLines(false).allowExtraFields(true).allowMissingFields(true)
                .ofCsvRecord(text)) {
            for (var r : reader) {
                if (recs.size() >= 200) {
                    break;
                }
                recs.add(r.getFields());
            }
        } catch (RuntimeException | java.io.IOException e) {
            return 0; // unparseable sample: the reading passes report it
        }
        if (!complete && !recs.isEmpty()) {
            recs.remove(recs.size() - 1);
        }
        if (recs.size() < 3) {
            return 0;
        }
        Map<Integer, Integer> freq = new HashMap<>();
        int width = 0;
        int widthFreq = 0;
        for (List<String> r : recs) {
            int ne = nonEmpty(r);
            if (ne >= 2) {
                int f = freq.merge(ne, 1, Integer::sum);
                if (f > widthFreq || (f == widthFreq && ne > width)) {
                    width = ne;
                    widthFreq = f;
                }
            }
        }
        int wide = Math.max(2, (width + 1) / 2);
        if (recs.get(0).size() >= wide || nonEmpty(recs.get(0)) >= wide) {
            return 0;
        }
        for (int k = 1; k + 1 < recs.size(); k++) {
            List<String> r = recs.get(k);
            if (nonEmpty(r) < wide || hasNumber(r)) {
                continue;
            }
            int next = k + 1;
            while (next < recs.size() && nonEmpty(recs.get(next)) == 0) {
                next++;
            }
            if (next < recs.size() && hasNumber(recs.get(next)) && nonEmpty(recs.get(next)) >= wide) {
                return k;
            }
        }
        return 0;
    }

    private static final java.util.regex.Pattern NUMBERISH = java.util.regex.Pattern.compile(
            "[-(]?\\p{Sc}?\\s?-?\\d[\\d.,\\s\u00A0]*\\)?\\s?\\p{Sc}?");

    private static boolean hasNumber(List<String> r) {
        for (String c : r) {
            if (NUMBERISH.matcher(c.strip()).matches()) {
                return true;
            }
        }
        return false;
    }

    private static int nonEmpty(List<String> r) {
        int n = 0;
        for (String c : r) {
            if (!c.isBlank()) {
                n++;
            }
        }
        return n;
    }

    private static String decode(byte[] b, int from, int to, Charset cs) {
        try {
            return cs.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(b, from, to - from)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("REPLACE decoders do not throw", e);
        }
    }

    static char delimiter(String text, boolean complete, char quote) {
        char best = ',';
        double bestScore = 0;
        int bestWidth = 1;
        for (char d : DELIMITERS) {
            List<Integer> widths = recordWidths(text, d, quote, complete);
            if (widths.isEmpty()) {
                continue;
            }
            Map<Integer, Integer> freq = new HashMap<>();
            int mode = 0;
            int modeFreq = 0;
            for (int w : widths) {
                int f = freq.merge(w, 1, Integer::sum);
                if (f > modeFreq || (f == modeFreq && w > mode)) {
                    mode = w;
                    modeFreq = f;
                }
            }
            if (mode <= 1) {
                continue;
            }
            double score = (double) modeFreq / widths.size();
            boolean better = score > bestScore + 1e-9
                    || (Math.abs(score - bestScore) <= 1e-9 && (mode > bestWidth
                    || (mode == bestWidth && TIE_ORDER.indexOf(d) < TIE_ORDER.indexOf(best))));
            if (better) {
                best = d;
                bestScore = score;
                bestWidth = mode;
            }
        }
        return best;
    }

    /** Field counts of the non-empty records in the sample, quote-aware; the cut-off last record is dropped. */
    static List<Integer> recordWidths(String text, char d, char q, boolean complete) {
        List<Integer> widths = new ArrayList<>();
        int fields = 1;
        boolean inQuotes = false;
        boolean empty = true;
        int n = text.length();
        for (int i = 0; i < n && widths.size() < MAX_RECORDS; i++) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c == q) {
                    if (i + 1 < n && text.charAt(i + 1) == q) {
                        i++;
                    } else {
                        inQuotes = false;
                    }
                }
            } else if (c == q) {
                inQuotes = true;
                empty = false;
            } else if (c == d) {
                fields++;
                empty = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (!empty) {
                    widths.add(fields);
                }
                fields = 1;
                empty = true;
            } else {
                empty = false;
            }
        }
        if (!empty && complete && !inQuotes && widths.size() < MAX_RECORDS) {
            widths.add(fields);
        }
        return widths;
    }

    /** {@code '} only when the sample has no {@code "} at all and single quotes wrap fields. */
    static char quote(String text, char d) {
        if (text.indexOf('"') >= 0) {
            return '"';
        }
        int wrapped = 0;
        for (int i = 0; i + 1 < text.length(); i++) {
            char c = text.charAt(i);
            char next = text.charAt(i + 1);
            boolean opens = c == '\'' && (i == 0 || text.charAt(i - 1) == d || text.charAt(i - 1) == '\n'
                    || text.charAt(i - 1) == '\r');
            boolean closes = c == '\'' && (next == d || next == '\n' || next == '\r');
            if (opens || closes) {
                wrapped++;
            }
        }
        return wrapped >= 4 ? '\'' : '"';
    }

    static String lineEnding(String text, char q) {
        boolean inQuotes = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == q) {
                inQuotes = !inQuotes;
            } else if (!inQuotes && c == '\r') {
                return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? "\r\n" : "\r";
            } else if (!inQuotes && c == '\n') {
                return "\n";
            }
        }
        return "\n";
    }
}
