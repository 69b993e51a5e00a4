package io.coffer.store.s3;

import io.coffer.testing.S3ProxyServer;
import io.coffer.store.DataStore;
import io.coffer.store.Stores;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.testkit.BlobStoreContract;
import io.coffer.store.testkit.CrashContract;
import io.coffer.store.testkit.DataStoreContract;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The unchanged contract kit against S3Proxy on 127.0.0.1: every store is a fresh prefix in one bucket,
 * opened through the ServiceLoader by its s3:// URL like the server does. The crash test's child JVMs
 * reach the same S3Proxy over HTTP.
 */
class S3ContractTest {
    static final String BUCKET = "coffer";
    static S3ProxyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new S3ProxyServer();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String freshLocation() {
        return "s3://" + BUCKET + "/t-" + UUID.randomUUID();
    }

    @Nested
    class Blobs extends BlobStoreContract {
        @Override
        protected BlobStore newStore() {
            return Stores.openBlobStore(freshLocation(), server.config());
        }
    }

    @Nested
    class Datasets extends DataStoreContract {
        @Override
        protected DataStore newStore() {
            return Stores.open(freshLocation(), server.config());
        }
    }

    @Nested
    class Crash extends CrashContract {
        String location;

        @Override
        protected String storeLocation() {
            location = freshLocation();
            return location;
        }

        /** How much the killed publishers got done, for the record (the kit checks it is positive). */
        @AfterEach
        void report() throws Exception {
            try (DataStore store = Stores.open(location, server.config())) {
                long revisions = 0;
                for (var id : store.list()) {
                    revisions += store.revisions(id).size();
                }
                System.out.println("kill -9 test: " + store.list().size() + " datasets, " + revisions
                        + " revisions published");
            }
        }

        @Override
        protected Map<String, String> storeConfig() {
            return server.config();
        }
    }
}
