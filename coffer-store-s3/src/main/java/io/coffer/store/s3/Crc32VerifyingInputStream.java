package io.coffer.store.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/**
 * Computes the CRC32 of everything read and, at the end of the stream, compares it (and the length) with
 * what the object store recorded at upload; a mismatch fails the read instead of ending it quietly.
 */
final class Crc32VerifyingInputStream extends FilterInputStream {
    private final CRC32 crc = new CRC32();
    private final String expected;
    private final Long expectedLength;
    private final String key;
    private long count;
    private boolean checked;

    Crc32VerifyingInputStream(InputStream in, String expectedBase64, Long expectedLength, String key) {
        super(in);
        this.expected = expectedBase64;
        this.expectedLength = expectedLength;
        this.key = key;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            check();
        } else {
            crc.update(b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            check();
        } else {
            crc.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still be checksummed.
        byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        if (expectedLength != null && count != expectedLength) {
            throw new ChecksumMismatchException("object " + key + " ended after " + count + " of " + expectedLength + " bytes", null);
        }
        String actual = S3BlobStore.encode(crc.getValue());
        if (!actual.equals(expected)) {
            throw new ChecksumMismatchException("object " + key + " does not match its stored CRC32 checksum (corrupt)", null);
        }
    }
}
