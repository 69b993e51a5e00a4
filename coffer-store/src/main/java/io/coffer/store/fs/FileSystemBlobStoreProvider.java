package io.coffer.store.fs;

import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.BlobStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** {@code file:///var/lib/coffer} (plain paths are turned into file URLs by {@code Stores}). */
public final class FileSystemBlobStoreProvider implements BlobStoreProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public BlobStore open(URI url, Map<String, String> config) throws IOException {
        return new FileSystemBlobStore(Path.of(url));
    }
}
