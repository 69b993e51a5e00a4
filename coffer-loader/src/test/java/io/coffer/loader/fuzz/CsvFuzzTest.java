package io.coffer.loader.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coffer.loader.CsvFormat;
import io.coffer.loader.ProgressListener;
import io.coffer.loader.Report;
import io.coffer.loader.Sniffer;
import io.coffer.loader.ValidationOptions;
import io.coffer.loader.Validator;
import io.coffer.model.CofferException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes as a CSV: the sniffer answers, and validating the file (inference + structural checks)
 * yields a report; the only exception allowed out is a CofferException. Regression mode in verify;
 * {@code JAZZER_FUZZ=1 ./mvnw -pl coffer-loader -am test -Dtest=CsvFuzzTest} fuzzes (docs/robustness.md).
 */
class CsvFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void sniffAndValidateNeverThrowAnythingElse(byte[] input) throws Exception {
        CsvFormat f = Sniffer.sniff(input, input.length, true);
        if (f == null) {
            throw new IllegalStateException("no format");
        }
        Path tmp = Files.createTempFile("fuzz", ".csv");
        try {
            Files.write(tmp, input);
            Report r = Validator.validateCsv(tmp, ValidationOptions.DEFAULT.withMaxErrorsPerType(5), ProgressListener.NONE);
            if (r == null) {
                throw new IllegalStateException("no report");
            }
        } catch (CofferException expected) {
            // refused with a message
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
