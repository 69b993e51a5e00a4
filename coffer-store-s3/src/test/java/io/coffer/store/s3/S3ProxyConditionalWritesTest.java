package io.coffer.store.s3;

import io.coffer.testing.S3ProxyServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The publish switch relies on the endpoint honouring conditional PUTs; this pins down that the S3Proxy
 * used by the contract tests does (a 412 for a failed precondition, one winner among racers), with the
 * plain SDK and no Coffer code.
 */
class S3ProxyConditionalWritesTest {
    static S3ProxyServer server;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = new S3ProxyServer();
        server.createBucket("cond");
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        server.close();
    }

    @Test
    void ifNoneMatchStarRefusesToOverwrite() {
        s3.putObject(b -> b.bucket("cond").key("k1").ifNoneMatch("*"), RequestBody.fromString("one"));
        assertThatThrownBy(() -> s3.putObject(b -> b.bucket("cond").key("k1").ifNoneMatch("*"),
                RequestBody.fromString("two")))
                .isInstanceOf(S3Exception.class).extracting(e -> ((S3Exception) e).statusCode()).isEqualTo(412);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("cond").key("k1")).asUtf8String()).isEqualTo("one");
    }

    /** Eight PUTs racing with the same If-Match: the server lets exactly one through, every round. */
    @Test
    void racingIfMatchPutsHaveExactlyOneWinner() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 30; round++) {
                String key = "race" + round;
                String etag = s3.putObject(b -> b.bucket("cond").key(key), RequestBody.fromString("base")).eTag();
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(8);
                java.util.concurrent.atomic.AtomicInteger wins = new java.util.concurrent.atomic.AtomicInteger();
                java.util.List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    String v = "v" + t;
                    fs.add(pool.submit(() -> {
                        start.await();
                        try {
                            s3.putObject(b -> b.bucket("cond").key(key).ifMatch(etag), RequestBody.fromString(v));
                            wins.incrementAndGet();
                        } catch (S3Exception e) {
                            assertThat(e.statusCode()).isIn(409, 412);
                        }
                        return null;
                    }));
                }
                for (var f : fs) {
                    f.get();
                }
                assertThat(wins.get()).as("winners in round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ifMatchOnlyReplacesTheExpectedVersion() {
        String etag = s3.putObject(b -> b.bucket("cond").key("k2"), RequestBody.fromString("one")).eTag();
        String etag2 = s3.putObject(b -> b.bucket("cond").key("k2").ifMatch(etag), RequestBody.fromString("two"))
                .eTag();
        assertThatThrownBy(() -> s3.putObject(b -> b.bucket("cond").key("k2").ifMatch(etag),
                RequestBody.fromString("three")))
                .isInstanceOf(S3Exception.class).extracting(e -> ((S3Exception) e).statusCode()).isEqualTo(412);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("cond").key("k2")).asUtf8String()).isEqualTo("two");
        assertThat(etag2).isNotEqualTo(etag);
        assertThatThrownBy(() -> s3.putObject(b -> b.bucket("cond").key("absent").ifMatch(etag),
                RequestBody.fromString("x")))
                .isInstanceOf(S3Exception.class)
                .extracting(e -> ((S3Exception) e).statusCode()).isIn(404, 412);
    }
}
