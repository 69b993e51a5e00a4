package io.coffer.loader;

import java.nio.file.Path;

/**
 * Bounds of a validation run.
 *
 * @param maxErrorsPerType errors kept per type and table (all are counted); default 100
 * @param keyMemoryBytes   memory for primary-key and unique checks before they spill to disk; default 64 MiB
 * @param tempDir          where spilled key files go; null for the system temp directory
 */
public record ValidationOptions(int maxErrorsPerType, long keyMemoryBytes, Path tempDir) {
    public static final ValidationOptions DEFAULT = new ValidationOptions(100, 64L << 20, null);

    public ValidationOptions {
        if (maxErrorsPerType < 1) {
            throw new IllegalArgumentException("maxErrorsPerType must be at least 1, got " + maxErrorsPerType);
        }
        if (keyMemoryBytes < 1 << 20) {
            throw new IllegalArgumentException("keyMemoryBytes must be at least 1 MiB, got " + keyMemoryBytes);
        }
    }

    public ValidationOptions withMaxErrorsPerType(int n) {
        return new ValidationOptions(n, keyMemoryBytes, tempDir);
    }

    public ValidationOptions withKeyMemoryBytes(long bytes) {
        return new ValidationOptions(maxErrorsPerType, bytes, tempDir);
    }
}
