package io.coffer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesAndPathsTest {
    @ParameterizedTest
    @ValueSource(strings = {"ukgov", "a", "gov-uk_2024", "0abc", "a23456789012345678901234567890123456789012345678901234567890123"})
    void validNames(String s) {
        assertThat(DatasetId.isValidName(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "_x", "UK", "a b", "..", "%2e%2e", "a/b", "a\u0000", "é", "a.b",
            "a2345678901234567890123456789012345678901234567890123456789012345"})
    void invalidNames(String s) {
        assertThat(DatasetId.isValidName(s)).isFalse();
        assertThatThrownBy(() -> DatasetId.of(s, "x")).isInstanceOf(CofferException.class)
                .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.INVALID_NAME);
    }

    @Test
    void parsesBothSeparators() {
        assertThat(DatasetId.parse("ukgov/cra")).isEqualTo(DatasetId.of("ukgov", "cra"));
        assertThat(DatasetId.parse("ukgov:cra")).isEqualTo(DatasetId.of("ukgov", "cra"));
        assertThatThrownBy(() -> DatasetId.parse("nocolon")).isInstanceOf(CofferException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "a/../../b", "/etc/passwd", "a//b", "./a", "a/.", "C:/x", "a\\b",
            "a\u0000b", "~/x", ""})
    void unsafePathsAreRefused(String p) {
        assertThat(PackagePath.isValid(p)).isFalse();
    }

    @Test
    void ordinaryPathsAreAccepted() {
        assertThat(PackagePath.of("data/gastos_v40_2012-2015.csv").fileName()).isEqualTo("gastos_v40_2012-2015.csv");
        assertThat(PackagePath.isValid("MFBudzetIRebalansNaRMmk-MK.csv")).isTrue();
        assertThat(PackagePath.isValid("données/año 2015.csv")).isTrue();
    }

    @Property
    void slugsAreAlwaysValidNames(@ForAll String any) {
        assertThat(DatasetId.isValidName(DatasetId.slugify(any))).isTrue();
    }

    @Property
    void validPathsNeverClimb(@ForAll String any) {
        if (PackagePath.isValid(any)) {
            assertThat(java.nio.file.Path.of("/root").resolve(any).normalize().startsWith("/root")).isTrue();
        }
    }
}
