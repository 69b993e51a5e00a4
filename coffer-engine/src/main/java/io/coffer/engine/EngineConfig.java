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
 * @param queryTimeoutSeconds how long one API query (aggregate, facts, members, CSV export) may run before it is
 *                        cancelled, so one expensive request cannot hold a connection's threads indefinitely
 */
public record EngineConfig(Path cacheDir, int threads, String memoryLimit, int maxPageSize, long csvMaxRows,
                           int staticMaxMembers, int queryTimeoutSeconds) {
    private static final Pattern MEMORY = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,3})?\\s?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)");

    public static final int DEFAULT_MAX_PAGE_SIZE = 10_000;
    public static final long DEFAULT_CSV_MAX_ROWS = 1_000_000;
    public static final int DEFAULT_STATIC_MAX_MEMBERS = 10_000;
    public static final int DEFAULT_QUERY_TIMEOUT_SECONDS = 30;
    private static final java.util.Set<String> KEYS = java.util.Set.of("engine.cache-dir", "engine.threads",
            "engine.memory-limit", "engine.max-page-size", "engine.csv-max-rows", "engine.static-max-members",
            "engine.query-timeout");

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
        if (queryTimeoutSeconds < 1 || queryTimeoutSeconds > 3600) {
            throw new CofferException(ErrorCode.CONFIGURATION,
                    "engine query timeout must be 1 to 3600 seconds, not " + queryTimeoutSeconds);
        }
    }

    /** Defaults: cache under {@code java.io.tmpdir}/coffer-engine, 2 threads, 1GB. */
    public static EngineConfig defaults() {
        return new EngineConfig(Path.of(System.getProperty("java.io.tmpdir"), "coffer-engine"), 2, "1GB",
                DEFAULT_MAX_PAGE_SIZE, DEFAULT_CSV_MAX_ROWS, DEFAULT_STATIC_MAX_MEMBERS, DEFAULT_QUERY_TIMEOUT_SECONDS);
    }

    public EngineConfig withCacheDir(Path dir) {
        return new EngineConfig(dir, threads, memoryLimit, maxPageSize, csvMaxRows, staticMaxMembers,
                queryTimeoutSeconds);
    }

    public EngineConfig withResources(int newThreads, String newMemoryLimit) {
        return new EngineConfig(cacheDir, newThreads, newMemoryLimit, maxPageSize, csvMaxRows, staticMaxMembers,
                queryTimeoutSeconds);
    }

    public EngineConfig withLimits(int newMaxPageSize, long newCsvMaxRows, int newStaticMaxMembers) {
        return new EngineConfig(cacheDir, threads, memoryLimit, newMaxPageSize, newCsvMaxRows, newStaticMaxMembers,
                queryTimeoutSeconds);
    }

    public EngineConfig withQueryTimeout(int seconds) {
        return new EngineConfig(cacheDir, threads, memoryLimit, maxPageSize, csvMaxRows, staticMaxMembers, seconds);
    }

    /**
     * From string settings (as the server reads them from its config/env): {@code engine.cache-dir},
     * {@code engine.threads}, {@code engine.memory-limit}, {@code engine.max-page-size},
     * {@code engine.csv-max-rows}, {@code engine.static-max-members}, {@code engine.query-timeout} (seconds, or
     * {@code 30s}/{@code 2m}); missing keys keep the defaults, unknown ones are refused.
     */
    public static EngineConfig fromMap(Map<String, String> m) {
        EngineConfig d = defaults();
        for (String k : m.keySet()) {
            if (!KEYS.contains(k)) {
                throw new CofferException(ErrorCode.CONFIGURATION, "unknown engine setting '" + k + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
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
                            ? Integer.parseInt(m.get("engine.static-max-members").trim()) : d.staticMaxMembers(),
                    m.containsKey("engine.query-timeout")
                            ? seconds(m.get("engine.query-timeout")) : d.queryTimeoutSeconds());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, "engine setting is not a number: " + e.getMessage(), e);
        }
    }

    private static int seconds(String v) {
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("m")) {
            return Math.multiplyExact(Integer.parseInt(t.substring(0, t.length() - 1)), 60);
        }
        return Integer.parseInt(t.endsWith("s") ? t.substring(0, t.length() - 1) : t);
    }
}
