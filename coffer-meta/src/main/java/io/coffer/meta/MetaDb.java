package io.coffer.meta;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata database: accounts, organizations, tokens, sessions, dataset visibility. Embedded H2 (a file
 * under the store's data directory) by default, PostgreSQL when a {@code jdbc:postgresql:} URL is given.
 * The same Flyway migrations ({@code db/migration}) run on both; see docs/decisions/0002-metadata-database.md.
 */
public final class MetaDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetaDb.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String description;
    private final boolean postgres;

    private MetaDb(HikariDataSource dataSource, String description, boolean postgres) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        // Statement errors must not quote bound values (session CSRF tokens, hashes) into logs.
        this.jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.SHORT_STATEMENT);
        this.description = description;
        this.postgres = postgres;
    }

    /**
     * Opens (and migrates) the database at a JDBC URL. User and password may be null (H2, or credentials
     * inside the URL). Only {@code jdbc:h2:} and {@code jdbc:postgresql:} are supported.
     */
    public static MetaDb open(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new CofferException(ErrorCode.CONFIGURATION, "metadata database URL is empty");
        }
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        boolean pg = lower.startsWith("jdbc:postgresql:");
        if (!pg && !lower.startsWith("jdbc:h2:")) {
            throw new CofferException(ErrorCode.CONFIGURATION,
                    "metadata database must be a jdbc:postgresql: or jdbc:h2: URL, not " + describe(jdbcUrl));
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setPoolName("coffer-meta");
        hc.setMaximumPoolSize(pg ? 10 : 4);
        hc.setMinimumIdle(1);
        hc.setInitializationFailTimeout(-1);
        hc.setConnectionTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            migrate(ds);
        } catch (RuntimeException e) {
            ds.close();
            // The cause may quote the URL; keep only our description of it.
            String why = rootMessage(e);
            if (why.contains("already in use") || why.contains("file is locked")) {
                why = "another process (a running 'coffer serve'?) has it open; stop it, use the HTTP API, "
                        + "or share a PostgreSQL database (COFFER_DATABASE_URL)";
            }
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot open the metadata database "
                    + describe(jdbcUrl) + ": " + why, e);
        }
        MetaDb db = new MetaDb(ds, describe(jdbcUrl), pg);
        LOG.debug("metadata database {}", db.description);
        return db;
    }

    static void migrate(DataSource ds) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    /**
     * The database for a store location: {@code databaseUrl} when given; else an H2 file {@code meta/coffer}
     * under a filesystem store's directory, an in-memory H2 for {@code memory:} stores, and
     * {@code ./coffer-meta/coffer} for other backends (which should name a PostgreSQL database instead).
     */
    public static String urlFor(URI storeUri, String databaseUrl) {
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            return databaseUrl;
        }
        String scheme = storeUri.getScheme() == null ? "file" : storeUri.getScheme().toLowerCase(Locale.ROOT);
        String h2Options = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        return switch (scheme) {
            case "file" -> {
                Path dir = Path.of(storeUri).resolve("meta");
                createDirectories(dir);
                // No AUTO_SERVER: it would open a TCP port reachable from other hosts (H2 starts it with
                // -tcpAllowOthers). One process holds the file; others get a clear "in use" message.
                // WRITE_DELAY=0: a commit is on disk when it returns (H2 otherwise flushes up to 500 ms later,
                // and a kill -9 in between would lose committed events and job claims).
                yield "jdbc:h2:file:" + dir.resolve("coffer").toAbsolutePath() + h2Options + ";WRITE_DELAY=0";
            }
            case "memory" -> "jdbc:h2:mem:coffer-" + storeUri.getSchemeSpecificPart().replaceAll("[^A-Za-z0-9_-]", "_")
                    + h2Options + ";DB_CLOSE_DELAY=-1";
            default -> {
                Path dir = Path.of("coffer-meta").toAbsolutePath();
                createDirectories(dir);
                yield "jdbc:h2:file:" + dir.resolve("coffer") + h2Options + ";WRITE_DELAY=0";
            }
        };
    }

    /** A fresh in-memory H2 database, for tests and throw-away servers. */
    public static MetaDb inMemory(String name) {
        return open("jdbc:h2:mem:" + name + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                + "DB_CLOSE_DELAY=-1", null, null);
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, "cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The URL without credentials or parameters, fit for logs and messages. */
    public static String describe(String jdbcUrl) {
        if (jdbcUrl == null) {
            return "(none)";
        }
        String s = jdbcUrl;
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        int semi = s.indexOf(';');
        if (semi >= 0) {
            s = s.substring(0, semi);
        }
        // jdbc:postgresql://user:secret@host/db -> jdbc:postgresql://host/db
        return s.replaceAll("//[^/@]*@", "//");
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        String m = r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
        // Drivers sometimes echo the URL (with its password) in messages.
        return m.replaceAll("(?i)password=[^&;\\s]*", "password=***").replaceAll("//[^/@\\s]*@", "//");
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean postgres() {
        return postgres;
    }

    public String describe() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
