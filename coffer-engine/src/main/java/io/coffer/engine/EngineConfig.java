package io.coffer.engine;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Engine settings. {@code threads} and {@code memoryLimit} are applied to every DuckDB connection the
 * engine opens, so one query can never take the whole machine.
 *
 * @param cacheDir        where the Parquet copy of each revision lives (rebuilt from the CSV when missing)
 * @param threads         DuckDB {@code threads} per connection
 * @param memoryLimit     DuckDB {@code memory_limit}, e.g. {@code 1GB}
 * @param maxPageSize     the largest {@code pagesize} served (larger requests are clamped, as babbage does)
 * @param csvMaxRows      the most rows one {@code format=csv} export writes
 * @param staticMaxMembers the most members one static aggregate file holds (largest first)
 */
public record EngineConfig(Path cacheDir, int threads, String memoryLimit, int maxPageSize, long csvMaxRows,
                           int staticMaxMembers) {
    private static final Pattern MEMORY = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,3})?\\s?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)");

    public static final int DEFAULT_MAX_PAGE_SIZE = 10_000;
    public static final long DEFAULT_CSV_MAX_ROWS = 1_000_000;
    public static final int DEFAULT_STATIC_MAX_MEMBERS = 10_000;

    public EngineConfig {
        if (cacheDir == null) {
            throw new CofferException(ErrorCode.CONFIGURATION, "engine cache directory is not set");
        }
        cacheDir = cacheDir.toAbsolutePath().normalize();
        if (threads < 1 || threads > 256) {
            throw new CofferException(ErrorCode.CONFIGURATION, "engine threads must be 1..256, not " + threads);
        }
        // memory_limit is written into a SET statement (DuckDB cannot bind it), so only a strict form passes.
        if (memoryLimit == null || !MEMORY.matcher(memoryLimit).matches()) {
            throw new CofferException(ErrorCode.CONFIGURATION,
                    "engine memory limit must look like 512MB or 2GB, not '" + memoryLimit + "'");
        }
        if (maxPageSize < 1 || csvMaxRows < 1 || staticMaxMembers < 1) {
            throw new CofferException(ErrorCode.CONFIGURATION, "engine limits must be positive");
        }
    }

    /** Defaults: cache under {@code java.io.tmpdir}/coffer-engine, 2 threads, 1GB. */
    public static EngineConfig defaults() {
        return new EngineConfig(Path.of(System.getProperty("java.io.tmpdir"), "coffer-engine"), 2, "1GB",
                DEFAULT_MAX_PAGE_SIZE, DEFAULT_CSV_MAX_ROWS, DEFAULT_STATIC_MAX_MEMBERS);
    }

    public EngineConfig withCacheDir(Path dir) {
        return new EngineConfig(dir, threads, memoryLimit, maxPageSize, csvMaxRows, staticMaxMembers);
    }

    public EngineConfig withResources(int newThreads, String newMemoryLimit) {
        return new EngineConfig(cacheDir, newThreads, newMemoryLimit, maxPageSize, csvMaxRows, staticMaxMembers);
    }

    public EngineConfig withLimits(int newMaxPageSize, long newCsvMaxRows, int newStaticMaxMembers) {
        return new EngineConfig(cacheDir, threads, memoryLimit, newMaxPageSize, newCsvMaxRows, newStaticMaxMembers);
    }

    /**
     * From string settings (as the server reads them from its config/env): {@code engine.cache-dir},
     * {@code engine.threads}, {@code engine.memory-limit}, {@code engine.max-page-size},
     * {@code engine.csv-max-rows}, {@code engine.static-max-members}; missing keys keep the defaults.
     */
    public static EngineConfig fromMap(Map<String, String> m) {
        EngineConfig d = defaults();
        try {
            return new EngineConfig(
                    m.containsKey("engine.cache-dir") ? Path.of(m.get("engine.cache-dir")) : d.cacheDir(),
                    m.containsKey("engine.threads") ? Integer.parseInt(m.get("engine.threads").trim()) : d.threads(),
                    m.getOrDefault("engine.memory-limit", d.memoryLimit()).trim(),
                    m.containsKey("engine.max-page-size")
                            ? Integer.parseInt(m.get("engine.max-page-size").trim()) : d.maxPageSize(),
                    m.containsKey("engine.csv-max-rows")
                            ? Long.parseLong(m.get("engine.csv-max-rows").trim()) : d.csvMaxRows(),
                    m.containsKey("engine.static-max-members")
                            ? Integer.parseInt(m.get("engine.static-max-members").trim()) : d.staticMaxMembers());
        } catch (NumberFormatException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, "engine setting is not a number: " + e.getMessage(), e);
        }
    }
}
