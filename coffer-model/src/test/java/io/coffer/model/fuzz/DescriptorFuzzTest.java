package io.coffer.model.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.DescriptorValidator;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the descriptor reader and the name/path gates. In {@code ./mvnw verify} they run in
 * regression mode over the seeds in {@code src/test/resources/io/coffer/model/fuzz/DescriptorFuzzTestInputs};
 * {@code JAZZER_FUZZ=1 ./mvnw -pl coffer-model test -Dtest=DescriptorFuzzTest} fuzzes for real (see
 * docs/robustness.md). The only allowed failure is a {@link CofferException}: anything else escaping is a bug.
 */
class DescriptorFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void descriptorReaderOnlyFailsWithCofferException(byte[] input) {
        try {
            DataPackage pkg = DataPackage.read(input);
            // Whatever parsed must write and re-read to the same records.
            DataPackage again = DataPackage.read(pkg.toBytes());
            if (!again.toJson().equals(pkg.toJson())) {
                throw new IllegalStateException("descriptor does not round-trip");
            }
            DescriptorValidator.check(Json.parse(input, "fuzz"));
        } catch (CofferException expected) {
            // a report, not a crash
        }
    }

    @FuzzTest(maxDuration = "30s")
    void namesAndPathsNeverLetAnEscapeThrough(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8);
        if (PackagePath.isValid(s)) {
            java.nio.file.Path root = java.nio.file.Path.of("/srv/store");
            if (!root.resolve(s).normalize().startsWith(root) || s.contains("\\") || s.contains("\0")) {
                throw new IllegalStateException("unsafe path accepted: " + s);
            }
        }
        if (DatasetId.isValidName(s) && !s.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new IllegalStateException("bad name accepted: " + s);
        }
        try {
            DatasetId.parse(s);
        } catch (CofferException expected) {
            // refused with a message
        }
    }
}
