package io.coffer.loader;

import io.coffer.model.Dialect;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How the bytes of a CSV file are to be read: what {@link Sniffer} detected, or what a mapping file forced.
 *
 * @param charset     the text encoding
 * @param bom         whether the file starts with a byte-order mark (skipped when reading)
 * @param delimiter   field separator, one of {@code , ; \t |} when sniffed
 * @param quote       quote character
 * @param lineEnding  the first line ending seen: {@code "\r\n"}, {@code "\n"} or {@code "\r"}; reading accepts all three
 * @param header      whether the first record holds column names
 * @param certain     false when the encoding is only a default (an all-ASCII sample read as UTF-8), so that a
 *                    later non-UTF-8 byte switches to the single-byte fallback instead of being an error
 * @param headerRecord records above the header (titles, notes, a query an export left on top), skipped when reading
 */
public record CsvFormat(Charset charset, boolean bom, char delimiter, char quote, String lineEnding, boolean header,
                        boolean certain, int headerRecord) {
    public CsvFormat(Charset charset, boolean bom, char delimiter, char quote, String lineEnding, boolean header,
                     boolean certain) {
        this(charset, bom, delimiter, quote, lineEnding, header, certain, 0);
    }

    /** What Coffer writes: UTF-8 without BOM, comma, double quote, LF. */
    public static final CsvFormat NORMALISED = new CsvFormat(StandardCharsets.UTF_8, false, ',', '"', "\n", true, true);

    public CsvFormat {
        Objects.requireNonNull(charset, "charset is null");
        Objects.requireNonNull(lineEnding, "lineEnding is null");
        if (headerRecord < 0) {
            throw new IllegalArgumentException("headerRecord must not be negative");
        }
        if (delimiter == quote || delimiter == '\n' || delimiter == '\r' || quote == '\n' || quote == '\r') {
            throw new IllegalArgumentException("delimiter '" + delimiter + "' and quote '" + quote
                    + "' must differ and must not be line breaks");
        }
    }

    public CsvFormat withCharset(Charset cs, boolean isCertain) {
        return new CsvFormat(cs, bom, delimiter, quote, lineEnding, header, isCertain, headerRecord);
    }

    public CsvFormat withDelimiter(char d) {
        return new CsvFormat(charset, bom, d, quote, lineEnding, header, certain, headerRecord);
    }

    public CsvFormat withQuote(char q) {
        return new CsvFormat(charset, bom, delimiter, q, lineEnding, header, certain, headerRecord);
    }

    public CsvFormat withHeader(boolean h) {
        return new CsvFormat(charset, bom, delimiter, quote, lineEnding, h, certain, headerRecord);
    }

    public CsvFormat withHeaderRecord(int records) {
        return new CsvFormat(charset, bom, delimiter, quote, lineEnding, header, certain, records);
    }

    /** The CSV Dialect describing this format in a descriptor. */
    public Dialect dialect() {
        return new Dialect(delimiter, quote, true, lineEnding, header, false);
    }

    /** Encoding name as written in a descriptor ({@code utf-8}, {@code windows-1252}, ...). */
    public String encodingName() {
        return charset.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A CsvFormat for a resource described by a descriptor's {@code encoding} and {@code dialect}. */
    public static CsvFormat of(String encoding, Dialect d) {
        Charset cs = Encodings.forName(encoding);
        Dialect dialect = d == null ? Dialect.DEFAULT : d;
        return new CsvFormat(cs, false, dialect.delimiter(), dialect.quoteChar(),
                dialect.lineTerminator() == null ? "\r\n" : dialect.lineTerminator(), dialect.header(), true);
    }
}
