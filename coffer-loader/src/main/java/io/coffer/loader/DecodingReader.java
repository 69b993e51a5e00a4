package io.coffer.loader;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Decodes a byte stream, skipping a byte-order mark, and keeps going past malformed bytes: each one is
 * counted (with the byte offset of the first) and read as U+FFFD, so a single bad byte becomes one
 * {@code encoding-error} in a report instead of an aborted load. {@code InputStreamReader} can only fail
 * or replace silently.
 */
final class DecodingReader extends Reader {
    private static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private long streamBytes;
    private boolean eof;
    private boolean flushed;
    private long malformed;
    private long firstMalformedOffset = -1;
    private final int bomLength;

    DecodingReader(InputStream in, Charset charset) throws IOException {
        this.in = in;
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        bytes.limit(0);
        fill();
        byte[] head = new byte[Math.min(4, bytes.remaining())];
        bytes.get(bytes.position(), head);
        Charset bomCs = Encodings.bomCharset(head, head.length);
        int skip = 0;
        if (bomCs != null && sameFamily(bomCs, charset)) {
            skip = Encodings.bomLength(head, head.length);
        }
        bytes.position(bytes.position() + skip);
        this.bomLength = skip;
    }

    private static boolean sameFamily(Charset bom, Charset declared) {
        String d = declared.name().toUpperCase(java.util.Locale.ROOT);
        return bom.equals(declared) || (d.equals("UTF-16") && bom.name().startsWith("UTF-16"))
                || (d.equals("UTF-32") && bom.name().startsWith("UTF-32"));
    }

    /** Raw bytes taken from the stream so far (for progress). */
    long bytesRead() {
        return streamBytes;
    }

    long malformedCount() {
        return malformed;
    }

    /** Byte offset in the file of the first malformed sequence, or -1. */
    long firstMalformedOffset() {
        return firstMalformedOffset;
    }

    int bomLength() {
        return bomLength;
    }

    private void fill() throws IOException {
        bytes.compact();
        try {
            while (bytes.hasRemaining()) {
                int n = in.read(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                    break;
                }
                streamBytes += n;
                bytes.position(bytes.position() + n);
                if (n > 0 && bytes.position() > 0) {
                    break;
                }
            }
        } finally {
            bytes.flip();
        }
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (out.hasRemaining()) {
            if (flushed) {
                break;
            }
            CoderResult r = decoder.decode(bytes, out, eof);
            if (r.isError()) {
                if (firstMalformedOffset < 0) {
                    firstMalformedOffset = streamBytes - bytes.remaining();
                }
                malformed++;
                bytes.position(bytes.position() + r.length());
                out.put('\uFFFD');
                continue;
            }
            if (r.isOverflow()) {
                break;
            }
            // Underflow: more input needed.
            if (eof) {
                CoderResult f = decoder.flush(out);
                if (f.isOverflow()) {
                    break;
                }
                flushed = true;
                break;
            }
            if (out.position() > off) {
                // Hand back what we have rather than block on more input.
                break;
            }
            fill();
        }
        int n = out.position() - off;
        return n == 0 && flushed ? -1 : n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
