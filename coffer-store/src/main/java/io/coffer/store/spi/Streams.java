package io.coffer.store.spi;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Small stream helpers shared by every module that reads package files. */
public final class Streams {
    private Streams() {
    }

    /** Skips a UTF-8 byte-order mark, if the stream starts with one. */
    public static BufferedInputStream skipUtf8Bom(InputStream raw) throws IOException {
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw);
        in.mark(3);
        byte[] b = in.readNBytes(3);
        if (!(b.length == 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF)) {
            in.reset();
        }
        return in;
    }

    /** A resource's declared {@code encoding}, or UTF-8 when absent or unknown. */
    public static Charset charset(String encoding) {
        if (encoding == null || encoding.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(encoding.trim().toLowerCase(Locale.ROOT).replace("utf8", "utf-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Counts the bytes read through it. */
    public static final class Counting extends FilterInputStream {
        private long count;

        public Counting(InputStream in) {
            super(in);
        }

        public long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
