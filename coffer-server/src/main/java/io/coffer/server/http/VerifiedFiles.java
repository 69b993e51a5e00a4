package io.coffer.server.http;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No byte of a stored file is served before the file matched its manifest checksum. The first read of a file
 * (full or a Range) reads it through once and compares; a file that verified is remembered for a while (so a
 * hot file is not read twice per download), and every full download is verified again while it streams, with
 * its last buffer held back: a file damaged after it verified ends the response short of its Content-Length,
 * which every client sees as a failed download, never as a good 200.
 */
final class VerifiedFiles {
    private static final Logger LOG = LoggerFactory.getLogger(VerifiedFiles.class);
    /** How long a verification is trusted (bit rot does not change a file's size or time stamps). */
    static final long TRUST_MILLIS = Long.getLong("coffer.http.verifiedTrustSeconds", 600) * 1000;
    private static final int MAX_ENTRIES = 10_000;
    private static final int BUFFER = 64 * 1024;

    private final DataStore store;
    private final ConcurrentHashMap<String, Long> verifiedAt = new ConcurrentHashMap<>();

    VerifiedFiles(DataStore store) {
        this.store = store;
    }

    /** Throws {@link ErrorCode#CORRUPT} (nothing sent yet) unless the file matches its manifest. */
    void require(Revision rev, String path) throws IOException {
        String key = rev.dataset() + "/" + rev.dir() + "/" + path;
        long now = System.currentTimeMillis();
        Long at = verifiedAt.get(key);
        if (at != null && now - at < TRUST_MILLIS) {
            return;
        }
        byte[] buf = new byte[BUFFER];
        try (InputStream in = store.open(rev, path)) {
            while (in.read(buf) >= 0) {
                // the stream compares size and SHA-256 at its end
            }
        } catch (CofferException e) {
            verifiedAt.remove(key);
            if (e.code() == ErrorCode.CORRUPT) {
                LOG.error("refused to serve {}: {}", key, e.getMessage());
            }
            throw e;
        }
        if (verifiedAt.size() >= MAX_ENTRIES) {
            verifiedAt.clear();
        }
        verifiedAt.put(key, now);
    }

    /**
     * Copies a verifying stream, writing each buffer only once the next read succeeded: the failure at the end
     * of a damaged stream comes before its last bytes are written. Never writes more than {@code expected}.
     */
    static void copy(InputStream in, OutputStream out, long expected) throws IOException {
        byte[] held = new byte[BUFFER];
        byte[] next = new byte[BUFFER];
        int heldLen = 0;
        long total = 0;
        int n;
        while ((n = in.readNBytes(next, 0, BUFFER)) > 0) {
            total += n;
            if (total > expected) {
                throw new CofferException(ErrorCode.CORRUPT, "stored file is longer than its manifest says");
            }
            if (heldLen > 0) {
                out.write(held, 0, heldLen);
            }
            byte[] t = held;
            held = next;
            next = t;
            heldLen = n;
        }
        // readNBytes returned 0: the stream ended and passed its checksum (it throws otherwise).
        if (in.read() >= 0) {
            throw new CofferException(ErrorCode.CORRUPT, "stored file is longer than its manifest says");
        }
        if (heldLen > 0) {
            out.write(held, 0, heldLen);
        }
    }
}
