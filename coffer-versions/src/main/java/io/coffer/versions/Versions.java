package io.coffer.versions;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.Resource;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.coffer.engine.DuckRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions service over one {@link DataStore}: a private embedded DuckDB (in memory, spilling to the work
 * directory, confined to it) and a cache of each keyed resource's rows as Parquet (text columns, keyed by the
 * revision's manifest SHA-256). {@link Diff}, {@link History}, {@link Upsert} and {@link Semver} work on it.
 */
public final class Versions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Versions.class);
    static final String LAYOUT = "t1";
    private static final AtomicLong NAMES = new AtomicLong();

    private final DataStore store;
    private final Path work;
    private final DuckRuntime duck;
    private final boolean ownsRuntime;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** With its own DuckDB runtime (tests, benchmarks): 1-2 threads, 1GB. */
    public Versions(DataStore store, Path workDir) {
        this(store, workDir, Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())), "1GB");
    }

    /** With its own DuckDB runtime of these limits, confined to the work directory; closed with this. */
    public Versions(DataStore store, Path workDir, int threads, String memoryLimit) {
        this(store, workDir, DuckRuntime.start(io.coffer.engine.EngineConfig.defaults()
                .withCacheDir(workDir).withResources(threads, memoryLimit)), true);
    }

    /**
     * On the process's shared DuckDB runtime, which must allow {@code workDir}
     * ({@link DuckRuntime#start(io.coffer.engine.EngineConfig, Path...)}); closing this leaves it open.
     */
    public Versions(DataStore store, Path workDir, DuckRuntime runtime) {
        this(store, workDir, runtime, false);
    }

    private Versions(DataStore store, Path workDir, DuckRuntime runtime, boolean owns) {
        this.store = store;
        this.work = workDir.toAbsolutePath().normalize();
        this.duck = runtime;
        this.ownsRuntime = owns;
        if (!runtime.allows(work)) {
            if (owns) {
                runtime.close();
            }
            throw new CofferException(ErrorCode.CONFIGURATION, "the DuckDB runtime does not allow the versions "
                    + "work directory " + work);
        }
        try {
            Files.createDirectories(work.resolve("tmp"));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, "cannot create the versions work directory " + work
                    + ": " + e.getMessage(), e);
        }
    }

    public DataStore store() {
        return store;
    }

    Path work() {
        return work;
    }

    /** A pooled connection of the runtime (its threads and memory limit apply). */
    Connection connect() throws SQLException {
        return duck.connect();
    }

    static String uniqueName(String prefix) {
        return prefix + "_" + Long.toHexString(System.nanoTime()) + "_" + NAMES.incrementAndGet();
    }

    static Path tempFile(Path dir, String suffix) throws IOException {
        Files.createDirectories(dir);
        return dir.resolve(uniqueName("f") + suffix);
    }

    // ------------------------------------------------------------------ resources

    /** A tabular resource of a revision with the columns and key diffs and history use. */
    public record Keyed(Revision rev, DataPackage pkg, Resource resource, String name, List<String> columns,
                        List<String> key) {
        public Keyed {
            columns = List.copyOf(columns);
            key = List.copyOf(key);
        }

        public List<String> valueColumns() {
            return columns.stream().filter(c -> !key.contains(c)).toList();
        }

        public Keyed requireKey() {
            if (key.isEmpty()) {
                throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "resource '" + name + "' of " + rev.dataset()
                        + " revision " + rev.revision() + " has no primary key: declare schema.primaryKey (or "
                        + "primaryKey in mapping.json) to get diffs and record history");
            }
            return this;
        }
    }

    /** {@code resourceName} null: the first tabular resource with a primary key, else the first tabular one. */
    public Keyed keyed(Revision rev, String resourceName) {
        DataPackage pkg = store.descriptor(rev);
        List<Resource> rs = pkg.resources();
        Resource chosen = null;
        String chosenName = null;
        for (int pass = 0; pass < 2 && chosen == null; pass++) {
            for (int i = 0; i < rs.size() && chosen == null; i++) {
                Resource r = rs.get(i);
                String name = r.name() == null ? "resource" + (i + 1) : r.name();
                if (r.schema() != null && (resourceName != null ? resourceName.equals(name)
                        : pass == 1 || !r.schema().primaryKey().isEmpty())) {
                    chosen = r;
                    chosenName = name;
                }
            }
        }
        if (chosen == null) {
            throw CofferException.notFound(resourceName == null ? rev.dataset() + " revision " + rev.revision()
                    + " has no tabular resource with a schema" : "revision " + rev.revision() + " of " + rev.dataset()
                    + " has no tabular resource '" + resourceName + "'");
        }
        List<String> key = chosen.schema().primaryKey();
        if (key.isEmpty()) {
            key = mappingKey(rev);
        }
        List<String> columns = chosen.schema().fieldNames();
        if (!new HashSet<>(columns).containsAll(key)) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "primary key " + key + " of resource '"
                    + chosenName + "' names fields the schema does not have");
        }
        return new Keyed(rev, pkg, chosen, chosenName, columns, key);
    }

    private List<String> mappingKey(Revision rev) {
        if (rev.file(DataStore.MAPPING_FILE).isEmpty()) {
            return List.of();
        }
        try (InputStream in = store.open(rev, DataStore.MAPPING_FILE)) {
            JsonNode pk = Json.parse(in.readNBytes(Json.MAX_DOCUMENT_BYTES), "mapping.json").path("primaryKey");
            List<String> out = new ArrayList<>();
            if (pk.isTextual()) {
                out.add(pk.asText());
            } else {
                pk.forEach(k -> out.add(k.asText()));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read mapping.json of {} revision {}: {}", rev.dataset(), rev.revision(), e.toString());
            return List.of();
        }
    }

    // ------------------------------------------------------------------ table copies

    /** The Parquet copy of a resource's rows ({@code _ord}, then every field as text), built when missing. */
    public Path table(Keyed k) {
        Revision rev = k.rev();
        String sha = rev.manifestSha256() == null ? "nosha" : rev.manifestSha256();
        Path path = work.resolve("tables").resolve(rev.dataset().owner()).resolve(rev.dataset().name())
                .resolve(String.format(Locale.ROOT, "r%06d-%s-%s-%s.parquet", rev.revision(),
                        sha.substring(0, Math.min(16, sha.length())), safe(k.name()), LAYOUT));
        if (Files.isRegularFile(path)) {
            return path;
        }
        synchronized (locks.computeIfAbsent(path.toString(), p -> new Object())) {
            if (Files.isRegularFile(path)) {
                return path;
            }
            List<String> files = rev.resources().get(k.name());
            if (files == null || files.isEmpty()) {
                throw new CofferException(ErrorCode.INVALID_DATA, "resource '" + k.name() + "' of " + rev.dataset()
                        + " has no data file in revision " + rev.revision());
            }
            List<CsvTables.Opener> openers = files.stream().<CsvTables.Opener>map(f -> () -> store.open(rev, f)).toList();
            writeParquet(path, k.columns(), openers, k.resource().dialect(), k.resource().encoding(),
                    new HashSet<>(k.resource().schema().missingValues()), false,
                    "resource '" + k.name() + "' of " + rev.dataset() + " revision " + rev.revision());
            return path;
        }
    }

    /** Stages CSV files and writes them as Parquet (atomically: a temp file moved into place). */
    long writeParquet(Path path, List<String> columns, List<CsvTables.Opener> files, io.coffer.model.Dialect dialect,
                      String encoding, java.util.Set<String> missing, boolean requireAll, String what) {
        long started = System.nanoTime();
        String table = uniqueName("stage");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + "." + uniqueName("t") + ".tmp");
            try {
                long rows = CsvTables.stage(c, table, columns, files, dialect, encoding, missing, requireAll, what);
                s.execute("COPY (SELECT * FROM " + Sql.ident(table) + " ORDER BY \"_ord\") TO "
                        + Sql.literal(tmp.toString()) + " (FORMAT parquet, COMPRESSION zstd)");
                try {
                    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
                LOG.info("staged {}: {} rows in {} ms", what, rows, (System.nanoTime() - started) / 1_000_000);
                return rows;
            } finally {
                s.execute("DROP TABLE IF EXISTS " + Sql.ident(table));
                Files.deleteIfExists(tmp);
            }
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.INTERNAL, "staging " + what + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "staging " + what + " failed: " + e.getMessage(), e);
        }
    }

    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** {@code datasets/{o}/{n}/derived/{dir}/} */
    public static String derivedPrefix(Revision rev) {
        DatasetId id = rev.dataset();
        return "datasets/" + id.owner() + "/" + id.name() + "/derived/" + rev.dir() + "/";
    }

    @Override
    public void close() {
        if (ownsRuntime) {
            duck.close();
        }
    }
}
