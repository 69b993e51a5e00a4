package io.coffer.testing;

import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * S3Proxy middleware (its own {@link ForwardingBlobStore} extension point) that gives the in-memory backend
 * the per-key atomicity real S3 has. S3Proxy 4.1.0 checks {@code If-Match} on PutObject in its HTTP handler,
 * apart from the backend's write, so two racing PUTs with the same ETag can both succeed; and a GET can
 * pair one version's ETag and checksum with another version's bytes. Both were measured: 3 of 50 rounds of
 * 8 racing {@code If-Match} PUTs had several winners, and a few in 2000 GETs during writes were torn.
 *
 * <p>This runs inside the S3 server, not in Coffer's client: the client still sends plain conditional
 * PUTs over HTTP and the server alone decides. Here each key's operations run one at a time, and the
 * {@code If-Match} precondition is checked again under that key's lock, right before the write, as
 * S3 does. {@code If-None-Match: *} is already atomic in the backend.
 */
public final class PerKeyAtomicBlobStore extends ForwardingBlobStore {
    private final ReentrantLock[] stripes = new ReentrantLock[256];

    public PerKeyAtomicBlobStore(BlobStore delegate) {
        super(delegate);
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    private ReentrantLock lock(String bucket, String key) {
        ReentrantLock l = stripes[Math.floorMod((bucket + "/" + key).hashCode(), stripes.length)];
        l.lock();
        return l;
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        ReentrantLock l = lock(request.bucket(), request.key());
        try {
            if (request.ifMatch() != null) {
                HeadObjectResponse current = delegate().blobMetadataIfPresent(request.bucket(), request.key());
                if (current == null) {
                    throw S3Exceptions.noSuchKey(request.bucket(), request.key(), null);
                }
                if (!unquote(request.ifMatch()).equals(unquote(current.eTag()))) {
                    throw S3Exceptions.fromStatusCode(412);
                }
            }
            return delegate().putBlob(request, input);
        } finally {
            l.unlock();
        }
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        ReentrantLock l = lock(request.bucket(), request.key());
        try {
            // The returned stream reads a file that a later write replaces by rename, so it stays whole.
            return delegate().getBlob(request);
        } finally {
            l.unlock();
        }
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        ReentrantLock l = lock(request.bucket(), request.key());
        try {
            return delegate().blobMetadata(request);
        } finally {
            l.unlock();
        }
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        ReentrantLock l = lock(request.bucket(), request.key());
        try {
            return delegate().removeBlob(request);
        } finally {
            l.unlock();
        }
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload mpu,
            CompleteMultipartUploadRequest request) {
        ReentrantLock l = lock(mpu.containerName(), mpu.blobName());
        try {
            return delegate().completeMultipartUpload(mpu, request);
        } finally {
            l.unlock();
        }
    }
}
