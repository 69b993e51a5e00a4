package io.coffer.store.testkit;

import io.coffer.store.DataStore;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.store.spi.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

class FileSystemContractTest {
    @TempDir
    static Path tmp;

    static Path fresh() throws Exception {
        return Files.createTempDirectory(tmp, "store");
    }

    @Nested
    class Blobs extends BlobStoreContract {
        @Override
        protected BlobStore newStore() throws Exception {
            return new FileSystemBlobStore(fresh());
        }
    }

    @Nested
    class Datasets extends DataStoreContract {
        @Override
        protected DataStore newStore() throws Exception {
            return new DataStore(new FileSystemBlobStore(fresh()));
        }
    }

    @Nested
    class Crash extends CrashContract {
        @Override
        protected String storeLocation() throws Exception {
            return fresh().toUri().toString();
        }
    }
}
