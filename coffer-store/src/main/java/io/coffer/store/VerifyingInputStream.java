package io.coffer.store;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Passes bytes through and, at the end of the stream, fails unless size and SHA-256 match the manifest. */
final class VerifyingInputStream extends FilterInputStream {
    private final FileEntry expected;
    private final MessageDigest md = DataStore.sha256();
    private long count;
    private boolean checked;

    VerifyingInputStream(InputStream in, FileEntry expected) {
        super(in);
        this.expected = expected;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            verify();
        } else {
            md.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            verify();
        } else {
            md.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping would bypass the digest; read through instead.
        byte[] buf = new byte[(int) Math.min(n, 8192)];
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

    private void verify() {
        if (checked) {
            return;
        }
        checked = true;
        String sha = HexFormat.of().formatHex(md.digest());
        if (count != expected.bytes() || !sha.equals(expected.sha256())) {
            throw new CofferException(ErrorCode.CORRUPT, "file '" + expected.path()
                    + "' does not match its checksum in the manifest");
        }
    }
}
