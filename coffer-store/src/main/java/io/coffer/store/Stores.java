package io.coffer.store;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.BlobStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens a store location ({@code ./coffer-data}, {@code file:///...}, {@code memory:x}, {@code s3://...}). */
public final class Stores {
    private Stores() {
    }

    public static URI toUri(String location) {
        if (location == null || location.isBlank()) {
            throw new CofferException(ErrorCode.CONFIGURATION, "store location is empty");
        }
        int colon = location.indexOf(':');
        // A scheme is at least two letters, so "C:\..." stays a path.
        if (colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return URI.create(location);
        }
        return Path.of(location).toAbsolutePath().normalize().toUri();
    }

    public static BlobStore openBlobStore(String location, Map<String, String> config) {
        URI uri = toUri(location);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        TreeSet<String> known = new TreeSet<>();
        for (BlobStoreProvider p : ServiceLoader.load(BlobStoreProvider.class)) {
            if (p.schemes().contains(scheme)) {
                try {
                    return p.open(uri, config);
                } catch (IOException e) {
                    throw new CofferException(ErrorCode.STORE_UNAVAILABLE,
                            "cannot open store " + scheme + ": " + e.getMessage(), e);
                }
            }
            known.addAll(p.schemes());
        }
        throw new CofferException(ErrorCode.CONFIGURATION,
                "no store backend for '" + scheme + ":' (available: " + String.join(", ", known) + ")");
    }

    public static DataStore open(String location, Map<String, String> config) {
        return new DataStore(openBlobStore(location, config));
    }
}
