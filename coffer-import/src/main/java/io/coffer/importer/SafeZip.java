package io.coffer.importer;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.PackagePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Extracts a zip stream into a fresh directory, refusing what would hurt: entry names that leave the
 * directory (zip slip: {@code ..}, absolute, backslashes — every name must be a {@link PackagePath}),
 * duplicate names, too many entries, too many bytes in all or in one entry, and compression ratios
 * typical of zip bombs. Limits are checked while inflating, so a bomb is stopped before it lands.
 */
public final class SafeZip {
    /** Bounds for one archive. */
    public record Limits(long maxTotalBytes, long maxEntryBytes, int maxEntries, int maxRatio) {
        public static final Limits DEFAULT = new Limits(2L << 30, 1L << 30, 10_000, 200);
    }

    private SafeZip() {
    }

    /** Extracts {@code zip} into {@code target} (created, must be empty); returns the relative paths written. */
    public static List<String> extract(InputStream zip, Path target, Limits limits) throws IOException {
        Files.createDirectories(target);
        Path root = target.toRealPath();
        io.coffer.store.spi.Streams.Counting compressed = new io.coffer.store.spi.Streams.Counting(zip);
        List<String> written = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(compressed)) {
            ZipEntry e;
            byte[] buf = new byte[64 * 1024];
            while ((e = in.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                if (!PackagePath.isValid(name)) {
                    throw refused("entry '" + printable(name) + "' would be written outside the target (zip slip)");
                }
                if (!seen.add(name)) {
                    throw refused("entry '" + printable(name) + "' appears twice");
                }
                if (written.size() >= limits.maxEntries()) {
                    throw refused("more than " + limits.maxEntries() + " entries");
                }
                Path out = root.resolve(name).normalize();
                if (!out.startsWith(root)) {
                    throw refused("entry '" + printable(name) + "' would be written outside the target (zip slip)");
                }
                Files.createDirectories(out.getParent());
                if (!out.getParent().toRealPath().startsWith(root)) {
                    throw refused("entry '" + printable(name) + "' goes through a link outside the target");
                }
                long entryBytes = 0;
                try (OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        entryBytes += n;
                        total += n;
                        if (entryBytes > limits.maxEntryBytes()) {
                            throw refused("entry '" + printable(name) + "' is larger than " + limits.maxEntryBytes() + " bytes");
                        }
                        if (total > limits.maxTotalBytes()) {
                            throw refused("archive expands to more than " + limits.maxTotalBytes() + " bytes");
                        }
                        // Ratio of inflated bytes to compressed bytes consumed so far; small files are exempt.
                        if (total > 1_000_000 && total / Math.max(1, compressed.count()) > limits.maxRatio()) {
                            throw refused("compression ratio above " + limits.maxRatio() + ":1 (zip bomb?)");
                        }
                        os.write(buf, 0, n);
                    }
                }
                written.add(name);
            }
        } catch (ZipException e) {
            throw new CofferException(ErrorCode.INVALID_DATA, "not a readable zip archive: " + e.getMessage(), e);
        }
        if (written.isEmpty()) {
            throw refused("the archive holds no files");
        }
        return written;
    }

    static CofferException refused(String why) {
        return new CofferException(ErrorCode.INVALID_DATA, "zip refused: " + why);
    }

    static String printable(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 120 ? t.substring(0, 120) + "..." : t;
    }
}
