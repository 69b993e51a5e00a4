package io.coffer.engine;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.coffer.engine.cube.ColumnType;
import io.coffer.engine.cube.Cube;
import io.coffer.engine.cube.CubeAttribute;
import io.coffer.engine.cube.CubeMeasure;
import io.coffer.engine.cube.ValueParser;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.Dialect;
import io.coffer.model.ErrorCode;
import io.coffer.model.Resource;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Parquet copy of each revision's fact table, written by DuckDB into the cache directory and keyed by
 * (dataset, revision, manifest SHA-256), so a copy can never be served for other bytes. A missing copy
 * (fresh machine, cleared cache) is rebuilt from the revision's CSV on first use.
 *
 * <p>Loading: the CSV is parsed in Java (FastCSV) so that number formats, factors and dates are handled
 * exactly (BigDecimal), staged as canonical text through DuckDB's appender, then cast by DuckDB to the
 * final types (DECIMAL(38, s) for measures) and written with {@code COPY ... TO ... (FORMAT parquet)}.
 */
final class ParquetCache {
    private static final Logger LOG = LoggerFactory.getLogger(ParquetCache.class);
    /** Bumped whenever the layout of the Parquet copy changes, so old copies are not reused. */
    static final String LAYOUT = "v1";

    private final DataStore store;
    private final Duck duck;
    private final Path dir;
    private final Map<String, LoadedCube> loaded = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Revisions whose data cannot be loaded: refused again at once instead of re-parsing on every request. */
    private final Map<String, CofferException> failed = new ConcurrentHashMap<>();

    ParquetCache(DataStore store, Duck duck, Path dir) {
        this.store = store;
        this.duck = duck;
        this.dir = dir;
    }

    Path pathOf(Revision rev) {
        String sha = rev.manifestSha256() == null ? "nosha" : rev.manifestSha256();
        return dir.resolve(rev.dataset().owner()).resolve(rev.dataset().name())
                .resolve(String.format(Locale.ROOT, "r%06d-%s-%s.parquet", rev.revision(),
                        sha.substring(0, Math.min(16, sha.length())), LAYOUT));
    }

    /** The loaded cube of a revision, building its Parquet copy when missing. */
    LoadedCube load(Revision rev) {
        Path path = pathOf(rev);
        String key = path.toString();
        LoadedCube c = loaded.get(key);
        if (c != null && Files.isRegularFile(path)) {
            return c;
        }
        CofferException known = failed.get(key);
        if (known != null) {
            throw new CofferException(known.code(), known.getMessage(), known.details());
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            c = loaded.get(key);
            if (c != null && Files.isRegularFile(path)) {
                return c;
            }
            DataPackage pkg = store.descriptor(rev);
            Cube cube = Cube.of(pkg);
            if (!Files.isRegularFile(path)) {
                try {
                    build(rev, pkg, cube, path);
                } catch (CofferException e) {
                    if (e.code() == ErrorCode.INVALID_DATA || e.code() == ErrorCode.INVALID_DESCRIPTOR) {
                        failed.put(key, e);
                    }
                    throw e;
                }
            }
            c = describe(rev, cube, path);
            loaded.put(key, c);
            return c;
        }
    }

