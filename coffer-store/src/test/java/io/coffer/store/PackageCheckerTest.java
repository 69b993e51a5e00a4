package io.coffer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackageCheckerTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String descriptor(String resourceExtra, String fields) {
        return """
                {"name": "t", "resources": [{"name": "r", %s "schema": {"fields": [%s]}}]}
                """.formatted(resourceExtra, fields);
    }

    static final String AB = "{\"name\": \"a\"}, {\"name\": \"b\"}";

    @Test
    void matchingHeaderPasses() throws Exception {
        var src = PackageSource.of(b(descriptor("\"path\": \"d.csv\",", AB)), Map.of("d.csv", b("a,b\n1,2\n")));
        assertThat(PackageChecker.check(src.descriptor(), src).resources()).hasSize(1);
    }

    @Test
    void bomAndSemicolonWithoutDeclaredDialectAreSniffed() throws Exception {
        byte[] csv = b("\uFEFFa;b\r\n1;2\r\n");
        var src = PackageSource.of(b(descriptor("\"path\": \"d.csv\",", AB)), Map.of("d.csv", csv));
        assertThat(PackageChecker.check(src.descriptor(), src)).isNotNull();
    }

    @Test
    void declaredDialectIsTrustedNotSniffed() {
        var src = PackageSource.of(b(descriptor("\"path\": \"d.csv\", \"dialect\": {\"delimiter\": \",\"},", AB)),
                Map.of("d.csv", b("a;b\n1;2\n")));
        assertThatThrownBy(() -> PackageChecker.check(src.descriptor(), src)).isInstanceOf(CofferException.class)
                .hasMessageContaining("'a;b'");
    }

    @Test
    void missingFileReservedAndEscapingPathsAreRefused() {
        var missing = PackageSource.of(b(descriptor("\"path\": \"nope.csv\",", AB)), Map.of());
        assertThatThrownBy(() -> PackageChecker.check(missing.descriptor(), missing))
                .hasMessageContaining("file 'nope.csv' is not in the package");
        var reserved = PackageSource.of(b(descriptor("\"path\": \"@1/x.csv\",", AB)), Map.of("@1/x.csv", b("a,b\n")));
        assertThatThrownBy(() -> PackageChecker.check(reserved.descriptor(), reserved)).hasMessageContaining("reserved");
        var escape = PackageSource.of(b(descriptor("\"path\": \"../x.csv\",", AB)), Map.of());
        assertThatThrownBy(() -> PackageChecker.check(escape.descriptor(), escape))
                .isInstanceOf(CofferException.class).hasMessageContaining("invalid path");
    }

    @Test
    void urlOnlyResourceWithTheFileBesideItIsAccepted() throws Exception {
        var src = PackageSource.of(b(descriptor("\"url\": \"https://example.org/data/d.csv\",", AB)),
                Map.of("d.csv", b("a,b\n1,2\n")));
        assertThat(PackageChecker.localCopyOfUrl(PackageChecker.check(src.descriptor(), src).resources().get(0), src)
                .value()).isEqualTo("d.csv");
    }

    @Test
    void modelMustNameExistingFields() {
        String d = """
                {"name": "t", "resources": [{"name": "r", "path": "d.csv", "schema": {"fields": [{"name": "a"}]}}],
                 "model": {"measures": {"amount": {"source": "amt", "currency": "EUR"}}, "dimensions": {}}}
                """;
        var src = PackageSource.of(b(d), Map.of("d.csv", b("a\n1\n")));
        assertThatThrownBy(() -> PackageChecker.check(src.descriptor(), src)).isInstanceOf(CofferException.class)
                .hasMessageContaining("measure 'amount' uses field 'amt'")
                .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.INVALID_DESCRIPTOR);
    }

    @Test
    void descriptorThatIsNotAPackageIsRefused() {
        var src = PackageSource.of(b("{\"name\": \"t\"}"), Map.of());
        assertThatThrownBy(() -> PackageChecker.check(src.descriptor(), src)).isInstanceOf(CofferException.class)
                .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.INVALID_DESCRIPTOR);
        var notJson = PackageSource.of(b("{nope"), Map.of());
        assertThatThrownBy(() -> PackageChecker.check(notJson.descriptor(), notJson))
                .hasMessageContaining("not valid JSON");
    }
}
