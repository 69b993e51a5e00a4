package io.coffer.store.s3;

import io.coffer.testing.S3ProxyServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.store.Stores;
import io.coffer.store.spi.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;

/** S3-specific promises: multipart layout, checksums checked on read and failing closed, no secrets shown. */
class S3BlobStoreTest {
    static final String BUCKET = "coffer";
    static S3ProxyServer server;
    static S3Client raw;

    @BeforeAll
    static void start() throws Exception {
        server = new S3ProxyServer();
        server.createBucket(BUCKET);
        raw = client(server, RequestChecksumCalculation.WHEN_REQUIRED);
    }

    @AfterAll
    static void stop() throws Exception {
        raw.close();
        server.close();
    }

    static S3Client client(S3ProxyServer s, RequestChecksumCalculation checksums) {
        return S3Client.builder().endpointOverride(URI.create(s.endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true).requestChecksumCalculation(checksums)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .build();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void largeStreamsGoUpInFiveMibPartsWithAFullObjectChecksum() throws Exception {
        String prefix = "mp-" + UUID.randomUUID();
        byte[] data = bytes(11 * 1024 * 1024);
        try (BlobStore store = Stores.openBlobStore("s3://" + BUCKET + "/" + prefix, server.config())) {
            store.put("big.bin", new ByteArrayInputStream(data), -1);
            try (InputStream in = store.open("big.bin").orElseThrow()) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
        var whole = raw.headObject(b -> b.bucket(BUCKET).key(prefix + "/big.bin").checksumMode(ChecksumMode.ENABLED));
        // A multipart ETag ends with the number of parts: 5 + 5 + 1 MiB.
        assertThat(whole.eTag().replace("\"", "")).endsWith("-3");
        assertThat(whole.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
        assertThat(whole.checksumCRC32()).isEqualTo(S3BlobStore.crc32(data, data.length));
    }

    @Test
    void aMultipartPutOfTheWrongLengthLeavesNoObjectAndNoUpload() throws Exception {
        String prefix = "short-" + UUID.randomUUID();
        try (BlobStore store = Stores.openBlobStore("s3://" + BUCKET + "/" + prefix, server.config())) {
            assertThatThrownBy(() -> store.put("x.bin", new ByteArrayInputStream(bytes(6 * 1024 * 1024)),
                    7L * 1024 * 1024)).hasMessageContaining("expected");
            assertThat(store.stat("x.bin")).isEmpty();
        }
        assertThat(raw.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads()).isEmpty();
    }

    @Test
    void objectsWithoutAChecksumFailClosedUnlessVerificationIsOff() throws Exception {
        String prefix = "foreign-" + UUID.randomUUID();
        raw.putObject(b -> b.bucket(BUCKET).key(prefix + "/plain.txt"), RequestBody.fromString("no checksum"));
        try (BlobStore store = Stores.openBlobStore("s3://" + BUCKET + "/" + prefix, server.config())) {
            assertThatThrownBy(() -> store.open("plain.txt")).hasMessageContaining("no full-object CRC32");
        }
        Map<String, String> lax = new HashMap<>(server.config());
        lax.put("verifyChecksums", "false");
        try (BlobStore store = Stores.openBlobStore("s3://" + BUCKET + "/" + prefix, lax)) {
            try (InputStream in = store.open("plain.txt").orElseThrow()) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("no checksum");
            }
        }
    }

    @Test
    void bytesDamagedAtRestFailTheRead(@TempDir Path dir) throws Exception {
        try (S3ProxyServer disk = new S3ProxyServer(new FilesystemNio2BlobStore(dir.toString()))) {
            disk.createBucket("damaged");
            byte[] data = bytes(100_000);
            try (BlobStore store = Stores.openBlobStore("s3://damaged/p", disk.config())) {
                store.put("f.bin", new ByteArrayInputStream(data), data.length);
                Path file;
                try (Stream<Path> s = Files.walk(dir)) {
                    file = s.filter(p -> p.getFileName().toString().equals("f.bin")).findFirst().orElseThrow();
                }
                try (InputStream in = store.open("f.bin").orElseThrow()) {
                    assertThat(in.readAllBytes()).isEqualTo(data);
                } catch (java.io.IOException e) {
                    Assumptions.assumeTrue(false, "this file system keeps no S3Proxy metadata: " + e.getMessage());
                }
                // Flip one byte in place: the file keeps its stored checksum, the bytes no longer match it.
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ByteBuffer one = ByteBuffer.allocate(1);
                    ch.read(one, 5000);
                    one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
                    ch.write(one, 5000);
                }
                assertThatThrownBy(() -> {
                    try (InputStream in = store.open("f.bin").orElseThrow()) {
                        in.readAllBytes();
                    }
                }).isInstanceOf(java.io.IOException.class).hasMessageContaining("checksum");
            }
        }
    }

    @Test
    void describeNamesTheBucketButNoCredentials() throws Exception {
        try (BlobStore store = Stores.openBlobStore("s3://" + BUCKET + "/described", server.config())) {
            assertThat(store.describe()).contains("coffer/described/").contains("127.0.0.1")
                    .doesNotContain(S3ProxyServer.SECRET_KEY).doesNotContain(S3ProxyServer.ACCESS_KEY);
        }
        S3Settings s = S3Settings.of(URI.create("s3://b/p"), server.config());
        assertThat(s.toString()).doesNotContain(S3ProxyServer.SECRET_KEY);
    }

    @Test
    void anUnreachableOrMissingBucketFailsWhenTheStoreOpens() {
        Map<String, String> config = new HashMap<>(server.config());
        assertThatThrownBy(() -> Stores.openBlobStore("s3://no-such-bucket/x", config))
                .isInstanceOf(CofferException.class)
                .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThatThrownBy(() -> Stores.openBlobStore("s3:///nobucket", config))
                .isInstanceOf(CofferException.class);
    }
}
