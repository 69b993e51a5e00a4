package io.coffer.versions;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.coffer.model.CofferException;
import io.coffer.model.Dialect;
import io.coffer.model.ErrorCode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Stages CSV files into a DuckDB table of text columns: {@code _ord} (row number, 1-based, in file order)
 * then one VARCHAR per wanted column. Cells are kept as published (the diff and history compare what the
 * publisher wrote); missing values become NULL. Streams: one row at a time through DuckDB's appender.
 */
final class CsvTables {
    private CsvTables() {
    }

    interface Opener {
        InputStream open() throws IOException;
    }

    /** Creates {@code table} and appends every file's rows; returns the number of rows. */
    static long stage(Connection c, String table, List<String> columns, List<Opener> files, Dialect declared,
                      String encoding, Set<String> missing, boolean requireAll, String what) throws SQLException,
            IOException {
        try (Statement s = c.createStatement()) {
            StringBuilder ddl = new StringBuilder("CREATE TABLE " + Sql.ident(table) + " (\"_ord\" BIGINT");
            columns.forEach(col -> ddl.append(", ").append(Sql.ident(col)).append(" VARCHAR"));
            s.execute(ddl.append(")").toString());
        }
        long rows = 0;
        Charset cs = charset(encoding);
        try (DuckDBAppender app = c.unwrap(DuckDBConnection.class).createAppender("main", table)) {
            for (Opener file : files) {
                Dialect d = declared != null ? declared : sniff(file, columns, cs);
                try (InputStream raw = file.open(); BufferedInputStream in = new BufferedInputStream(raw, 1 << 16)) {
                    skipBom(in);
                    try (CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(d.delimiter())
                            .quoteCharacter(d.quoteChar()).skipEmptyLines(true)
                            .ofCsvRecord(new InputStreamReader(in, cs))) {
                        Iterator<CsvRecord> it = reader.iterator();
                        int[] index = new int[columns.size()];
                        for (int i = 0; i < index.length; i++) {
                            index[i] = i;
                        }
                        if (d.header() && it.hasNext()) {
                            List<String> header = it.next().getFields().stream()
                                    .map(h -> d.skipInitialSpace() ? h.strip() : h).toList();
                            for (int i = 0; i < index.length; i++) {
                                index[i] = header.indexOf(columns.get(i));
                                if (index[i] < 0 && requireAll) {
                                    throw new CofferException(ErrorCode.INVALID_DATA, what + " has no column '"
                                            + columns.get(i) + "' (header: " + header + ")");
                                }
                            }
                        }
                        while (it.hasNext()) {
                            CsvRecord r = it.next();
                            rows++;
                            app.beginRow();
                            app.append(rows);
                            for (int i = 0; i < index.length; i++) {
                                String v = index[i] >= 0 && index[i] < r.getFieldCount() ? r.getField(index[i]) : null;
                                if (v != null && d.skipInitialSpace()) {
                                    v = v.stripLeading();
                                }
                                if (v == null || missing.contains(v)) {
                                    app.appendNull();
                                } else {
                                    app.append(v);
                                }
                            }
                            app.endRow();
                        }
                    } catch (CsvParseException e) {
                        throw new CofferException(ErrorCode.INVALID_DATA, "cannot read " + what + ": "
                                + e.getMessage(), e);
                    }
                }
            }
        }
        return rows;
    }

    /** With no declared dialect: the first of ',', ';', tab, '|' whose header holds the first wanted column. */
    private static Dialect sniff(Opener file, List<String> columns, Charset cs) throws IOException {
        Dialect base = Dialect.DEFAULT;
        for (char sep : new char[] {',', ';', '\t', '|'}) {
            Dialect d = new Dialect(sep, base.quoteChar(), base.doubleQuote(), base.lineTerminator(), true,
                    base.skipInitialSpace());
            try (InputStream raw = file.open();
                 BufferedInputStream in = new BufferedInputStream(new io.coffer.store.spi.BoundedInputStream(raw,
                         1 << 20))) {
                skipBom(in);
                try (CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(sep)
                        .ofCsvRecord(new InputStreamReader(in, cs))) {
                    Iterator<CsvRecord> it = reader.iterator();
                    if (it.hasNext() && !columns.isEmpty() && it.next().getFields().containsAll(columns)) {
                        return d;
                    }
                } catch (RuntimeException e) {
                    // try the next separator
                }
            }
        }
        return base;
    }

    static void skipBom(BufferedInputStream in) throws IOException {
        in.mark(3);
        byte[] b = in.readNBytes(3);
        if (!(b.length == 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF)) {
            in.reset();
        }
    }

    static Charset charset(String encoding) {
        if (encoding == null || encoding.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(encoding.trim().toLowerCase(Locale.ROOT).replace("utf8", "utf-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
