package io.coffer.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds ../shared/corpus from wherever the tests run. */
public final class Corpus {
    private Corpus() {
    }

    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path c = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(c)) {
                return c;
            }
            p = p.getParent();
        }
        Assumptions.abort("shared corpus not found");
        return null;
    }

    public static Path get(String name) {
        return root().resolve(name);
    }
}
