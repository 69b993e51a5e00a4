package io.coffer.store.s3;

import java.net.URI;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3 endpoint for tests: S3Proxy on 127.0.0.1 with a random port, keeping objects in memory.
 * Clients (this JVM's and the crash test's child JVMs) reach it over HTTP with SigV4 credentials.
 * The backend is wrapped in {@link PerKeyAtomicBlobStore}, which gives it the per-key atomicity of S3.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "coffer-test-access";
    static final String SECRET_KEY = "coffer-test-secret-do-not-log";

    private final S3Proxy proxy;
    private final BlobStore blobs;

    S3ProxyServer() throws Exception {
        this(new TransientNio2BlobStore());
    }

    /** On another S3Proxy backend, e.g. its filesystem one, whose files a test can damage. */
    S3ProxyServer(BlobStore backend) throws Exception {
        blobs = backend;
        proxy = S3Proxy.builder()
                .blobStore(new PerKeyAtomicBlobStore(blobs))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    void createBucket(String bucket) {
        blobs.createContainer(bucket);
    }

    /** The store settings a client needs to reach this server. */
    Map<String, String> config() {
        return Map.of("endpoint", endpoint(), "region", "us-east-1", "pathStyle", "true",
                "accessKeyId", ACCESS_KEY, "secretAccessKey", SECRET_KEY);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
