package io.coffer.testing;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A real S3 endpoint for tests: S3Proxy on 127.0.0.1 with a random port, keeping objects in memory.
 * Clients (this JVM's and child JVMs) reach it over HTTP with SigV4 credentials. The backend is wrapped in
 * {@link PerKeyAtomicBlobStore}, which gives it the per-key atomicity of S3. Callers need
 * {@code org.gaul:s3proxy} on their test class path.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "coffer-test-access";
    public static final String SECRET_KEY = "coffer-test-secret-do-not-log";

    private final S3Proxy proxy;
    private final BlobStore blobs;
    private volatile Hold hold;

    public S3ProxyServer() throws Exception {
        this(new TransientNio2BlobStore());
    }

    /** On another S3Proxy backend, e.g. its filesystem one, whose files a test can damage. */
    public S3ProxyServer(BlobStore backend) throws Exception {
        blobs = backend;
        proxy = S3Proxy.builder()
                .blobStore(new Holding(new PerKeyAtomicBlobStore(blobs)))
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

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public void createBucket(String bucket) {
        blobs.createContainer(bucket);
    }

    /** The store settings a client needs to reach this server. */
    public Map<String, String> config() {
        return Map.of("endpoint", endpoint(), "region", "us-east-1", "pathStyle", "true",
                "accessKeyId", ACCESS_KEY, "secretAccessKey", SECRET_KEY);
    }

    /** The same settings as the {@code COFFER_STORE_*} environment of a Coffer process. */
    public Map<String, String> environment() {
        return Map.of("COFFER_STORE_ENDPOINT", endpoint(), "COFFER_STORE_REGION", "us-east-1",
                "COFFER_STORE_PATH_STYLE", "true", "COFFER_STORE_ACCESS_KEY_ID", ACCESS_KEY,
                "COFFER_STORE_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /**
     * Holds every GET of a key that {@code keys} accepts until {@link Hold#release()}: a client reading such an
     * object stops mid-work, deterministically, which lets a test kill it right there. One hold at a time.
     */
    public Hold holdReads(Predicate<String> keys) {
        Hold h = new Hold(keys);
        hold = h;
        return h;
    }

    /** Reads held by {@link #holdReads}. */
    public final class Hold implements AutoCloseable {
        private final Predicate<String> keys;
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger held = new AtomicInteger();

        private Hold(Predicate<String> keys) {
            this.keys = keys;
        }

        /** How many reads arrived at the hold so far. */
        public int held() {
            return held.get();
        }

        /** Lets held and later reads through. */
        public void release() {
            released.countDown();
            if (hold == this) {
                hold = null;
            }
        }

        @Override
        public void close() {
            release();
        }

        void await(String key) {
            if (!keys.test(key)) {
                return;
            }
            held.incrementAndGet();
            try {
                // Bounded, so that a test that forgets to release cannot hang the build.
                released.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Outermost layer, so a held read does not keep {@link PerKeyAtomicBlobStore}'s key lock. */
    private final class Holding extends ForwardingBlobStore {
        Holding(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
            Hold h = hold;
            if (h != null) {
                h.await(request.key());
            }
            return delegate().getBlob(request);
        }
    }

    @Override
    public void close() throws Exception {
        Hold h = hold;
        if (h != null) {
            h.release();
        }
        proxy.stop();
    }
}
