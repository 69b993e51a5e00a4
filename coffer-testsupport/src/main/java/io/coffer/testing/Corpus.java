package io.coffer.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared corpus of real public datasets: {@code COFFER_CORPUS}, else {@code shared/corpus}
 * beside the checkout or one of its ancestors, else {@code /work/shared/corpus}. Missing in CI
 * ({@code CI=true}) is an error, not a skip: the corpus tests are acceptance tests.
 */
public final class Corpus {
    private Corpus() {
    }

    /** The corpus directory, or null when absent outside CI. */
    public static Path find() {
        String env = System.getenv("COFFER_CORPUS");
        if (env != null && Files.isDirectory(Path.of(env))) {
            return Path.of(env).toAbsolutePath();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path c = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(c)) {
                return c;
            }
            p = p.getParent();
        }
        Path fixed = Path.of("/work/shared/corpus");
        if (Files.isDirectory(fixed)) {
            return fixed;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("shared corpus not found: set COFFER_CORPUS");
        }
        return null;
    }

    /** The corpus directory; aborts the test (skip) when absent outside CI. */
    public static Path root() {
        Path c = find();
        Assumptions.assumeTrue(c != null, "shared corpus not found (set COFFER_CORPUS)");
        return c;
    }

    public static Path get(String name) {
        return root().resolve(name);
    }
}
