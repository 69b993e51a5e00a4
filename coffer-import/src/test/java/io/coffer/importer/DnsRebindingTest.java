package io.coffer.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coffer.model.CofferException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS rebinding against {@link SafeFetcher}: a name server (faked in {@link DnsPins}) answers the check with an
 * allowed address and every later lookup with 127.0.0.1, where an "internal" server listens on the same port.
 * 127.0.0.2 plays the allowed, public address (the test policy allows only it), so nothing leaves loopback.
 * The surefire JVM runs with {@code sun.net.inetaddr.ttl=0}: without the JDK's cache every lookup reaches the
 * name server, as a rebinding attack arranges, so an unpinned client really would get the second answer.
 */
class DnsRebindingTest {
    static final InetAddress CHECKED = address(127, 0, 0, 2);
    static final InetAddress INTERNAL = address(127, 0, 0, 1);

    @TempDir
    Path tmp;

    final SafeFetcher fetcher = new SafeFetcher(SafeFetcher.Policy.DEFAULT, CHECKED::equals);

    @BeforeAll
    static void secondLoopbackAddress() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(CHECKED, 0));
        } catch (IOException e) {
            assumeTrue(false, "127.0.0.2 is not a local address on this machine (it is on Linux)");
        }
    }

    /** A name server that answers {@code host} with {@link #CHECKED} once, then with {@link #INTERNAL}. */
    static AutoCloseable rebinding(String host, AtomicInteger lookups) {
        return DnsPins.fakeDnsForTests(host, () -> lookups.getAndIncrement() == 0 ? List.of(CHECKED) : List.of(INTERNAL));
    }

    @Test
    void theClientConnectsToTheAddressThatWasCheckedNotToTheSecondAnswer() throws Exception {
        try (LoopbackServer internal = new LoopbackServer("127.0.0.1", 0);
             LoopbackServer checked = new LoopbackServer("127.0.0.2", internal.port())) {
            internal.files.put("/a.csv", "internal\n".getBytes(StandardCharsets.UTF_8));
            checked.files.put("/a.csv", "x\n1\n".getBytes(StandardCharsets.UTF_8));
            AtomicInteger lookups = new AtomicInteger();
            try (AutoCloseable dns = rebinding("rebind.coffer.test", lookups)) {
                URI url = checked.url("rebind.coffer.test", "/a.csv");

                assertThat(fetcher.fetch(url, tmp.resolve("a"))).get().extracting(SafeFetcher.Fetched::bytes).isEqualTo(4L);
                assertThat(Files.readString(tmp.resolve("a"))).isEqualTo("x\n1\n");
                assertThat(internal.requests).hasValue(0);
                assertThat(checked.requests).hasValue(1);
                assertThat(lookups).as("only the check reached the name server").hasValue(1);
                assertThat(DnsPins.pinned("rebind.coffer.test")).as("released after the fetch").isNull();

                // The premise holds: unpinned, the JDK client now goes wherever the name server says.
                HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(plain.body()).isEqualTo("internal\n");
                assertThat(internal.requests).hasValue(1);
                // And a new fetch checks the new answer and refuses it.
                assertThatThrownBy(() -> fetcher.fetch(url, tmp.resolve("b"))).isInstanceOf(CofferException.class)
                        .hasMessageContaining("loopback");
                assertThat(internal.requests).hasValue(1);
            }
        }
    }

    @Test
    void everyRedirectHopIsPinnedToItsOwnCheckedAnswer() throws Exception {
        try (LoopbackServer internal = new LoopbackServer("127.0.0.1", 0);
             LoopbackServer checked = new LoopbackServer("127.0.0.2", internal.port())) {
            internal.files.put("/a.csv", "internal\n".getBytes(StandardCharsets.UTF_8));
            checked.files.put("/a.csv", "x\n".getBytes(StandardCharsets.UTF_8));
            checked.redirects.put("/moved", "http://hop2.coffer.test:" + checked.port() + "/a.csv");
            AtomicInteger first = new AtomicInteger();
            AtomicInteger second = new AtomicInteger();
            try (AutoCloseable dns1 = rebinding("hop1.coffer.test", first);
                 AutoCloseable dns2 = rebinding("hop2.coffer.test", second)) {
                assertThat(fetcher.fetch(checked.url("hop1.coffer.test", "/moved"), tmp.resolve("m"))).get()
                        .extracting(f -> f.finalUrl().getHost()).isEqualTo("hop2.coffer.test");
                assertThat(Files.readString(tmp.resolve("m"))).isEqualTo("x\n");
                assertThat(checked.requests).hasValue(2);
                assertThat(internal.requests).hasValue(0);
                assertThat(first).hasValue(1);
                assertThat(second).hasValue(1);
            }
        }
    }

    @Test
    void webhookStyleSendsArePinnedToo() throws Exception {
        try (LoopbackServer internal = new LoopbackServer("127.0.0.1", 0);
             LoopbackServer checked = new LoopbackServer("127.0.0.2", internal.port())) {
            checked.files.put("/hook", new byte[0]);
            internal.files.put("/hook", new byte[0]);
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            try (AutoCloseable dns = rebinding("hook.coffer.test", new AtomicInteger())) {
                HttpRequest post = HttpRequest.newBuilder(checked.url("hook.coffer.test", "/hook"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                assertThat(fetcher.send(client, post, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
                assertThat(checked.requests).hasValue(1);
                assertThat(internal.requests).hasValue(0);
            }
        }
    }

    @Test
    void thePinIsReleasedWhenTheConnectionFails() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, INTERNAL)) {
            port = free.getLocalPort();
        }
        // Nothing listens on 127.0.0.2:port: the connection fails, the pin must still go.
        try (AutoCloseable dns = DnsPins.fakeDnsForTests("gone.coffer.test", () -> List.of(CHECKED))) {
            assertThatThrownBy(() -> fetcher.fetch(URI.create("http://gone.coffer.test:" + port + "/x"), tmp.resolve("g")))
                    .isInstanceOf(IOException.class);
            assertThat(DnsPins.pinned("gone.coffer.test")).isNull();
        }
    }

    @Test
    void theJvmResolverIsThePinningOneAndAnswersPinnedNamesWithThePin() throws Exception {
        // The fake name server knows nothing of the name: only the pin can answer it.
        try (AutoCloseable dns = DnsPins.fakeDnsForTests("pinned.coffer.test", List::of)) {
            try (DnsPins.Pin pin = DnsPins.pin("Pinned.Coffer.Test", List.of(CHECKED))) {
                assertThat(InetAddress.getAllByName("pinned.coffer.test")).containsExactly(CHECKED);
            }
            assertThatThrownBy(() -> InetAddress.getAllByName("pinned.coffer.test"))
                    .isInstanceOf(UnknownHostException.class);
        }
    }

    @Test
    void aClientThatFollowsRedirectsIsRefused() {
        HttpClient follows = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThatThrownBy(() -> fetcher.send(follows, HttpRequest.newBuilder(URI.create("http://example.org/")).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(IllegalArgumentException.class);
    }

    static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
