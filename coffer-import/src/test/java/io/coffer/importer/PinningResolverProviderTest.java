package io.coffer.importer;

import static java.net.spi.InetAddressResolver.LookupPolicy.IPV4;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV4_FIRST;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV6;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV6_FIRST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The resolver against a stand-in for the built-in one; the JVM-wide registration is in DnsRebindingTest. */
class PinningResolverProviderTest {
    static final LookupPolicy ANY = LookupPolicy.of(IPV4 | IPV6);
    final InetAddress v4 = ip("203.0.113.7");
    final InetAddress v6 = ip("2001:db8::7");
    final InetAddress other = ip("198.51.100.9");
    final AtomicInteger builtinLookups = new AtomicInteger();

    InetAddressResolver resolver(Function<String, List<InetAddress>> builtin) {
        InetAddressResolver fake = new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                builtinLookups.incrementAndGet();
                List<InetAddress> found = builtin.apply(host);
                if (found.isEmpty()) {
                    throw new UnknownHostException(host);
                }
                return found.stream();
            }

            @Override
            public String lookupByAddress(byte[] addr) {
                return "reverse.example";
            }
        };
        return new PinningResolverProvider.Resolver(fake);
    }

    @Test
    void unpinnedNamesGetTheBuiltInAnswerUnchanged() throws Exception {
        InetAddressResolver r = resolver(h -> h.equals("a.example") ? List.of(v6, v4) : List.of());
        assertThat(r.lookupByName("a.example", ANY)).containsExactly(v6, v4);
        assertThatThrownBy(() -> r.lookupByName("nowhere.example", ANY)).isInstanceOf(UnknownHostException.class);
        assertThat(r.lookupByAddress(v4.getAddress())).isEqualTo("reverse.example");
    }

    @Test
    void pinnedNamesGetThePinWithoutAskingDns() throws Exception {
        InetAddressResolver r = resolver(h -> List.of(other));
        try (DnsPins.Pin pin = DnsPins.pin("b.example", List.of(v4))) {
            assertThat(r.lookupByName("B.EXAMPLE", ANY)).containsExactly(v4);
            assertThat(builtinLookups).hasValue(0);
        }
        assertThat(r.lookupByName("b.example", ANY)).containsExactly(other);
    }

    @Test
    void anAnswerArrivingAfterTheNameWasPinnedIsReplacedByThePin() throws Exception {
        DnsPins.Pin[] pinnedMeanwhile = new DnsPins.Pin[1];
        InetAddressResolver r = resolver(h -> {
            pinnedMeanwhile[0] = DnsPins.pin(h, List.of(v4)); // a fetch pins while this lookup is in flight
            return List.of(other);
        });
        try {
            assertThat(r.lookupByName("c.example", ANY)).containsExactly(v4);
        } finally {
            pinnedMeanwhile[0].close();
        }
    }

    @Test
    void pinsAreHeldByEveryFetchAndTheFirstAnswerStaysInForce() {
        DnsPins.Pin first = DnsPins.pin("d.example", List.of(v4));
        DnsPins.Pin second = DnsPins.pin("d.example", List.of(other));
        assertThat(second.addresses()).containsExactly(v4);
        first.close();
        first.close(); // twice: still one release
        assertThat(DnsPins.pinned("d.example")).containsExactly(v4);
        second.close();
        assertThat(DnsPins.pinned("d.example")).isNull();
    }

    @Test
    void pinnedAnswersFollowTheLookupPolicy() throws Exception {
        InetAddressResolver r = resolver(h -> List.of());
        try (DnsPins.Pin pin = DnsPins.pin("e.example", List.of(v4, v6))) {
            assertThat(r.lookupByName("e.example", LookupPolicy.of(IPV4))).containsExactly(v4);
            assertThat(r.lookupByName("e.example", LookupPolicy.of(IPV6))).containsExactly(v6);
            assertThat(r.lookupByName("e.example", LookupPolicy.of(IPV4 | IPV6 | IPV6_FIRST))).containsExactly(v6, v4);
            assertThat(r.lookupByName("e.example", LookupPolicy.of(IPV4 | IPV6 | IPV4_FIRST))).containsExactly(v4, v6);
            assertThat(r.lookupByName("e.example", ANY)).containsExactly(v4, v6);
        }
        try (DnsPins.Pin pin = DnsPins.pin("f.example", List.of(v4))) {
            assertThatThrownBy(() -> r.lookupByName("f.example", LookupPolicy.of(IPV6)))
                    .isInstanceOf(UnknownHostException.class);
        }
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
