package io.coffer.engine;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Engine settings. {@code threads} and {@code memoryLimit} are set once on the process's DuckDB runtime
 * ({@link DuckRuntime}), database-wide: they bound every query of the engine, the versions service and the jobs
 * together.
 *
 * @param cacheDir        where the Parquet copy of each revision lives (rebuilt from the CSV when missing)
 * @param threads         DuckDB {@code threads} of the process's database
 * @param memoryLimit     DuckDB {@code memory_limit}, e.g. {@code 1GB}
 * @param maxPageSize     the largest {@code pagesize} served (larger requests are clamped, as babbage does)
 * @param csvMaxRows      the most rows one {@code format=csv} export writes
 * @param staticMaxMembers the most members one static aggregate file holds (largest first)
 * @param queryTimeoutSeconds how long one API query (aggregate, facts, members, CSV export) may run before it is
 *                        cancelled, so one expensive request cannot hold a connection's threads indefinitely
 * @param resultCacheBytes the most bytes (serialized JSON) of cube answers kept in memory per engine; 0 turns the
 *                        result cache off
 * @param cacheMaxBytes   the most bytes of Parquet copies kept under {@code cacheDir}; when a new copy pushes the
 *                        total over it, the least recently used copies are deleted (they are rebuilt on demand)
 */
