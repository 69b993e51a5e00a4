package io.coffer.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeZipTest {
    @TempDir
    Path tmp;

    static byte[] zip(String[] names, byte[]... contents) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            for (int i = 0; i < names.length; i++) {
                z.putNextEntry(new ZipEntry(names[i]));
                z.write(contents[Math.min(i, contents.length - 1)]);
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    List<Path> everything() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void extractsOrdinaryArchives() throws Exception {
        byte[] z = zip(new String[] {"pkg/datapackage.json", "pkg/data/a.csv"}, "{}".getBytes(), "a\n1\n".getBytes());
        List<String> out = SafeZip.extract(new ByteArrayInputStream(z), tmp.resolve("x"), SafeZip.Limits.DEFAULT);
        assertThat(out).containsExactly("pkg/datapackage.json", "pkg/data/a.csv");
        assertThat(Files.readString(tmp.resolve("x/pkg/data/a.csv"))).isEqualTo("a\n1\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.txt", "ok/../../evil.txt", "/etc/evil.txt", "..\\evil.txt", "C:/evil.txt", "a//b.txt"})
    void zipSlipIsRefusedAndWritesNothingOutside(String name) throws Exception {
        byte[] z = zip(new String[] {"fine.txt", name}, "x".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> SafeZip.extract(new ByteArrayInputStream(z), tmp.resolve("x"), SafeZip.Limits.DEFAULT))
                .isInstanceOf(CofferException.class).hasMessageContaining("zip slip");
        assertThat(everything()).allMatch(p -> p.startsWith(tmp.resolve("x")));
        assertThat(Files.exists(tmp.resolve("evil.txt"))).isFalse();
    }

    @Test
    void zipBombsAreStoppedByRatio() throws Exception {
        byte[] zeros = new byte[64 * 1024 * 1024];
        byte[] z = zip(new String[] {"bomb.bin"}, zeros);
        assertThat(z.length).isLessThan(200_000);
        assertThatThrownBy(() -> SafeZip.extract(new ByteArrayInputStream(z), tmp.resolve("x"), SafeZip.Limits.DEFAULT))
                .isInstanceOf(CofferException.class).hasMessageContaining("compression ratio");
        // Stopped early: far less than the 64 MiB it would expand to.
        assertThat(Files.size(tmp.resolve("x/bomb.bin"))).isLessThan(16L * 1024 * 1024);
    }

    @Test
    void sizeAndCountCapsHold() throws Exception {
        byte[] big = zip(new String[] {"a.bin"}, new byte[2_000]);
        assertThatThrownBy(() -> SafeZip.extract(new ByteArrayInputStream(big), tmp.resolve("x"),
                new SafeZip.Limits(10_000, 1_000, 10, 1000))).hasMessageContaining("larger than 1000 bytes");
        byte[] many = zip(new String[] {"1", "2", "3"}, new byte[1]);
        assertThatThrownBy(() -> SafeZip.extract(new ByteArrayInputStream(many), tmp.resolve("y"),
                new SafeZip.Limits(10_000, 1_000, 2, 1000))).hasMessageContaining("more than 2 entries");
        // ZipOutputStream will not write duplicates: write two names, then make them equal in the bytes.
        byte[] dup = zip(new String[] {"dupAAAA", "dupBBBB"}, new byte[1]);
        String latin = new String(dup, StandardCharsets.ISO_8859_1).replace("dupBBBB", "dupAAAA");
        byte[] patched = latin.getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SafeZip.extract(new ByteArrayInputStream(patched), tmp.resolve("z"), SafeZip.Limits.DEFAULT))
                .isInstanceOf(CofferException.class).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> SafeZip.extract(new ByteArrayInputStream("not a zip".getBytes()), tmp.resolve("w"),
                SafeZip.Limits.DEFAULT)).isInstanceOf(CofferException.class);
    }
}
