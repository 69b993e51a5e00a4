package io.coffer.store.spi;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Opens a {@link BlobStore} for a store URL scheme ({@code file}, {@code memory}, {@code s3}, ...).
 * Registered in {@code META-INF/services/io.coffer.store.spi.BlobStoreProvider}.
 */
public interface BlobStoreProvider {
    /** URL schemes this provider opens. */
    java.util.Set<String> schemes();

    /** Opens the store at {@code url}; {@code config} holds backend settings (credentials, endpoint, ...). */
    BlobStore open(URI url, Map<String, String> config) throws IOException;
}
