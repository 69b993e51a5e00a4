package io.coffer.server.http;

import io.coffer.meta.auth.DatasetService;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.PackagePath;
import io.coffer.store.PackageSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Uploads of a package as one zip ({@code datapackage.json} and its files, at the top or inside one
 * folder). The request body is streamed, never buffered whole: its bytes are counted against the limit
 * while reading, and so are the bytes unpacked from it (a small zip may expand enormously), into a
 * temporary folder that is removed afterwards.
 */
final class Uploads {
    static final int MAX_ENTRIES = 10_000;

    private Uploads() {
    }

    /** Refuses a declared body over the limit before a byte is read. */
    static void checkDeclaredLength(long contentLength, long maxBytes) {
        if (contentLength > maxBytes) {
            throw tooLarge(maxBytes);
        }
    }

    static void checkZip(String contentType) {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (!ct.startsWith("application/zip") && !ct.startsWith("application/x-zip-compressed")) {
            throw new CofferException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send the package as one zip (Content-Type: application/zip)");
        }
    }

    static Staged stageZip(InputStream body, long maxBytes, Path tmpRoot) throws IOException {
        Unzipped u = unzip(body, maxBytes, tmpRoot);
        return new Staged(u, PackageSource.directory(u.root()));
    }

    /** An unpacked upload as a package to publish; {@link #root()} is the package's folder. */
    record Staged(Unzipped unzipped, PackageSource source) implements DatasetService.StagedPackage {
        Path root() {
            return unzipped.root();
        }

        @Override
        public void close() {
            deleteTree(unzipped.dir());
        }
    }

    /** An unpacked upload: the temporary folder (to delete) and the package root inside it. */
    record Unzipped(Path dir, Path root) {
    }

    static Unzipped unzip(InputStream body, long maxBytes, Path tmpRoot) throws IOException {
        Files.createDirectories(tmpRoot);
        Path dir = Files.createTempDirectory(tmpRoot, "upload-");
        try {
            long unpacked = 0;
            int entries = 0;
            try (ZipInputStream zip = new ZipInputStream(new LimitedInputStream(body, maxBytes))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (++entries > MAX_ENTRIES) {
                        throw CofferException.badRequest("the zip has more than " + MAX_ENTRIES + " entries");
                    }
                    if (e.isDirectory()) {
                        continue;
                    }
                    PackagePath p = PackagePath.of(e.getName());
                    Path target = dir.resolve(p.value()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new CofferException(ErrorCode.INVALID_PATH, "zip entry escapes the package: " + p);
                    }
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW)) {
                        byte[] buf = new byte[64 * 1024];
                        for (int n; (n = zip.read(buf)) > 0; ) {
                            unpacked += n;
                            if (unpacked > maxBytes) {
                                throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE,
                                        "the package unpacks to more than " + maxBytes + " bytes");
                            }
                            out.write(buf, 0, n);
                        }
                    } catch (java.nio.file.FileAlreadyExistsException x) {
                        throw CofferException.badRequest("the zip holds '" + p + "' twice");
                    }
                }
            } catch (ZipException e) {
                throw CofferException.badRequest("the body is not a valid zip: " + e.getMessage());
            }
            if (entries == 0) {
                throw CofferException.badRequest("the body is not a zip, or an empty one");
            }
            return new Unzipped(dir, packageRoot(dir));
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** The folder holding datapackage.json: the top of the zip, or its only folder (as `zip -r x.zip dir/` makes). */
    private static Path packageRoot(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("datapackage.json"))) {
            return dir;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> children = s.toList();
            if (children.size() == 1 && Files.isRegularFile(children.getFirst().resolve("datapackage.json"))) {
                return children.getFirst();
            }
        }
        throw new CofferException(ErrorCode.INVALID_DESCRIPTOR,
                "the zip has no datapackage.json at its top (or inside its only folder)");
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: the temp folder is cleaned by the OS otherwise
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }

    static CofferException tooLarge(long maxBytes) {
        return new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "uploads are limited to " + maxBytes + " bytes");
    }

    /** Counts bytes as they are read and fails with 413 past the limit (chunked bodies declare no length). */
    static final class LimitedInputStream extends FilterInputStream {
        private final long max;
        private long count;

        LimitedInputStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            add(s);
            return s;
        }

        private void add(long n) {
            count += n;
            if (count > max) {
                throw tooLarge(max);
            }
        }
    }
}
