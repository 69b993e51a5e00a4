package io.coffer.engine;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.duckdb.DuckDBConnection;

/**
 * The one embedded DuckDB of a process: one in-memory database, its {@code threads} and {@code memory_limit}
 * set once when it starts (both are database-wide in DuckDB, so the limit bounds every query of the engine,
 * the versions service and the jobs together), and a pool of connections to it. Build it once where the
 * process is wired (server, CLI command) and hand it to everything that queries.
 *
 * <p>File access is confined to the directories given at start (the engine's cache directory, the versions
 * work directory): after start DuckDB reads and writes nothing else and loads no extension.
 *
 * <p>A connection from {@link #connect()} goes back to the pool on {@code close()}; code must not change
 * settings on it (none does: the settings are the database's).
 */
public final class DuckRuntime implements AutoCloseable {
    private static final AtomicInteger CREATED = new AtomicInteger();
    private static final AtomicInteger OPEN = new AtomicInteger();
    /** Idle connections kept; more may be open at once, the rest are closed when returned. */
    private static final int POOL = 32;

    private final DuckDBConnection root;
    private final int threads;
    private final String memoryLimit;
    private final List<Path> dirs;
    private final BlockingQueue<Conn> idle = new ArrayBlockingQueue<>(POOL);
    /** Prepared statements kept per pooled connection, by SQL text (least recently used closed first). */
    private static final int STATEMENTS = 64;

