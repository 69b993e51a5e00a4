package io.coffer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every descriptor of the shared corpus reads, validates against the vendored profile and round-trips. */
class CorpusDescriptorsTest {
    static Stream<Path> descriptors() throws Exception {
        Path c = io.coffer.testing.Corpus.root();
        try (Stream<Path> s = Files.walk(c, 2)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().equals("datapackage.json")).sorted().toList();
            return l.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("descriptors")
    void readsValidatesAndRoundTrips(Path descriptor) throws Exception {
        DataPackage pkg;
        try (InputStream in = Files.newInputStream(descriptor)) {
            pkg = DataPackage.read(in);
        }
        assertThat(pkg.resources()).isNotEmpty();
        assertThat(DescriptorValidator.validate(Json.parse(Files.readAllBytes(descriptor), "d"))).isEmpty();
        // Fiscal packages say 'model' or the older 'mapping'; the 2015 shorthand mapping is no model.
        var raw = Json.parse(Files.readAllBytes(descriptor), "d");
        if (raw.has("model") || raw.path("mapping").has("measures")) {
            assertThat(pkg.model()).isNotNull();
            assertThat(pkg.model().measures()).isNotEmpty();
        } else {
            assertThat(pkg.model()).isNull();
            assertThat(pkg.toJson().has("mapping")).isTrue();
        }
        DataPackage again = DataPackage.read(pkg.toBytes());
        assertThat(again.toJson()).isEqualTo(pkg.toJson());
        assertThat(again.model()).isEqualTo(pkg.model());
    }
}
