package io.coffer.importer;

import static java.net.spi.InetAddressResolver.LookupPolicy.IPV4;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV4_FIRST;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV6;
import static java.net.spi.InetAddressResolver.LookupPolicy.IPV6_FIRST;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The JVM's name resolver (registered in META-INF/services, loaded once per JVM from the class path): the
 * built-in resolver, except that names {@link SafeFetcher} has pinned for a fetch resolve to exactly the
 * addresses it checked. That closes DNS rebinding between the check and the HTTP client's connect.
 *
 * <p>It runs inside every lookup of the process, so it must not block, log, resolve names or fail on its
 * own: it reads a concurrent map and otherwise hands the call to the built-in resolver unchanged.
 */
public final class PinningResolverProvider extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        DnsPins.markActive();
        return new Resolver(configuration.builtinResolver());
    }

    @Override
    public String name() {
        return "coffer-dns-pinning";
    }

    /** Pinned names from {@link DnsPins}, everything else from {@code builtin}. */
    static final class Resolver implements InetAddressResolver {
        private final InetAddressResolver builtin;

        Resolver(InetAddressResolver builtin) {
            this.builtin = builtin;
        }

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            List<InetAddress> pinned = DnsPins.pinned(host);
            if (pinned != null) {
                return select(host, pinned, policy);
            }
            Supplier<List<InetAddress>> fake = DnsPins.fakeDns(host);
            Stream<InetAddress> answer = fake == null ? builtin.lookupByName(host, policy)
                    : select(host, fake.get(), policy);
            // Pinned while DNS was answering: the JDK would cache this answer where the client reads it.
            pinned = DnsPins.pinned(host);
            if (pinned == null) {
                return answer;
            }
            answer.close();
            return select(host, pinned, policy);
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            return builtin.lookupByAddress(addr);
        }
    }

    /** The addresses of the families {@code policy} asks for, in its preferred order, as a resolver answers. */
    static Stream<InetAddress> select(String host, List<InetAddress> addresses, InetAddressResolver.LookupPolicy policy)
            throws UnknownHostException {
        int c = policy.characteristics();
        List<InetAddress> found = addresses.stream()
                .filter(a -> (a instanceof Inet4Address ? c & IPV4 : c & IPV6) != 0)
                .sorted(Comparator.comparingInt(a -> (c & IPV4_FIRST) != 0 ? (a instanceof Inet4Address ? 0 : 1)
                        : (c & IPV6_FIRST) != 0 ? (a instanceof Inet4Address ? 1 : 0) : 0))
                .toList();
        if (found.isEmpty()) {
            throw new UnknownHostException(host);
        }
        return found.stream();
    }
}
