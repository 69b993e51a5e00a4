package io.coffer.store.fs;

import io.coffer.store.spi.BlobInfo;
import io.coffer.store.spi.BlobKeys;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.BoundedInputStream;
import io.coffer.store.spi.CasOutcome;
import io.coffer.store.spi.Ref;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Blobs as plain files under a root directory, so a store can be browsed, backed up with rsync and
 * served by any web server. Writes go to a temporary file, are fsynced, then renamed into place
 * atomically; compare-and-set holds an OS file lock (other processes) and a striped lock (this process).
 * Housekeeping lives in {@code .coffer/} at the root and never appears in listings.
 */
public final class FileSystemBlobStore implements BlobStore {
    private static final String META = ".coffer";
    private final Path root;
    private final Path tmp;
    private final Path locks;
    private final ReentrantLock[] stripes = new ReentrantLock[64];

    public FileSystemBlobStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve(META).resolve("tmp");
        this.locks = this.root.resolve(META).resolve("locks");
        Files.createDirectories(tmp);
        Files.createDirectories(locks);
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    public Path root() {
        return root;
    }

    private Path file(String key) {
        BlobKeys.check(key);
        if (key.equals(META) || key.startsWith(META + "/")) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.INVALID_PATH, "reserved key");
        }
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.INVALID_PATH, "key escapes the store");
        }
        return p;
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        Path p = file(key);
        try {
            return Optional.of(Files.newInputStream(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (Files.isDirectory(p)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<InputStream> open(String key, long offset, long length) throws IOException {
        Path p = file(key);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ);
        try {
            ch.position(Math.min(offset, ch.size()));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return Optional.of(new BoundedInputStream(Channels.newInputStream(ch), length));
    }

    @Override
    public Optional<BlobInfo> stat(String key) throws IOException {
        Path p = file(key);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new BlobInfo(key, a.size(),
                    Long.toHexString(a.lastModifiedTime().toMillis()) + "-" + Long.toHexString(a.size())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        Path target = file(key);
        Path t = writeTemp(data, length);
        try {
            Files.createDirectories(target.getParent());
            move(t, target);
        } finally {
            Files.deleteIfExists(t);
        }
    }

    private Path writeTemp(InputStream data, long length) throws IOException {
        Path t = tmp.resolve(UUID.randomUUID().toString());
        try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = Channels.newOutputStream(ch)) {
            long n = data.transferTo(out);
            if (length >= 0 && n != length) {
                throw new IOException("expected " + length + " bytes but got " + n);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(t);
            throw e;
        }
        return t;
    }

    private void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the store directory must be on a file system with atomic rename", e);
        }
        fsyncDir(to.getParent());
    }

    private static void fsyncDir(Path dir) {
        // Makes the rename durable; some platforms cannot open directories, which is fine there.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public List<BlobInfo> list(String prefix, int limit) throws IOException {
        BlobKeys.checkPrefix(prefix);
        Path base = prefix.isEmpty() ? root : file(prefix.substring(0, prefix.length() - 1));
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        List<BlobInfo> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
                String key = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                if (key.startsWith(META + "/")) {
                    continue;
                }
                out.add(new BlobInfo(key, Files.size(p), null));
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public List<String> children(String prefix) throws IOException {
        BlobKeys.checkPrefix(prefix);
        Path base = prefix.isEmpty() ? root : file(prefix.substring(0, prefix.length() - 1));
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(base)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.equals(META)) {
                    out.add(n);
                }
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public boolean delete(String key) throws IOException {
        Path p = file(key);
        boolean existed = Files.deleteIfExists(p);
        // Prune empty parent directories so deleted datasets leave no trace.
        Path dir = p.getParent();
        while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
            try {
                Files.delete(dir);
            } catch (IOException e) {
                break;
            }
            dir = dir.getParent();
        }
        return existed;
    }

    @Override
    public Optional<Ref> getRef(String key) throws IOException {
        Path p = file(key);
        try {
            byte[] b = Files.readAllBytes(p);
            return Optional.of(new Ref(b, sha256(b)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public CasOutcome compareAndSet(String key, String expectedVersion, byte[] value) {
        Path target = file(key);
        ReentrantLock local = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        local.lock();
        try (FileChannel lockCh = FileChannel.open(locks.resolve(sha256(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockCh.lock()) {
            String current = null;
            try {
                current = sha256(Files.readAllBytes(target));
            } catch (NoSuchFileException e) {
                // absent
            }
            boolean matches = expectedVersion == null ? current == null : expectedVersion.equals(current);
            if (!matches) {
                return new CasOutcome.Conflict(current);
            }
            Path t = writeTemp(new java.io.ByteArrayInputStream(value), value.length);
            try {
                Files.createDirectories(target.getParent());
                move(t, target);
            } catch (IOException e) {
                Files.deleteIfExists(t);
                return new CasOutcome.Unknown(e);
            }
            return new CasOutcome.Committed(sha256(value));
        } catch (IOException e) {
            // Could not take the lock or read the current value: nothing was written.
            return new CasOutcome.Unknown(e);
        } finally {
            local.unlock();
        }
    }

    @Override
    public String describe() {
        return "filesystem " + root;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
