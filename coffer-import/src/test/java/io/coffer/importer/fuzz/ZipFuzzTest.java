package io.coffer.importer.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coffer.importer.SafeZip;
import io.coffer.model.CofferException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Any bytes as a zip: extraction writes only inside its target and within its caps, or refuses with a
 * CofferException/IOException. See docs/robustness.md for the fuzzing command.
 */
class ZipFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void extractionStaysInsideItsTarget(byte[] input) throws IOException {
        Path root = Files.createTempDirectory("zipfuzz");
        Path target = root.resolve("out");
        try {
            SafeZip.extract(new ByteArrayInputStream(input), target, new SafeZip.Limits(1 << 20, 1 << 19, 50, 100));
        } catch (CofferException | IOException expected) {
            // refused
        } finally {
            List<Path> all;
            try (Stream<Path> s = Files.walk(root)) {
                all = s.sorted(Comparator.reverseOrder()).toList();
            }
            for (Path p : all) {
                if (!p.startsWith(target) && !p.equals(root)) {
                    throw new IllegalStateException("written outside the target: " + p);
                }
                Files.deleteIfExists(p);
            }
        }
    }
}
