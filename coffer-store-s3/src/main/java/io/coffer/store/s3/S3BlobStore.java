package io.coffer.store.s3;

import io.coffer.store.spi.BlobInfo;
import io.coffer.store.spi.BlobKeys;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.CasOutcome;
import io.coffer.store.spi.Ref;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Blobs as objects under {@code s3://bucket/prefix/}, on AWS or any S3-compatible endpoint.
 *
 * <ul>
 *   <li>{@code put}: one PUT up to the part size (5 MiB), a multipart upload above it, reading one part at a
 *       time so memory stays bounded for streams of unknown length. Every PUT and part carries its CRC32 and
 *       the multipart upload a full-object CRC32, so the endpoint rejects bytes damaged in transit.</li>
 *   <li>Reads of whole objects check the stored full-object CRC32 against the bytes received and fail at
 *       the end of the stream on a mismatch; an object without a checksum fails closed (unless
 *       {@code verifyChecksums=false}).</li>
 *   <li>Refs are ordinary objects whose version is the ETag. {@code compareAndSet} is a conditional PUT
 *       ({@code If-None-Match: *} to create, {@code If-Match: etag} to replace) sent exactly once: a 412
 *       (or 409, a concurrent conditional write) is a conflict, anything else after sending is unknown. It
 *       is never retried by the SDK, because a retried conditional PUT whose first attempt did land would
 *       come back 412 and turn a commit into a false "conflict".</li>
 * </ul>
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);

    private final S3Settings settings;
    private final SdkHttpClient http;
    private final S3Client s3;
    /** Same endpoint and credentials, no retries: for conditional writes, see the class comment. */
    private final S3Client s3Once;

    public S3BlobStore(S3Settings settings) {
        this.settings = settings;
        this.http = Apache5HttpClient.builder()
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        this.s3 = builder(settings, http).build();
        this.s3Once = builder(settings, http)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /**
     * Lists one key under the prefix, so a wrong bucket, endpoint or credentials fail when the store is
     * opened (as {@code coffer serve} starts) rather than at the first request, and probes write access;
     * the first publish then does not pay for connecting and loading the SDK's request pipelines.
     */
    void checkReachable() throws IOException {
        list("", 1);
        // A conditional PUT that cannot succeed (no object has this ETag) writes nothing but tells whether
        // the credentials may write: S3 checks permission before the precondition.
        try {
            s3Once.putObject(b -> b.bucket(settings.bucket()).key(settings.prefix() + ".coffer-write-probe")
                    .ifMatch("\"coffer-write-probe\"").contentLength(0L).checksumCRC32(crc32(new byte[0], 0)),
                    RequestBody.empty());
            LOG.warn("the write probe on {} unexpectedly succeeded", settings.describe());
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                LOG.info("{} is read-only for these credentials", settings.describe());
            }
        } catch (SdkException e) {
            LOG.debug("write probe on {} failed: {}", settings.describe(), e.getMessage());
        }
    }

    private static S3ClientBuilder builder(S3Settings s, SdkHttpClient http) {
        S3ClientBuilder b = S3Client.builder()
                .httpClient(http)
                .region(region(s))
                .credentialsProvider(credentials(s))
                .forcePathStyle(s.pathStyle())
                // We send our own CRC32 headers (computed on the buffered part), so the SDK need not add
                // checksum trailers, which some S3-compatible endpoints do not understand.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED);
        if (s.endpoint() != null) {
            b.endpointOverride(s.endpoint());
        }
        return b;
    }

    private static Region region(S3Settings s) {
        if (s.region() != null) {
            return Region.of(s.region());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException e) {
            // S3-compatible endpoints mostly ignore the region, but SigV4 needs one.
            return Region.US_EAST_1;
        }
    }

    private static AwsCredentialsProvider credentials(S3Settings s) {
        if (s.accessKeyId() != null && s.secretAccessKey() != null) {
            return StaticCredentialsProvider.create(s.sessionToken() == null
                    ? AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey())
                    : AwsSessionCredentials.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private String objectKey(String key) {
        return settings.prefix() + BlobKeys.check(key);
    }

    private static boolean notFound(S3Exception e) {
        return e.statusCode() == 404;
    }

    private static IOException io(String what, SdkException e) {
        // S3Exception messages hold the request id and error code, never credentials.
        return new IOException(what + ": " + e.getMessage(), e);
    }

    // ------------------------------------------------------------------ reads

    /** A GET with S3's own checksum asked for; empty when the object does not exist. */
    private Optional<ResponseInputStream<GetObjectResponse>> get(String key) throws IOException {
        String k = objectKey(key);
        try {
            return Optional.of(s3.getObject(b -> b.bucket(settings.bucket()).key(k).checksumMode(ChecksumMode.ENABLED)));
        } catch (S3Exception e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw io("cannot read " + key, e);
        } catch (SdkException e) {
            throw io("cannot read " + key, e);
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        Optional<ResponseInputStream<GetObjectResponse>> got = get(key);
        if (got.isEmpty()) {
            return Optional.empty();
        }
        ResponseInputStream<GetObjectResponse> in = got.get();
        if (!settings.verifyChecksums()) {
            return Optional.of(new SdkErrorsAsIo(in, in));
        }
        GetObjectResponse r = in.response();
        String crc = r.checksumCRC32();
        if (crc == null || r.checksumType() == ChecksumType.COMPOSITE || crc.contains("-")) {
            in.abort();
            in.close();
            throw new IOException("object " + key + " carries no full-object CRC32 checksum, so its bytes cannot "
                    + "be verified (written by another tool? set verifyChecksums=false to read it anyway)");
        }
        return Optional.of(new SdkErrorsAsIo(new Crc32VerifyingInputStream(in, crc, r.contentLength(), key), in));
    }

    @Override
    public Optional<InputStream> open(String key, long offset, long length) throws IOException {
        String k = objectKey(key);
        if (length <= 0) {
            return stat(key).map(i -> new ByteArrayInputStream(new byte[0]));
        }
        // An HTTP range past the end is a 416; clamp against the size first, as the SPI asks.
        Optional<BlobInfo> info = stat(key);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        long size = info.get().size();
        if (offset >= size) {
            return Optional.of(new ByteArrayInputStream(new byte[0]));
        }
        long last = Math.min(size, offset + length) - 1;
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(settings.bucket()).key(k)
                    .range("bytes=" + offset + "-" + last));
            return Optional.of(new SdkErrorsAsIo(in, in));
        } catch (S3Exception e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw io("cannot read " + key, e);
        } catch (SdkException e) {
            throw io("cannot read " + key, e);
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) throws IOException {
        Optional<HeadObjectResponse> h = head(objectKey(key));
        return h.map(r -> new BlobInfo(key, r.contentLength(), r.eTag()));
    }

    private Optional<HeadObjectResponse> head(String objectKey) throws IOException {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(settings.bucket()).key(objectKey)));
        } catch (S3Exception e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw io("cannot stat " + objectKey, e);
        } catch (SdkException e) {
            throw io("cannot stat " + objectKey, e);
        }
    }

    @Override
    public List<BlobInfo> list(String prefix, int limit) throws IOException {
        BlobKeys.checkPrefix(prefix);
        List<BlobInfo> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        String p = settings.prefix() + prefix;
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(p)
                    .maxKeys(Math.min(1000, limit)))) {
                for (S3Object o : page.contents()) {
                    out.add(new BlobInfo(o.key().substring(settings.prefix().length()), o.size(), o.eTag()));
                    if (out.size() >= limit) {
                        return out;
                    }
                }
            }
        } catch (SdkException e) {
            throw io("cannot list " + prefix, e);
        }
        return out;
    }

    @Override
    public List<String> children(String prefix) throws IOException {
        BlobKeys.checkPrefix(prefix);
        String p = settings.prefix() + prefix;
        TreeSet<String> out = new TreeSet<>();
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(p)
                    .delimiter("/"))) {
                for (CommonPrefix cp : page.commonPrefixes()) {
                    String name = cp.prefix().substring(p.length());
                    out.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
                }
                for (S3Object o : page.contents()) {
                    out.add(o.key().substring(p.length()));
                }
            }
        } catch (SdkException e) {
            throw io("cannot list " + prefix, e);
        }
        out.remove("");
        return new ArrayList<>(out);
    }

    @Override
    public Optional<Ref> getRef(String key) throws IOException {
        // A checksum mismatch on a ref is retried: endpoints that are not atomic between a GET and a
        // concurrent PUT of the same key (S3Proxy's file backends) can hand out one version's checksum
        // with another's bytes. Real damage persists and still fails after the retries.
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return readRef(key);
            } catch (ChecksumMismatchException e) {
                last = e;
            }
        }
        throw last;
    }

    private Optional<Ref> readRef(String key) throws IOException {
        Optional<ResponseInputStream<GetObjectResponse>> got = get(key);
        if (got.isEmpty()) {
            return Optional.empty();
        }
        ResponseInputStream<GetObjectResponse> raw = got.get();
        GetObjectResponse r = raw.response();
        InputStream in = raw;
        if (settings.verifyChecksums()) {
            if (r.checksumCRC32() == null) {
                raw.abort();
                raw.close();
                throw new IOException("ref " + key + " carries no CRC32 checksum, so it cannot be verified");
            }
            in = new Crc32VerifyingInputStream(raw, r.checksumCRC32(), r.contentLength(), key);
        }
        try (InputStream s = new SdkErrorsAsIo(in, raw)) {
            return Optional.of(new Ref(s.readAllBytes(), r.eTag()));
        }
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        String k = objectKey(key);
        int partSize = settings.partSize();
        // Known small sizes allocate exactly; otherwise readNBytes grows its buffer only as bytes arrive.
        byte[] first = data.readNBytes(length >= 0 && length < partSize ? (int) length + 1 : partSize);
        int next = first.length < partSize ? -1 : data.read();
        if (next < 0) {
            if (length >= 0 && first.length != length) {
                throw new IOException("expected " + length + " bytes but got " + first.length + " for " + key);
            }
            putSingle(k, key, first, first.length);
            return;
        }
        putMultipart(k, key, first, next, data, length);
    }

    private void putSingle(String k, String key, byte[] buf, int len) throws IOException {
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(k).contentLength((long) len)
                    .checksumCRC32(crc32(buf, len)), body(buf, len));
        } catch (SdkException e) {
            throw io("cannot write " + key, e);
        }
    }

    private void putMultipart(String k, String key, byte[] buf, int carried, InputStream data, long length)
            throws IOException {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(settings.bucket()).key(k)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumType(ChecksumType.FULL_OBJECT)).uploadId();
        } catch (SdkException e) {
            throw io("cannot start the upload of " + key, e);
        }
        boolean completed = false;
        try {
            CRC32 whole = new CRC32();
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            int len = buf.length;
            int partNumber = 1;
            while (true) {
                total += len;
                if (length >= 0 && total > length) {
                    throw new IOException("expected " + length + " bytes but got more for " + key);
                }
                whole.update(buf, 0, len);
                int n = partNumber;
                int l = len;
                String partCrc = crc32(buf, len);
                UploadPartResponse r;
                try {
                    r = s3.uploadPart(b -> b.bucket(settings.bucket()).key(k).uploadId(uploadId).partNumber(n)
                            .contentLength((long) l).checksumCRC32(partCrc), body(buf, l));
                } catch (SdkException e) {
                    throw io("cannot upload part " + n + " of " + key, e);
                }
                parts.add(CompletedPart.builder().partNumber(n).eTag(r.eTag()).checksumCRC32(partCrc).build());
                if (carried < 0) {
                    break;
                }
                // The byte peeked to learn the stream goes on starts the next part.
                buf[0] = (byte) carried;
                len = 1 + data.readNBytes(buf, 1, buf.length - 1);
                carried = len < buf.length ? -1 : data.read();
                partNumber++;
                if (len == 0) {
                    break;
                }
            }
            if (length >= 0 && total != length) {
                throw new IOException("expected " + length + " bytes but got " + total + " for " + key);
            }
            String wholeCrc = encode(whole.getValue());
            try {
                s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(k).uploadId(uploadId)
                        .checksumCRC32(wholeCrc).checksumType(ChecksumType.FULL_OBJECT)
                        .multipartUpload(m -> m.parts(parts)));
            } catch (SdkException e) {
                throw io("cannot complete the upload of " + key, e);
            }
            completed = true;
        } finally {
            if (!completed) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(k).uploadId(uploadId));
                } catch (SdkException e) {
                    // A lifecycle rule (AbortIncompleteMultipartUpload) removes what is left.
                    LOG.warn("could not abort the upload of {}: {}", key, e.getMessage());
                }
            }
        }
    }

    private static RequestBody body(byte[] buf, int len) {
        // A fresh stream per attempt lets the SDK retry without copying the part.
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, len), len,
                "application/octet-stream");
    }

    @Override
    public boolean delete(String key) throws IOException {
        String k = objectKey(key);
        if (head(k).isEmpty()) {
            return false;
        }
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(k));
            return true;
        } catch (SdkException e) {
            throw io("cannot delete " + key, e);
        }
    }

    @Override
    public CasOutcome compareAndSet(String key, String expectedVersion, byte[] value) {
        String k = objectKey(key);
        PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(settings.bucket()).key(k)
                .contentLength((long) value.length).checksumCRC32(crc32(value, value.length));
        if (expectedVersion == null) {
            req.ifNoneMatch("*");
        } else {
            req.ifMatch(expectedVersion);
        }
        try {
            String etag = s3Once.putObject(req.build(), body(value, value.length)).eTag();
            return new CasOutcome.Committed(etag);
        } catch (S3Exception e) {
            int status = e.statusCode();
            // 412: the precondition failed. 409: a concurrent conditional write to the key won.
            // 404: If-Match on a key that is gone. In each case nothing was written.
            if (status == 412 || status == 409 || (status == 404 && expectedVersion != null)) {
                return new CasOutcome.Conflict(currentVersion(k));
            }
            return new CasOutcome.Unknown(e);
        } catch (SdkException e) {
            return new CasOutcome.Unknown(e);
        }
    }

    private String currentVersion(String objectKey) {
        try {
            return head(objectKey).map(HeadObjectResponse::eTag).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public void close() {
        s3.close();
        s3Once.close();
        http.close();
    }

    // ------------------------------------------------------------------ checksums

    static String crc32(byte[] b, int len) {
        CRC32 c = new CRC32();
        c.update(b, 0, len);
        return encode(c.getValue());
    }

    /** S3's encoding of a CRC32: the four big-endian bytes, base64. */
    static String encode(long crc) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc).array());
    }

    /** Turns the SDK's unchecked errors on a response stream into IOExceptions; aborts when closed early. */
    private static final class SdkErrorsAsIo extends java.io.FilterInputStream {
        private final ResponseInputStream<?> raw;
        private boolean eof;

        SdkErrorsAsIo(InputStream in, ResponseInputStream<?> raw) {
            super(in);
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                eof |= b < 0;
                return b;
            } catch (SdkException e) {
                throw translate(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                eof |= n < 0;
                return n;
            } catch (SdkException e) {
                throw translate(e);
            }
        }

        private static IOException translate(SdkException e) {
            // The SDK's own response validation reports a mismatch as an unchecked exception.
            String m = String.valueOf(e.getMessage());
            return m.contains("checksum") ? new ChecksumMismatchException(m, e) : new IOException(m, e);
        }

        @Override
        public void close() throws IOException {
            if (!eof) {
                // Dropping the connection is cheaper than draining the rest of a large object.
                raw.abort();
            }
            super.close();
        }
    }
}
