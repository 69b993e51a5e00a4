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
import io.coffer.model.DatasetId;
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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Parquet copy of each revision's fact table, written by DuckDB into the cache directory and keyed by
 * (dataset, revision, manifest SHA-256), so a copy can never be served for other bytes. A missing copy
 * (fresh machine, cleared cache) is rebuilt from the revision's CSV on first use.
 *
 * <p>Loading: a package DuckDB reads exactly (plain decimals, ISO dates, UTF-8, a header equal to the schema) is
 * copied by DuckDB's {@code read_csv} with explicit types straight into Parquet ({@link DirectCopy}). Any other is
 * parsed in Java (FastCSV) so that number formats, factors and dates are handled exactly (BigDecimal), staged as
 * canonical text in batches of {@link #BATCH_ROWS} rows written as Parquet parts, then cast by DuckDB to the final
 * types in one {@code COPY ... TO ... (FORMAT parquet)}. Measures are DECIMAL(18 or 38, s), s the largest scale in
 * the data; rows keep the file's order (read back as {@code file_row_number}).
 *
 * <p>Size bound: after each new copy, when the directory's Parquet files total more than
 * {@link EngineConfig#cacheMaxBytes()}, the least recently used are deleted (never the new one, never one a
 * query of this JVM holds a {@link CubeLease} on). Several processes may share the directory: each records
 * its own uses in memory and refreshes a file's access time at most once a minute, so the others see which
 * files are in use; a copy deleted by anyone is rebuilt on its next query.
 */
final class ParquetCache {
    private static final Logger LOG = LoggerFactory.getLogger(ParquetCache.class);
    /** Bumped whenever the layout of the Parquet copy changes, so old copies are not reused. */
    static final String LAYOUT = "v2";
    /** How often a file's access time is refreshed on use (a syscall per query would be wasted). */
    private static final long TOUCH_EVERY_MS = 60_000;
    /** A temporary file this old is a leftover of a build that died; younger ones may still be written. */
    private static final long STALE_TMP_MS = 24 * 3_600_000L;
    // Per JVM, not per engine: engines in one process may share a directory (StaticAggregates.write opens its own).
    /** Open leases per file; eviction deletes a file only inside compute() on its entry, so never under a lease. */
    private static final ConcurrentHashMap<Path, Integer> IN_USE = new ConcurrentHashMap<>();
    /** Last use per file by this JVM, in epoch ms made strictly increasing so uses in one ms still order. */
    private static final ConcurrentHashMap<Path, Long> LAST_USE = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Path, Long> TOUCHED = new ConcurrentHashMap<>();
    private static final AtomicLong CLOCK = new AtomicLong();

    private final DataStore store;
    private final DuckRuntime duck;
    private final Path dir;
    private final Map<String, LoadedCube> loaded = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Revisions whose data cannot be loaded: refused again at once instead of re-parsing on every request. */
    private final Map<String, CofferException> failed = new ConcurrentHashMap<>();
    private final long maxBytes;
    /** Files written since the last eviction pass: protected by it, and a reason to run it again. */
    private final Queue<Path> written = new ConcurrentLinkedQueue<>();
    private final ReentrantLock evicting = new ReentrantLock();

    ParquetCache(DataStore store, DuckRuntime duck, Path dir, long maxBytes) {
        this.store = store;
        this.duck = duck;
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    Path pathOf(Revision rev) {
        String sha = rev.manifestSha256() == null ? "nosha" : rev.manifestSha256();
        return dir.resolve(rev.dataset().owner()).resolve(rev.dataset().name())
                .resolve(String.format(Locale.ROOT, "r%06d-%s-%s.parquet", rev.revision(),
                        sha.substring(0, Math.min(16, sha.length())), LAYOUT));
    }

    /** The loaded cube of a revision, building its Parquet copy when missing; its file may go once this returns. */
    LoadedCube load(Revision rev) {
        try (CubeLease lease = acquire(rev)) {
            return lease.cube();
        }
    }

    /** The loaded cube of a revision under a lease: its file stays (as far as this JVM decides) until closed. */
    CubeLease acquire(Revision rev) {
        Path path = pathOf(rev);
        // Pinned before the file is checked, so an eviction either ran before (and load rebuilds) or skips it.
        IN_USE.merge(path, 1, Integer::sum);
        try {
            LoadedCube c = loadPinned(rev, path);
            used(path);
            return new CubeLease(c, () -> IN_USE.computeIfPresent(path, (p, n) -> n == 1 ? null : n - 1));
        } catch (RuntimeException | Error e) {
            IN_USE.computeIfPresent(path, (p, n) -> n == 1 ? null : n - 1);
            throw e;
        }
    }

    private LoadedCube loadPinned(Revision rev, Path path) {
        String key = path.toString();
        LoadedCube c = loaded.get(key);
        if (c != null && Files.isRegularFile(path)) {
            return c;
        }
        CofferException known = failed.get(key);
        if (known != null) {
            throw new CofferException(known.code(), known.getMessage(), known.details());
        }
        boolean built = false;
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
                    built = true;
                } catch (CofferException e) {
                    if (e.code() == ErrorCode.INVALID_DATA || e.code() == ErrorCode.INVALID_DESCRIPTOR) {
                        failed.put(key, e);
                    }
                    throw e;
                }
            }
            c = describe(rev, cube, path);
            loaded.put(key, c);
        }
        if (built) {
            // Outside the revision's lock: queries waiting for this copy go ahead while older ones are deleted.
            written.add(path);
            evict();
        }
        return c;
    }

    private static void used(Path path) {
        LAST_USE.put(path, CLOCK.updateAndGet(t -> Math.max(t + 1, System.currentTimeMillis())));
        long now = System.currentTimeMillis();
        Long touched = TOUCHED.get(path);
        if (touched == null || now - touched >= TOUCH_EVERY_MS) {
            TOUCHED.put(path, now);
            try {
                // The access time only: the modification time is what DuckDB checks its file cache against.
                Files.getFileAttributeView(path, BasicFileAttributeView.class)
                        .setTimes(null, FileTime.fromMillis(now), null);
            } catch (IOException e) {
                // gone meanwhile (another process evicted it): the next query rebuilds it
            }
        }
    }

    /**
     * Runs eviction passes while copies were written since the last one. A thread that finds a pass running
     * leaves its file to that pass instead of waiting, so no query waits for deletes; only one pass per engine
     * runs at a time.
     */
    private void evict() {
        while (!written.isEmpty() && evicting.tryLock()) {
            try {
                Set<Path> keep = new HashSet<>();
                for (Path p; (p = written.poll()) != null; ) {
                    keep.add(p);
                }
                evictOnce(keep);
            } finally {
                evicting.unlock();
            }
        }
    }

    private record CachedFile(Path path, long bytes, long lastUse) {
    }

    private void evictOnce(Set<Path> keep) {
        List<CachedFile> files = new ArrayList<>();
        long now = System.currentTimeMillis();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".parquet")) {
                        long seen = Math.max(a.lastModifiedTime().toMillis(), a.lastAccessTime().toMillis());
                        files.add(new CachedFile(file, a.size(), Math.max(seen, LAST_USE.getOrDefault(file, 0L))));
                    } else if (name.endsWith(".tmp") && now - a.lastModifiedTime().toMillis() > STALE_TMP_MS) {
                        delete(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // deleted by another process while walking
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot list the Parquet cache {}: {}", dir, e.toString());
            return;
        }
        long total = files.stream().mapToLong(CachedFile::bytes).sum();
        if (total <= maxBytes) {
            return;
        }
        files.sort(java.util.Comparator.comparingLong(CachedFile::lastUse));
        int deleted = 0;
        long freed = 0;
        for (CachedFile f : files) {
            if (total <= maxBytes) {
                break;
            }
            if (!keep.contains(f.path()) && deleteUnlessInUse(f.path())) {
                total -= f.bytes();
                freed += f.bytes();
                deleted++;
            }
        }
        LOG.info("Parquet cache over {} bytes: deleted {} least recently used copies ({} bytes), {} bytes left",
                maxBytes, deleted, freed, total);
        if (total > maxBytes) {
            LOG.warn("Parquet cache holds {} bytes, over its bound of {}: the rest is in use or just written",
                    total, maxBytes);
        }
    }

    /** Deletes a copy unless a lease of this JVM holds it; the check and the delete are atomic per file. */
    private boolean deleteUnlessInUse(Path file) {
        boolean[] deleted = {false};
        IN_USE.compute(file, (p, n) -> {
            if (n == null) {
                deleted[0] = delete(p);
            }
            return n;
        });
        return deleted[0];
    }

    private boolean delete(Path file) {
        try {
            boolean gone = Files.deleteIfExists(file);
            LAST_USE.remove(file);
            TOUCHED.remove(file);
            loaded.remove(file.toString());
            return gone;
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
            return false;
        }
    }

    /**
     * Deletes every Parquet copy of a dataset and forgets its loaded cubes (after the dataset was deleted).
     * Leases do not hold these back: a query still running on them finds the dataset gone. Returns the
     * number of copies deleted.
     */
    int forget(DatasetId id) {
        Path ds = dir.resolve(id.owner()).resolve(id.name());
        int deleted = 0;
        if (Files.isDirectory(ds)) {
            try (var files = Files.list(ds)) {
                for (Path f : files.toList()) {
                    if (delete(f) && f.getFileName().toString().endsWith(".parquet")) {
                        deleted++;
                    }
                }
            } catch (IOException e) {
                LOG.warn("could not list {}: {}", ds, e.toString());
            }
            try {
                Files.deleteIfExists(ds);
                Files.deleteIfExists(ds.getParent());
            } catch (IOException e) {
                // not empty (a build racing the delete, or the owner's other datasets): left in place
            }
        }
        String prefix = ds.toString() + ds.getFileSystem().getSeparator();
        loaded.keySet().removeIf(k -> k.startsWith(prefix));
        failed.keySet().removeIf(k -> k.startsWith(prefix));
        locks.keySet().removeIf(k -> k.startsWith(prefix));
        return deleted;
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
    static final class Column {
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

    /** Rows staged per batch on the streaming path: bounds its memory whatever the file's size. */
    static final int BATCH_ROWS = 100_000;

    private void build(Revision rev, DataPackage pkg, Cube cube, Path path) {
        long started = System.nanoTime();
        Resource res = cube.resource();
        List<String> files = filesOf(rev, pkg, res);
        Path tmp = path.resolveSibling(path.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        String how;
        long rows;
        try {
            Files.createDirectories(path.getParent());
            Long fast = fastPath ? DirectCopy.tryCopy(this, rev, res, cube, files, tmp) : null;
            if (fast != null) {
                directCopies.incrementAndGet();
                rows = fast;
                how = "read_csv";
            } else {
                rows = streamed(rev, res, cube, files, tmp);
                how = "streamed";
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
        LOG.info("built Parquet copy of {} revision {} ({}): {} rows in {} ms", rev.dataset(), rev.revision(), how,
                rows, (System.nanoTime() - started) / 1_000_000);
    }

    /** Whether a package DuckDB reads exactly is copied with read_csv (tests turn it off to compare both paths). */
    volatile boolean fastPath = true;
    /** Copies built by {@link DirectCopy} (tests check which path a package took). */
    final AtomicLong directCopies = new AtomicLong();

    DuckRuntime duck() {
        return duck;
    }

    DataStore store() {
        return store;
    }

    /** Where CSV files are copied for DuckDB to read (inside the directories it may read). */
    Path incoming() {
        return dir.resolve(".incoming");
    }

    /** The columns of the copy, in cube order: measures, then attributes. */
    static List<Column> columns(Cube cube) {
        List<Column> cols = new ArrayList<>();
        cube.measures().values().forEach(m -> cols.add(new Column(m.column(),
                new ValueParser(ColumnType.DECIMAL, m.field().field()), m, null)));
        cube.attributes().values().forEach(a -> cols.add(new Column(a.column(),
                new ValueParser(a.type(), a.field() == null ? null : a.field().field()), null, a)));
        return cols;
    }

    /**
     * Every cell parsed in Java (exact decimals, the schema's number and date formats), staged as text in batches
     * of {@link #BATCH_ROWS} rows written to Parquet parts, then cast to the final types in one pass over the
     * parts. Memory is bounded by one batch, whatever the file's size.
     */
    private long streamed(Revision rev, Resource res, Cube cube, List<String> files, Path tmp)
            throws IOException, SQLException {
        List<Column> cols = columns(cube);
        Set<String> missing = Set.copyOf(res.schema().missingValues());
        String table = "stage_" + Long.toHexString(System.nanoTime()) + "_" + Integer.toHexString(tmp.hashCode() & 0xffff);
        Path parts = tmp.resolveSibling(tmp.getFileName() + ".parts");
        Files.createDirectories(parts);
        long rows = 0;
        try (Connection c = duck.connectDedicated(); Statement s = c.createStatement()) {
            StringBuilder ddl = new StringBuilder("CREATE TABLE " + Duck.ident(table) + " (");
            for (int i = 0; i < cols.size(); i++) {
                ddl.append(i == 0 ? "" : ", ").append(Duck.ident(cols.get(i).name)).append(" VARCHAR");
            }
            s.execute(ddl.append(")").toString());
            try {
                Batches batches = new Batches(c, s, table, parts);
                for (String file : files) {
                    rows = appendFile(rev, res, file, cols, missing, batches, rows);
                }
                batches.flush();
                StringBuilder select = new StringBuilder("SELECT ");
                for (int i = 0; i < cols.size(); i++) {
                    Column col = cols.get(i);
                    select.append(i == 0 ? "" : ", ").append("CAST(").append(Duck.ident(col.name)).append(" AS ")
                            .append(sqlType(col)).append(") AS ").append(Duck.ident(col.name));
                }
                // Parts in file order; DuckDB keeps their rows in order (insertion order is preserved).
                StringBuilder list = new StringBuilder();
                for (int i = 0; i < batches.parts; i++) {
                    list.append(i == 0 ? "" : ", ").append(Duck.literal(batches.part(i).toString()));
                }
                String from = batches.parts == 0 ? Duck.ident(table) : "read_parquet([" + list + "])";
                s.execute("COPY (" + select + " FROM " + from + ") TO " + Duck.literal(tmp.toString())
                        + " (FORMAT parquet, COMPRESSION zstd)");
            } finally {
                s.execute("DROP TABLE IF EXISTS " + Duck.ident(table));
            }
        } finally {
            try (var list = Files.list(parts)) {
                for (Path part : list.toList()) {
                    Files.deleteIfExists(part);
                }
            }
            Files.deleteIfExists(parts);
        }
        cols.stream().filter(col -> col.degraded).forEach(col -> LOG.warn(
                "{} revision {}: attribute {} holds values that are not {}; kept as text", rev.dataset(),
                rev.revision(), col.attribute.ref(), col.attribute.type()));
        return rows;
    }

    /** The staging table filled through the appender and emptied into a Parquet part every BATCH_ROWS rows. */
    private static final class Batches {
        final Connection c;
        final Statement s;
        final String table;
        final Path dir;
        DuckDBAppender app;
        int inBatch;
        int parts;

        Batches(Connection c, Statement s, String table, Path dir) throws SQLException {
            this.c = c;
            this.s = s;
            this.table = table;
            this.dir = dir;
            this.app = c.unwrap(DuckDBConnection.class).createAppender("main", table);
        }

        Path part(int i) {
            return dir.resolve(String.format(Locale.ROOT, "part-%06d.parquet", i));
        }

        DuckDBAppender row() throws SQLException {
            if (inBatch == BATCH_ROWS) {
                flush();
                app = c.unwrap(DuckDBConnection.class).createAppender("main", table);
            }
            inBatch++;
            return app;
        }

        void flush() throws SQLException {
            if (app != null) {
                app.close();
                app = null;
            }
            if (inBatch > 0) {
                s.execute("COPY " + Duck.ident(table) + " TO " + Duck.literal(part(parts++).toString())
                        + " (FORMAT parquet, COMPRESSION zstd)");
                s.execute("DELETE FROM " + Duck.ident(table));
                inBatch = 0;
            }
        }
    }

    /**
     * The DECIMAL type for values with at most {@code intDigits} digits before and {@code scale} after the point:
     * 18 digits (stored in 64 bits) when they fit, else 38; null when even 38 do not.
     */
    static String decimalType(int intDigits, int scale) {
        int p = intDigits + scale;
        if (p > 38) {
            return null;
        }
        return "DECIMAL(" + (p <= 18 ? 18 : 38) + ", " + scale + ")";
    }

    static String sqlType(Column col) {
        if (col.measure != null) {
            String t = decimalType(col.maxIntDigits, col.maxScale);
            if (t == null) {
                throw new CofferException(ErrorCode.INVALID_DATA, "measure '" + col.measure.name()
                        + "' has values with more than 38 digits (" + col.maxIntDigits + " before and "
                        + col.maxScale + " after the decimal point)");
            }
            return t;
        }
        if (col.degraded || col.attribute.type() == ColumnType.STRING) {
            return "VARCHAR";
        }
        if (col.attribute.type() == ColumnType.DECIMAL) {
            String t = decimalType(col.maxIntDigits, col.maxScale);
            return t == null ? "VARCHAR" : t;
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
                            Batches batches, long rows) throws IOException, SQLException {
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
                    DuckDBAppender app = batches.row();
                    app.beginRow();
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
    Dialect dialect(Revision rev, Resource res, String file) throws IOException {
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

    List<String> header(Revision rev, Resource res, String file, Dialect d) throws IOException {
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
