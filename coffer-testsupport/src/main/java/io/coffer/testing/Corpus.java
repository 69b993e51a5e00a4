package io.coffer.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's test data ({@code testdata/}: real public datasets, each with its SOURCE.txt).
 * It is part of every clone, so a missing folder is an error that fails the test, never a skip.
 */
public final class Corpus {
    private Corpus() {
    }

    /** {@code testdata/} of the checkout: the nearest ancestor of the working directory holding it. */
    public static Path root() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path c = p.resolve("testdata");
            if (Files.isDirectory(c) && Files.exists(p.resolve("mvnw"))) {
                return c;
            }
        }
        throw new IllegalStateException("test data not found: no testdata/ folder in " + start
                + " or above it; run the tests from a full clone of the repository");
    }

    /** One dataset folder of {@code testdata/}; fails when it is missing. */
    public static Path get(String name) {
        Path p = root().resolve(name);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("test data set missing: " + p);
        }
        return p;
    }
}