    /** A pooled connection and the statements prepared on it, reused when the same SQL text comes again. */
    private static final class Conn {
        final DuckDBConnection c;
        final java.util.LinkedHashMap<String, java.sql.PreparedStatement> statements =
                new java.util.LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<String, java.sql.PreparedStatement> e) {
                        if (size() > STATEMENTS) {
                            closeQuietly(e.getValue());
                            return true;
                        }
                        return false;
                    }
                };

        Conn(DuckDBConnection c) {
            this.c = c;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // dropped either way
        }
    }
    private final AtomicBoolean closed = new AtomicBoolean();

    private DuckRuntime(int threads, String memoryLimit, Path tempDir, List<Path> dirs) {
        this.threads = threads;
        this.memoryLimit = memoryLimit;
        this.dirs = List.copyOf(dirs);
        try {
            Files.createDirectories(tempDir);
            for (Path d : dirs) {
                Files.createDirectories(d);
            }
            root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = root.createStatement()) {
                // Neither setting can be a bound parameter; both values are validated by EngineConfig.
                s.execute("SET threads = " + threads);
                s.execute("SET memory_limit = " + Duck.literal(memoryLimit));
                s.execute("SET temp_directory = " + Duck.literal(tempDir.toString()));
                // Parquet footers are read once per file, not once per query.
                s.execute("SET parquet_metadata_cache = true");
                StringBuilder allowed = new StringBuilder();
                for (Path d : dirs) {
                    allowed.append(allowed.isEmpty() ? "" : ", ").append(Duck.literal(d + "/"));
                }
                s.execute("SET allowed_directories = [" + allowed + "]");
                // After this DuckDB reads and writes nothing outside those directories, and loads no extension.
                s.execute("SET enable_external_access = false");
            }
        } catch (SQLException | IOException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, "cannot start DuckDB: " + e.getMessage(), e);
        }
        CREATED.incrementAndGet();
        OPEN.incrementAndGet();
    }

    /**
     * Starts the runtime of an engine configuration: its threads and memory limit, spilling to
     * {@code cacheDir/tmp}, file access confined to {@code cacheDir} and {@code moreDirs} (e.g. a versions work
     * directory outside it).
     */
    public static DuckRuntime start(EngineConfig config, Path... moreDirs) {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(config.cacheDir());
        for (Path p : moreDirs) {
            Path n = p.toAbsolutePath().normalize();
            if (!n.startsWith(config.cacheDir())) {
                dirs.add(n);
            }
        }
        return new DuckRuntime(config.threads(), config.memoryLimit(), config.cacheDir().resolve("tmp"),
                new ArrayList<>(dirs));
    }

    /** DuckDB instances this process has started so far (a server starts exactly one). */
    public static int instancesCreated() {
        return CREATED.get();
    }

    /** DuckDB instances of this process not yet closed. */
    public static int instancesOpen() {
        return OPEN.get();
    }

    public int threads() {
        return threads;
    }

    public String memoryLimit() {
        return memoryLimit;
    }

    /** Whether DuckDB may read and write under {@code p}. */
    public boolean allows(Path p) {
        Path n = p.toAbsolutePath().normalize();
        return dirs.stream().anyMatch(n::startsWith);
    }

    /**
     * A connection to the database, from the pool; {@code close()} returns it. {@code unwrap(DuckDBConnection.class)}
     * gives the driver's connection (for appenders); do not close that one.
     */
    public Connection connect() throws SQLException {
        if (closed.get()) {
            throw new SQLException("DuckDB runtime is closed");
        }
        Conn c = idle.poll();
        if (c == null) {
            c = new Conn(root.duplicate());
        }
        return (Connection) Proxy.newProxyInstance(DuckRuntime.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Pooled(c));
    }

    /**
     * A connection of its own, outside the pool and its statement cache, for long work (building a Parquet copy)
     * that creates tables and appenders; closing it closes it.
     */
    public Connection connectDedicated() throws SQLException {
        if (closed.get()) {
            throw new SQLException("DuckDB runtime is closed");
        }
        return root.duplicate();
    }

    private final class Pooled implements InvocationHandler {
        private final Conn conn;
        private final DuckDBConnection c;
        private boolean returned;

        Pooled(Conn conn) {
            this.conn = conn;
            this.c = conn.c;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            switch (m.getName()) {
                case "close" -> {
                    if (!returned) {
                        returned = true;
                        release(conn);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return returned || c.isClosed();
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "pooled " + c;
                }
                case "prepareStatement" -> {
                    if (returned) {
                        throw new SQLException("connection is closed");
                    }
                    if (args.length == 1) {
                        return cached((String) args[0]);
                    }
                    try {
                        return m.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
                default -> {
                    if (returned) {
                        throw new SQLException("connection is closed");
                    }
                    try {
                        return m.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        }

    /**
     * The connection's statement for this SQL text, prepared once: parsing, binding and planning are skipped when
     * the same query shape comes again with other parameters. Closing it keeps it for the next use; a statement
     * whose execution failed is dropped.
     */
    private java.sql.PreparedStatement cached(String sql) throws SQLException {
        java.sql.PreparedStatement ps = conn.statements.remove(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
        } else {
            ps.clearParameters();
        }
        java.sql.PreparedStatement real = ps;
        boolean[] done = {false};
        return (java.sql.PreparedStatement) Proxy.newProxyInstance(DuckRuntime.class.getClassLoader(),
                new Class<?>[] {java.sql.PreparedStatement.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "close" -> {
                            if (!done[0]) {
                                done[0] = true;
                                if (real.isClosed()) {
                                    return null;
                                }
                                // Kept only while its connection is still this caller's (never across a return).
                                if (returned) {
                                    real.close();
                                } else {
                                    java.sql.PreparedStatement old = conn.statements.put(sql, real);
                                    if (old != null && old != real) {
                                        closeQuietly(old);
                                    }
                                }
                            }
                            return null;
                        }
                        case "isClosed" -> {
                            return done[0] || real.isClosed();
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "getConnection" -> {
                            throw new SQLException("not available on a pooled statement");
                        }
                        default -> {
                            if (done[0]) {
                                throw new SQLException("statement is closed");
                            }
                            try {
                                return m.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                if (e.getCause() instanceof SQLException) {
                                    // A failed or cancelled execution: not reused.
                                    done[0] = true;
                                    closeQuietly(real);
                                }
                                throw e.getCause();
                            }
                        }
                    }
                });
    }
    }

    private void release(Conn conn) {
        DuckDBConnection c = conn.c;
        try {
            if (c.isClosed()) {
                return;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            if (closed.get() || !idle.offer(conn)) {
                conn.statements.values().forEach(DuckRuntime::closeQuietly);
                c.close();
            }
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken: dropped from the pool either way
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Conn c; (c = idle.poll()) != null; ) {
            c.statements.values().forEach(DuckRuntime::closeQuietly);
            closeQuietly(c.c);
        }
        try {
            root.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing to do about it
        }
        OPEN.decrementAndGet();
    }
}
