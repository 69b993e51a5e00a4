package io.coffer.server;

import io.coffer.events.Events;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.OidcLogin;
import io.coffer.meta.auth.Security;
import io.coffer.server.cli.CofferNode;
import io.coffer.server.http.Analytics;
import io.coffer.server.http.CofferServer;
import io.coffer.server.http.ServerSecurity;
import io.coffer.store.DataStore;
import io.coffer.store.fs.FileSystemBlobStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The one harness for tests that need the real HTTP server: a {@link CofferNode} started exactly as
 * {@code coffer serve} starts one (accounts, change log, jobs, mirrors, the process's DuckDB), on 127.0.0.1 and
 * a free port. What the test does not give (store, metadata database, upload folder) is made in a temporary
 * folder and removed by {@link #close()}.
 *
 * <pre>{@code
 * try (TestServer s = TestServer.builder().store(store).start()) {
 *     http.send(HttpRequest.newBuilder(s.uri("/api/datasets")).build(), ...);
 * }
 * }</pre>
 *
 * Tests that start it are integration tests ({@code *IT}, run by Failsafe in {@code ./mvnw verify}).
 */
public final class TestServer implements AutoCloseable {
    private final CofferNode node;
    private final DataStore store;
    private final MetaDb db;
    private final boolean ownsStore;
    private final boolean ownsDb;
    private final Path tmp;

    private TestServer(CofferNode node, DataStore store, MetaDb db, boolean ownsStore, boolean ownsDb, Path tmp) {
        this.node = node;
        this.store = store;
        this.db = db;
        this.ownsStore = ownsStore;
        this.ownsDb = ownsDb;
        this.tmp = tmp;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A server on {@code store} with serve's defaults (its own in-memory metadata database). */
    public static TestServer start(DataStore store) {
        return builder().store(store).start();
    }

    public static final class Builder {
        private DataStore store;
        private MetaDb db;
        private Analytics analytics;
        private Function<MetaDb, OidcLogin> oidc = db -> null;
        private Long maxUploadBytes;
        private Path uploadDir;
        private Set<String> roles;
        private Integer jobThreads;
        private Duration jobLease;
        private Duration jobPoll;

        private Builder() {
        }

        /** The store to serve (left open by close: the test owns it); default a new one in a temporary folder. */
        public Builder store(DataStore s) {
            this.store = s;
            return this;
        }

        /** The metadata database (left open by close); default a new in-memory H2 one. */
        public Builder db(MetaDb d) {
            this.db = d;
            return this;
        }

        /** The process's DuckDB runtime (left open by close); default one from the environment, closed with the node. */
        public Builder analytics(Analytics a) {
            this.analytics = a;
            return this;
        }

        /** OpenID Connect login, made on the node's metadata database. */
        public Builder oidc(Function<MetaDb, OidcLogin> o) {
            this.oidc = o;
            return this;
        }

        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        public Builder uploadDir(Path dir) {
            this.uploadDir = dir;
            return this;
        }

        /** {@code api}, {@code worker} or both (serve's default). */
        public Builder roles(String... r) {
            this.roles = Set.of(r);
            return this;
        }

        public Builder jobs(int threads, Duration lease, Duration poll) {
            this.jobThreads = threads;
            this.jobLease = lease;
            this.jobPoll = poll;
            return this;
        }

        public TestServer start() {
            Path tmp;
            try {
                tmp = Files.createTempDirectory("coffer-testserver");
            } catch (IOException e) {
                throw new IllegalStateException("cannot make a temporary folder", e);
            }
            boolean ownsStore = store == null;
            boolean ownsDb = db == null;
            DataStore s;
            try {
                s = ownsStore ? new DataStore(new FileSystemBlobStore(tmp.resolve("store"))) : store;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            MetaDb d = ownsDb ? MetaDb.inMemory("testserver-" + UUID.randomUUID()) : db;
            CofferNode.Options o = CofferNode.Options.defaults(0).withUploadDir(tmp.resolve("uploads"));
            if (maxUploadBytes != null) {
                o = o.withMaxUploadBytes(maxUploadBytes);
            }
            if (uploadDir != null) {
                o = o.withUploadDir(uploadDir);
            }
            if (roles != null) {
                o = o.withRoles(roles);
            }
            if (jobThreads != null) {
                o = o.withJobs(jobThreads, jobLease, jobPoll);
            }
            try {
                return new TestServer(CofferNode.start(s, d, analytics, oidc.apply(d), o), s, d, ownsStore, ownsDb, tmp);
            } catch (RuntimeException e) {
                if (ownsDb) {
                    d.close();
                }
                if (ownsStore) {
                    closeQuietly(s);
                }
                delete(tmp);
                throw e;
            }
        }
    }

    public int port() {
        return node.port();
    }

    /** {@code http://127.0.0.1:PORT} (no trailing slash). */
    public String base() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code path} (starting with /) on this server. */
    public URI uri(String path) {
        return URI.create(base() + path);
    }

    public CofferNode node() {
        return node;
    }

    public CofferServer server() {
        return node.server();
    }

    public DataStore store() {
        return store;
    }

    public MetaDb db() {
        return db;
    }

    /** Accounts, tokens and datasets' visibility as the server sees them. */
    public Security security() {
        return node.security().security();
    }

    public ServerSecurity serverSecurity() {
        return node.security();
    }

    public Events events() {
        return node.events();
    }

    public Analytics analytics() {
        return node.analytics();
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            if (ownsDb) {
                db.close();
            }
            if (ownsStore) {
                closeQuietly(store);
            }
            delete(tmp);
        }
    }

    private static void closeQuietly(DataStore s) {
        try {
            s.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder does not fail a test.
        }
    }
}
