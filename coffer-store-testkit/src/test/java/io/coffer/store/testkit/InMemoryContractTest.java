package io.coffer.store.testkit;

import io.coffer.store.DataStore;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.store.spi.BlobStore;
import org.junit.jupiter.api.Nested;

/**
 * The in-memory backend runs the semantic, concurrency and in-process failure contracts; the kill -9
 * contract does not apply to a store that dies with its process.
 */
class InMemoryContractTest {
    @Nested
    class Blobs extends BlobStoreContract {
        @Override
        protected BlobStore newStore() {
            return new InMemoryBlobStore("contract");
        }
    }

    @Nested
    class Datasets extends DataStoreContract {
        @Override
        protected DataStore newStore() {
            return new DataStore(new InMemoryBlobStore("contract"));
        }
    }
}
