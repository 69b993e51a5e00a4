package io.coffer.store.memory;

import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.BlobStoreProvider;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code memory:NAME}: stores live as long as the JVM; the same name gives the same store, so a server and
 * a test in one process can share one.
 */
public final class InMemoryBlobStoreProvider implements BlobStoreProvider {
    private static final Map<String, InMemoryBlobStore> NAMED = new ConcurrentHashMap<>();

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public BlobStore open(URI url, Map<String, String> config) {
        String name = url.getSchemeSpecificPart();
        return NAMED.computeIfAbsent(name == null ? "" : name, InMemoryBlobStore::new);
    }
}
