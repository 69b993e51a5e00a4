package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyIndexTest {
    @TempDir
    Path dir;

    @Test
    void findsEveryDuplicateInMemoryAndAfterSpilling() {
        for (long budget : new long[] {64L << 20, 1L << 16}) {
            long[] count = {0};
            List<KeyIndex.Duplicate> d;
            try (KeyIndex idx = new KeyIndex(budget, dir)) {
                for (int i = 0; i < 20_000; i++) {
                    idx.add("k" + (i % 15_000), i + 2);
                }
                idx.add("k7", 30_000);
                d = idx.duplicates(3, () -> count[0]++);
                assertThat(idx.spilled()).isEqualTo(budget < 1 << 20);
            }
            assertThat(count[0]).isEqualTo(5_001);
            assertThat(d).containsExactly(new KeyIndex.Duplicate(15_002, 2, "k0"),
                    new KeyIndex.Duplicate(15_003, 3, "k1"), new KeyIndex.Duplicate(15_004, 4, "k2"));
        }
    }

    @Test
    void manyRepeatsOfOneKeyStayLinear() {
        try (KeyIndex idx = new KeyIndex(64L << 20, dir)) {
            for (int i = 0; i < 200_000; i++) {
                idx.add("same", i);
            }
            long[] n = {0};
            assertThat(idx.duplicates(1, () -> n[0]++)).containsExactly(new KeyIndex.Duplicate(1, 0, "same"));
            assertThat(n[0]).isEqualTo(199_999);
        }
    }
}
