package io.coffer.store;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.PackagePath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where a package being published comes from: its descriptor bytes and a way to open its files. */
public interface PackageSource {
    byte[] descriptor() throws IOException;

    /** Opens a file of the package by its relative path, or empty when the package has no such file. */
    Optional<InputStream> open(PackagePath path) throws IOException;

    /** Size in bytes, or -1 when not known in advance. */
    long size(PackagePath path) throws IOException;

    /** A package directory, or the path of its {@code datapackage.json}. */
    static PackageSource directory(Path dirOrDescriptor) {
        Path p = dirOrDescriptor.toAbsolutePath().normalize();
        Path dir = Files.isDirectory(p) ? p : p.getParent();
        Path descriptor = Files.isDirectory(p) ? p.resolve("datapackage.json") : p;
        if (!Files.isRegularFile(descriptor)) {
            throw new CofferException(ErrorCode.NOT_FOUND, "no datapackage.json in " + dirOrDescriptor
                    + " (run 'coffer init' on a CSV to make one)");
        }
        return new PackageSource() {
            private Path resolve(PackagePath path) throws IOException {
                Path f = dir.resolve(path.value()).normalize();
                if (!f.startsWith(dir)) {
                    throw new CofferException(ErrorCode.INVALID_PATH, "path escapes the package: " + path);
                }
                if (Files.exists(f) && !f.toRealPath().startsWith(dir.toRealPath())) {
                    throw new CofferException(ErrorCode.INVALID_PATH, "path leads outside the package: " + path);
                }
                return f;
            }

            @Override
            public byte[] descriptor() throws IOException {
                long size = Files.size(descriptor);
                if (size > io.coffer.model.Json.MAX_DOCUMENT_BYTES) {
                    throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "datapackage.json is too large");
                }
                return Files.readAllBytes(descriptor);
            }

            @Override
            public Optional<InputStream> open(PackagePath path) throws IOException {
                Path f = resolve(path);
                return Files.isRegularFile(f) ? Optional.of(Files.newInputStream(f)) : Optional.empty();
            }

            @Override
            public long size(PackagePath path) throws IOException {
                Path f = resolve(path);
                return Files.isRegularFile(f) ? Files.size(f) : -1;
            }

            @Override
            public String toString() {
                return dir.toString();
            }
        };
    }

    /** An in-memory package, for tests and small programmatic publishes. */
    static PackageSource of(byte[] descriptor, Map<String, byte[]> files) {
        return new PackageSource() {
            @Override
            public byte[] descriptor() {
                return descriptor.clone();
            }

            @Override
            public Optional<InputStream> open(PackagePath path) {
                byte[] b = files.get(path.value());
                return b == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(b));
            }

            @Override
            public long size(PackagePath path) {
                byte[] b = files.get(path.value());
                return b == null ? -1 : b.length;
            }
        };
    }
}
