package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
    private long now;

    @Test
    void terminalDrawsABarWithRateAndEta() {
        TerminalProgress p = new TerminalProgress(new PrintStream(new ByteArrayOutputStream()), true, () -> now);
        p.start("infer", 100_000_000);
        now = 2_000_000_000L;
        assertThat(p.line(1_000_000, 25_000_000, now))
                .isEqualTo("infer: [=======>                      ]  25% 1,000,000 rows, 25.0 MB of 100.0 MB, 12.5 MB/s, ETA 0:06");
    }

    @Test
    void logModePrintsPlainLinesEveryFewSeconds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgress p = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> now);
        p.start("validate", -1);
        now = 1_000_000_000L;
        p.progress(10, 1_000_000);
        now = 6_000_000_000L;
        p.progress(20, 6_000_000);
        now = 8_000_000_000L;
        p.finish(30, 8_000_000);
        assertThat(bytes.toString(StandardCharsets.UTF_8).split("\n")).containsExactly(
                "validate: 20 rows, 6.0 MB, 1.0 MB/s",
                "validate: 30 rows, 8.0 MB in 8.0 s (1.0 MB/s)");
    }
}
