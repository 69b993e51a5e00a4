package io.coffer.store.s3;

import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.BlobStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * {@code s3://bucket/prefix}. Settings: {@code endpoint} (any S3-compatible URL; else AWS_ENDPOINT_URL or
 * AWS), {@code region}, {@code pathStyle}, {@code accessKeyId}/{@code secretAccessKey}/{@code sessionToken}
 * (else the SDK's default chain: AWS_* variables, aws.* properties, profiles, instance roles),
 * {@code partSize}, {@code verifyChecksums}.
 */
public final class S3BlobStoreProvider implements BlobStoreProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("s3");
    }

    @Override
    public BlobStore open(URI url, Map<String, String> config) throws IOException {
        S3BlobStore store = new S3BlobStore(S3Settings.of(url, config));
        try {
            store.checkReachable();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }
}
