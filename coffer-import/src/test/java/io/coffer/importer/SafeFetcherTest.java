package io.coffer.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeFetcherTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1"})
    void privateAddressesAreNotPublic(String ip) throws Exception {
        assertThat(SafeFetcher.isPublic(InetAddress.getByName(ip))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"})
    void publicAddressesArePublic(String ip) throws Exception {
        assertThat(SafeFetcher.isPublic(InetAddress.getByName(ip))).isTrue();
    }

    @Test
    void onlyPlainLiteralsSkipPinning() {
        assertThat(List.of("127.0.0.1", "8.8.8.8", "255.255.255.255", "[::1]", "[2001:db8::1]"))
                .allMatch(SafeFetcher::isIpLiteral);
        // Anything else is treated as a name (pinned): at worst a literal is pinned needlessly.
        assertThat(List.of("example.org", "127.1", "1.2.3.4.5", "256.1.1.1", "010.1.1.1", "0x7f.0.0.1", "1.2.3.4.example"))
                .noneMatch(SafeFetcher::isIpLiteral);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]/x", "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "ftp://example.org/x",
            "http://user:pass@example.org/x", "gopher://127.0.0.1/"})
    void forbiddenTargetsAreRefusedByDefault(String url) {
        SafeFetcher f = new SafeFetcher(SafeFetcher.Policy.DEFAULT);
        assertThatThrownBy(() -> f.check(URI.create(url))).isInstanceOf(CofferException.class);
    }

    @Test
    void loopbackNeedsAnExplicitPolicy() throws Exception {
        try (LoopbackServer s = new LoopbackServer()) {
            s.files.put("/a.csv", "x\n1\n".getBytes());
            SafeFetcher strict = new SafeFetcher(SafeFetcher.Policy.DEFAULT);
            assertThatThrownBy(() -> strict.fetch(s.url("/a.csv"), tmp.resolve("a"))).isInstanceOf(CofferException.class)
                    .hasMessageContaining("loopback");
            assertThat(Files.exists(tmp.resolve("a"))).isFalse();
            SafeFetcher allowed = new SafeFetcher(SafeFetcher.Policy.DEFAULT.withAllowPrivate(true));
            assertThat(allowed.fetch(s.url("/a.csv"), tmp.resolve("a"))).get()
                    .extracting(SafeFetcher.Fetched::bytes).isEqualTo(4L);
        }
    }

    @Test
    void redirectsAreFollowedByHandAndRechecked() throws Exception {
        try (LoopbackServer s = new LoopbackServer()) {
            s.files.put("/real.csv", "x\n".getBytes());
            s.redirects.put("/moved", "/real.csv");
            s.redirects.put("/evil", "file:///etc/passwd");
            SafeFetcher f = new SafeFetcher(SafeFetcher.Policy.DEFAULT.withAllowPrivate(true));
            assertThat(f.fetch(s.url("/moved"), tmp.resolve("m"))).get()
                    .extracting(x -> x.finalUrl().getPath()).isEqualTo("/real.csv");
            assertThatThrownBy(() -> f.fetch(s.url("/evil"), tmp.resolve("e"))).hasMessageContaining("only http and https");
            s.redirects.put("/loop", "/loop");
            assertThatThrownBy(() -> f.fetch(s.url("/loop"), tmp.resolve("l"))).hasMessageContaining("too many redirects");
            assertThat(f.fetch(s.url("/missing"), tmp.resolve("x"))).isEmpty();
        }
    }

    @Test
    void bodiesAreCapped() throws Exception {
        try (LoopbackServer s = new LoopbackServer()) {
            s.files.put("/big", new byte[10_000]);
            SafeFetcher f = new SafeFetcher(SafeFetcher.Policy.DEFAULT.withAllowPrivate(true).withMaxBytes(1_000));
            assertThatThrownBy(() -> f.fetch(s.url("/big"), tmp.resolve("b"))).isInstanceOf(CofferException.class)
                    .hasMessageContaining("more than 1000 bytes");
        }
    }
}
