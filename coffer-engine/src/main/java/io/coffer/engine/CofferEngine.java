package io.coffer.engine;

import io.coffer.engine.babbage.BabbageService;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The aggregation engine of one store: the Parquet cache of revisions and the query services above them, on the
 * process's DuckDB runtime. One instance per process; thread-safe.
 */
public final class CofferEngine implements AutoCloseable {
    private final DataStore store;
    private final EngineConfig config;
    private final DuckRuntime duck;
    private final boolean ownsRuntime;
    private final ParquetCache cache;
    private final BabbageService babbage;
    private final StaticAggregates statics;

    /** An engine with its own DuckDB runtime (tests, one-off tools); closed with the engine. */
    public CofferEngine(DataStore store, EngineConfig config) {
        this(store, config, DuckRuntime.start(config), true);
    }

    /**
     * An engine on the process's shared runtime (which must allow {@code config.cacheDir()}); closing the engine
     * leaves the runtime to its owner.
     */
    public CofferEngine(DataStore store, EngineConfig config, DuckRuntime runtime) {
        this(store, config, runtime, false);
    }

    private CofferEngine(DataStore store, EngineConfig config, DuckRuntime runtime, boolean owns) {
        if (!runtime.allows(config.cacheDir())) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.CONFIGURATION,
                    "the DuckDB runtime does not allow the engine cache directory " + config.cacheDir());
        }
        this.store = store;
        this.config = config;
        this.duck = runtime;
        this.ownsRuntime = owns;
        this.cache = new ParquetCache(store, duck, config.cacheDir().resolve("parquet"), config.cacheMaxBytes());
        this.babbage = new BabbageService(this);
        this.statics = new StaticAggregates(this);
    }

    public DataStore store() {
        return store;
    }

    public EngineConfig config() {
        return config;
    }

    public BabbageService babbage() {
        return babbage;
    }

    public StaticAggregates staticAggregates() {
        return statics;
    }

    /**
     * The cube of a dataset's revision ({@code revision} null: the latest), building its Parquet copy if needed.
     * The cache may evict that file afterwards; to read it, hold {@link #use(DatasetId, Long)} instead.
     */
    public LoadedCube cube(DatasetId id, Long revision) {
        return cache.load(store.revision(id, revision));
    }

    /**
     * The cube of a dataset's revision held for one query: cache eviction in this JVM leaves its Parquet file
     * alone until the lease is closed. Queries that read the file use this rather than {@link #cube}.
     */
    public CubeLease use(DatasetId id, Long revision) {
        return cache.acquire(store.revision(id, revision));
    }

    /** {@link #use(DatasetId, Long)} for a known revision. */
    public CubeLease use(Revision revision) {
        return cache.acquire(revision);
    }

    /** Builds the Parquet copy of a freshly published revision (call after publish; idempotent). */
    public LoadedCube prepare(Revision revision) {
        return cache.load(revision);
    }

    /** The DuckDB runtime the engine queries on. */
    public DuckRuntime runtime() {
        return duck;
    }

    /** A pooled DuckDB connection (the runtime's {@code threads} and {@code memory_limit} apply); close it. */
    public Connection connect() throws SQLException {
        return duck.connect();
    }

    /** Tests: whether packages DuckDB reads exactly are copied with read_csv (default) or all streamed. */
    void directCopy(boolean on) {
        cache.fastPath = on;
    }

    /** Tests: how many Parquet copies this engine built with read_csv. */
    long directCopies() {
        return cache.directCopies.get();
    }

    /** Forgets loaded cubes (the files stay); the next query checks the cache directory again. */
    public void forgetLoaded() {
        cache.forget();
    }

    /**
     * Deletes the Parquet copies of every revision of a dataset from the cache directory and forgets its
     * loaded cubes; call when the dataset is deleted. Other processes' loaded cubes of it stay until their
     * next query finds the file gone (and the dataset with it). Returns the number of files deleted.
     */
    public int forget(DatasetId id) {
        return cache.forget(id);
    }

    @Override
    public void close() {
        if (ownsRuntime) {
            duck.close();
        }
    }
}