public record EngineConfig(Path cacheDir, int threads, String memoryLimit, int maxPageSize, long csvMaxRows,
                           int staticMaxMembers, int queryTimeoutSeconds, long cacheMaxBytes, long resultCacheBytes) {
    private static final Pattern MEMORY = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,3})?\\s?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)");
    private static final Pattern BYTES = Pattern.compile("([0-9]{1,19}(?:\\.[0-9]{1,3})?)\\s?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?",
            Pattern.CASE_INSENSITIVE);

    public static final int DEFAULT_MAX_PAGE_SIZE = 10_000;
    public static final long DEFAULT_CSV_MAX_ROWS = 1_000_000;
    public static final int DEFAULT_STATIC_MAX_MEMBERS = 10_000;
    public static final int DEFAULT_QUERY_TIMEOUT_SECONDS = 30;
    /** 10GB (10^9 bytes each, as DuckDB's memory_limit counts). */
    public static final long DEFAULT_CACHE_MAX_BYTES = 10_000_000_000L;
    private static final java.util.Set<String> KEYS = java.util.Set.of("engine.cache-dir", "engine.threads",
            "engine.memory-limit", "engine.max-page-size", "engine.csv-max-rows", "engine.static-max-members",
            "engine.query-timeout", "engine.cache-max-bytes", "engine.result-cache-bytes");
    /** 64MB: a few thousand typical chart answers. */
    public static final long DEFAULT_RESULT_CACHE_BYTES = 64_000_000L;

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
        if (resultCacheBytes < 0) {
            throw new CofferException(ErrorCode.CONFIGURATION,
                    "engine result cache bytes must be 0 (off) or more, not " + resultCacheBytes);
        }
        if (cacheMaxBytes < 1) {
            throw new CofferException(ErrorCode.CONFIGURATION,
                    "engine cache max bytes must be positive, not " + cacheMaxBytes);
        }
    }

    /** Defaults: cache under {@code java.io.tmpdir}/coffer-engine holding at most 10GB, 2 threads, 1GB. */
    public static EngineConfig defaults() {
        return new EngineConfig(Path.of(System.getProperty("java.io.tmpdir"), "coffer-engine"), 2, "1GB",
                DEFAULT_MAX_PAGE_SIZE, DEFAULT_CSV_MAX_ROWS, DEFAULT_STATIC_MAX_MEMBERS, DEFAULT_QUERY_TIMEOUT_SECONDS,
                DEFAULT_CACHE_MAX_BYTES, DEFAULT_RESULT_CACHE_BYTES);
    }

    public EngineConfig withCacheDir(Path dir) {
        return new EngineConfig(dir, threads, memoryLimit, maxPageSize, csvMaxRows, staticMaxMembers,
                queryTimeoutSeconds, cacheMaxBytes, resultCacheBytes);
    }

    public EngineConfig withResources(int newThreads, String newMemoryLimit) {
        return new EngineConfig(cacheDir, newThreads, newMemoryLimit, maxPageSize, csvMaxRows, staticMaxMembers,
                queryTimeoutSeconds, cacheMaxBytes, resultCacheBytes);
    }

    public EngineConfig withLimits(int newMaxPageSize, long newCsvMaxRows, int newStaticMaxMembers) {
        return new EngineConfig(cacheDir, threads, memoryLimit, newMaxPageSize, newCsvMaxRows, newStaticMaxMembers,
                queryTimeoutSeconds, cacheMaxBytes, resultCacheBytes);
    }

    public EngineConfig withQueryTimeout(int seconds) {
        return new EngineConfig(cacheDir, threads, memoryLimit, maxPageSize, csvMaxRows, staticMaxMembers, seconds,
                cacheMaxBytes, resultCacheBytes);
    }

    public EngineConfig withCacheMaxBytes(long bytes) {
        return new EngineConfig(cacheDir, threads, memoryLimit, maxPageSize, csvMaxRows, staticMaxMembers,
                queryTimeoutSeconds, bytes, resultCacheBytes);
    }

    public EngineConfig withResultCacheBytes(long bytes) {
        return new EngineConfig(cacheDir, threads, memoryLimit, maxPageSize, csvMaxRows, staticMaxMembers,
                queryTimeoutSeconds, cacheMaxBytes, bytes);
    }

    /**
     * From {@code COFFER_ENGINE_*} variables ({@code COFFER_ENGINE_QUERY_TIMEOUT} -> {@code engine.query-timeout}),
     * as the server, the CLI and the background jobs all read them; strict like {@link #fromMap}.
     */
    public static EngineConfig fromEnvironment(Map<String, String> env) {
        Map<String, String> m = new java.util.HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("COFFER_ENGINE_") && v != null && !v.isBlank()) {
                m.put("engine." + k.substring("COFFER_ENGINE_".length()).toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-'), v);
            }
        });
        return fromMap(m);
    }

    /**
     * From string settings (as the server reads them from its config/env): {@code engine.cache-dir},
     * {@code engine.threads}, {@code engine.memory-limit}, {@code engine.max-page-size},
     * {@code engine.csv-max-rows}, {@code engine.static-max-members}, {@code engine.query-timeout} (seconds, or
     * {@code 30s}/{@code 2m}), {@code engine.cache-max-bytes} (bytes, or {@code 512MB}/{@code 10GB}/{@code 4GiB}),
     * {@code engine.result-cache-bytes} (the same forms; 0: off);
     * missing keys keep the defaults, unknown ones are refused.
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
                            ? seconds(m.get("engine.query-timeout")) : d.queryTimeoutSeconds(),
                    m.containsKey("engine.cache-max-bytes")
                            ? bytes("engine cache max bytes", m.get("engine.cache-max-bytes")) : d.cacheMaxBytes(),
                    m.containsKey("engine.result-cache-bytes")
                            ? bytes("engine result cache bytes", m.get("engine.result-cache-bytes")) : d.resultCacheBytes());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, "engine setting is not a number: " + e.getMessage(), e);
        }
    }

    /** A byte count: a plain number, or with a unit (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024). */
    static long bytes(String what, String v) {
        var m = BYTES.matcher(v.trim());
        if (!m.matches()) {
            throw new CofferException(ErrorCode.CONFIGURATION,
                    what + " must be a number of bytes or look like 512MB or 10GB, not '" + v + "'");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(java.util.Locale.ROOT);
        long scale = switch (unit) {
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "TB" -> 1_000_000_000_000L;
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            case "TIB" -> 1L << 40;
            default -> 1L;
        };
        try {
            return new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(scale))
                    .setScale(0, java.math.RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, what + " is too large: '" + v + "'", e);
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