    private LoadedCube describe(Revision rev, Cube cube, Path path) {
        Map<String, ColumnType> types = new HashMap<>();
        Map<String, String> sql = new HashMap<>();
        try (Connection c = duck.connect();
             var ps = c.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
            ps.setString(1, path.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), ColumnType.ofDuckDb(rs.getString(2)));
                    sql.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.CORRUPT, "cannot read the Parquet copy of " + rev.dataset()
                    + " revision " + rev.revision() + ": " + e.getMessage(), e);
        }
        return new LoadedCube(rev, cube, path, types, sql);
    }

    /** Per staged column: how it is parsed and what the load found out about it. */
    private static final class Column {
        final String name;
        final ValueParser parser;
        final CubeMeasure measure;
        final CubeAttribute attribute;
        int index = -1;
        boolean degraded;
        int maxScale;
        int maxIntDigits = 1;

        Column(String name, ValueParser parser, CubeMeasure measure, CubeAttribute attribute) {
            this.name = name;
            this.parser = parser;
            this.measure = measure;
            this.attribute = attribute;
        }
    }

    private void build(Revision rev, DataPackage pkg, Cube cube, Path path) {
        long started = System.nanoTime();
        Resource res = cube.resource();
        List<String> files = filesOf(rev, pkg, res);
        List<Column> cols = new ArrayList<>();
        cube.measures().values().forEach(m -> cols.add(new Column(m.column(),
                new ValueParser(ColumnType.DECIMAL, m.field().field()), m, null)));
        cube.attributes().values().forEach(a -> cols.add(new Column(a.column(),
                new ValueParser(a.type(), a.field() == null ? null : a.field().field()), null, a)));
        Set<String> missing = Set.copyOf(res.schema().missingValues());
        String table = "stage_" + Long.toHexString(System.nanoTime()) + "_" + Integer.toHexString(path.hashCode() & 0xffff);
        Path tmp = path.resolveSibling(path.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        long rows = 0;
        try (Connection c = duck.connect(); Statement s = c.createStatement()) {
            Files.createDirectories(path.getParent());
            StringBuilder ddl = new StringBuilder("CREATE TABLE " + Duck.ident(table) + " (\"_id\" BIGINT");
            cols.forEach(col -> ddl.append(", ").append(Duck.ident(col.name)).append(" VARCHAR"));
            s.execute(ddl.append(")").toString());
            try {
                try (DuckDBAppender app = ((DuckDBConnection) c).createAppender("main", table)) {
                    for (String file : files) {
                        rows = appendFile(rev, res, file, cols, missing, app, rows);
                    }
                }
                StringBuilder select = new StringBuilder("SELECT \"_id\"");
                for (Column col : cols) {
                    select.append(", CAST(").append(Duck.ident(col.name)).append(" AS ").append(sqlType(col))
                            .append(") AS ").append(Duck.ident(col.name));
                }
                select.append(" FROM ").append(Duck.ident(table)).append(" ORDER BY \"_id\"");
                s.execute("COPY (" + select + ") TO " + Duck.literal(tmp.toString())
                        + " (FORMAT parquet, COMPRESSION zstd)");
            } finally {
                s.execute("DROP TABLE IF EXISTS " + Duck.ident(table));
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.INTERNAL, "building the Parquet copy of " + rev.dataset()
                    + " revision " + rev.revision() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "building the Parquet copy of " + rev.dataset()
                    + " failed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                LOG.warn("could not remove {}", tmp);
            }
        }
        cols.stream().filter(col -> col.degraded).forEach(col -> LOG.warn(
                "{} revision {}: attribute {} holds values that are not {}; kept as text", rev.dataset(),
                rev.revision(), col.attribute.ref(), col.attribute.type()));
        LOG.info("built Parquet copy of {} revision {}: {} rows in {} ms", rev.dataset(), rev.revision(), rows,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static String sqlType(Column col) {
        if (col.measure != null) {
            if (col.maxIntDigits + col.maxScale > 38) {
                throw new CofferException(ErrorCode.INVALID_DATA, "measure '" + col.measure.name()
                        + "' has values with more than 38 digits (" + col.maxIntDigits + " before and "
                        + col.maxScale + " after the decimal point)");
            }
            return "DECIMAL(38, " + col.maxScale + ")";
        }
        if (col.degraded || col.attribute.type() == ColumnType.STRING) {
            return "VARCHAR";
        }
        if (col.attribute.type() == ColumnType.DECIMAL) {
            return col.maxIntDigits + col.maxScale > 38 ? "VARCHAR" : "DECIMAL(38, " + col.maxScale + ")";
        }
        return col.attribute.type().sql();
    }

    private static List<String> filesOf(Revision rev, DataPackage pkg, Resource res) {
        String name = res.name();
        if (name == null) {
            name = "resource" + (pkg.resources().indexOf(res) + 1);
        }
        List<String> files = rev.resources().get(name);
        if (files == null || files.isEmpty()) {
            throw new CofferException(ErrorCode.INVALID_DATA, "resource '" + name + "' of " + rev.dataset()
                    + " has no data file in revision " + rev.revision() + " (remote-only data cannot be aggregated)");
        }
        return files;
    }

    private long appendFile(Revision rev, Resource res, String file, List<Column> cols, Set<String> missing,
                            DuckDBAppender app, long rows) throws IOException, SQLException {
        Dialect d = dialect(rev, res, file);
        try (InputStream raw = store.open(rev, file);
             BufferedInputStream in = new BufferedInputStream(raw, 1 << 16)) {
            io.coffer.store.spi.Streams.skipUtf8Bom(in);
            try (CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(d.delimiter())
                    .quoteCharacter(d.quoteChar()).skipEmptyLines(true)
                    .ofCsvRecord(new InputStreamReader(in, io.coffer.store.spi.Streams.charset(res.encoding())))) {
                Iterator<CsvRecord> it = reader.iterator();
                List<String> fieldNames = res.schema().fieldNames();
                for (Column col : cols) {
                    col.index = col.measure != null ? col.measure.field().index()
                            : col.attribute.field() == null ? -1 : col.attribute.field().index();
                }
                if (d.header() && it.hasNext()) {
                    List<String> header = it.next().getFields().stream()
                            .map(h -> d.skipInitialSpace() ? h.stripLeading() : h).toList();
                    // Columns are found by header name when the header has them (files of one resource
                    // may order columns differently), else by schema position.
                    for (Column col : cols) {
                        if (col.index >= 0) {
                            int h = header.indexOf(fieldNames.get(col.index));
                            if (h >= 0) {
                                col.index = h;
                            }
                        }
                    }
                }
                while (it.hasNext()) {
                    CsvRecord r = it.next();
                    rows++;
                    app.beginRow();
                    app.append(rows);
                    for (Column col : cols) {
                        String v = col.index < 0 ? (col.attribute == null ? null : col.attribute.constant())
                                : col.index < r.getFieldCount() ? r.getField(col.index) : null;
                        if (v != null && d.skipInitialSpace()) {
                            v = v.stripLeading();
                        }
                        String out = convert(rev, res, file, r, col, v, missing);
                        if (out == null) {
                            app.appendNull();
                        } else {
                            app.append(out);
                        }
                    }
                    app.endRow();
                }
            } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
                throw new CofferException(ErrorCode.INVALID_DATA, "cannot read '" + file + "': " + e.getMessage(), e);
            }
        }
        return rows;
    }

    /**
     * The declared dialect, or, when none is declared and the header read with ',' is not the schema's field
     * list, the first of ';', tab, '|' that gives it: the same rule the publish check applied.
     */
    private Dialect dialect(Revision rev, Resource res, String file) throws IOException {
        Dialect d = res.effectiveDialect();
        if (res.dialect() != null || !d.header()) {
            return d;
        }
        List<String> expected = res.schema().fieldNames();
        for (char c : new char[] {',', ';', '\t', '|'}) {
            Dialect other = new Dialect(c, d.quoteChar(), d.doubleQuote(), d.lineTerminator(), true,
                    d.skipInitialSpace());
            if (expected.equals(header(rev, res, file, other))) {
                return other;
            }
        }
        return d;
    }

    private List<String> header(Revision rev, Resource res, String file, Dialect d) throws IOException {
        try (InputStream raw = store.open(rev, file);
             BufferedInputStream in = new BufferedInputStream(new io.coffer.store.spi.BoundedInputStream(raw, 1 << 20))) {
            io.coffer.store.spi.Streams.skipUtf8Bom(in);
            try (CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(d.delimiter())
                    .quoteCharacter(d.quoteChar()).ofCsvRecord(new InputStreamReader(in, io.coffer.store.spi.Streams.charset(res.encoding())))) {
                Iterator<CsvRecord> it = reader.iterator();
                return it.hasNext() ? it.next().getFields() : List.of();
            } catch (RuntimeException e) {
                return List.of();
            }
        }
    }

    private static String convert(Revision rev, Resource res, String file, CsvRecord r, Column col, String v,
                                  Set<String> missing) {
        if (v == null || missing.contains(v) || (col.parser.type() != ColumnType.STRING && v.isBlank())) {
            return null;
        }
        if (col.measure != null) {
            BigDecimal value;
            try {
                value = col.parser.decimal(v).multiply(col.measure.factor());
            } catch (RuntimeException e) {
                throw new CofferException(ErrorCode.INVALID_DATA, "resource '" + res.name() + "', file '" + file
                        + "', line " + r.getStartingLineNumber() + ", field '" + col.measure.source() + "': '"
                        + printable(v) + "' is not a number" + numberHint(col), e);
            }
            if (value.scale() < 0) {
                value = value.setScale(0);
            }
            col.maxScale = Math.max(col.maxScale, value.scale());
            col.maxIntDigits = Math.max(col.maxIntDigits, value.precision() - value.scale());
            return value.toPlainString();
        }
        if (col.degraded) {
            return v;
        }
        try {
            String out = col.parser.canonical(v);
            if (col.parser.type() == ColumnType.DECIMAL) {
                BigDecimal bd = new BigDecimal(out);
                col.maxScale = Math.max(col.maxScale, Math.max(0, bd.scale()));
                col.maxIntDigits = Math.max(col.maxIntDigits, bd.precision() - bd.scale());
            }
            return out;
        } catch (RuntimeException e) {
            // An attribute is only for grouping and filtering: keep the whole column as text rather than
            // refusing the dataset (the publish already accepted it).
            col.degraded = true;
            return v;
        }
    }

    private static String numberHint(Column col) {
        var f = col.measure.field().field();
        return " (decimalChar '" + (f.decimalChar() == null ? "." : f.decimalChar()) + "'"
                + (f.groupChar() == null ? ", no groupChar" : ", groupChar '" + f.groupChar() + "'") + ")";
    }

    private static String printable(String v) {
        String s = v.length() > 40 ? v.substring(0, 40) + "..." : v;
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    /** Drops the in-memory entries (tests; after a cache directory was cleared). */
    void forget() {
        loaded.clear();
        failed.clear();
    }
}
