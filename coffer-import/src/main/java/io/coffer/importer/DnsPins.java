package io.coffer.importer;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Host names whose DNS answer is fixed while {@link SafeFetcher} connects to them. {@link PinningResolverProvider}
 * (the JVM's resolver) answers a pinned name with exactly the pinned addresses, so the HTTP client's own lookup
 * cannot get a second, different answer (DNS rebinding). See docs/decisions/0003-dns-pinning.md.
 *
 * <p>Reads ({@link #pinned}) never block: the resolver calls them on every lookup of the JVM.
 */
final class DnsPins {
    private record Entry(List<InetAddress> addresses, int holders) {
    }

    private static final Map<String, Entry> PINS = new ConcurrentHashMap<>();
    private static final Map<String, Supplier<List<InetAddress>>> FAKE_DNS = new ConcurrentHashMap<>();
    private static volatile boolean active;

    private DnsPins() {
    }

    /** DNS is case-insensitive: one pin covers every spelling the client might use. */
    private static String key(String host) {
        return host.toLowerCase(Locale.ROOT);
    }

    /** Called when the JVM installed {@link PinningResolverProvider}; without it pins would change nothing. */
    static void markActive() {
        active = true;
    }

    static boolean active() {
        return active;
    }

    /** The pinned addresses of {@code host}, or null when it is not pinned. */
    static List<InetAddress> pinned(String host) {
        Entry e = PINS.get(key(host));
        return e == null ? null : e.addresses();
    }

    /**
     * Pins {@code host} to {@code addresses} until the returned pin is closed. When the name is pinned already
     * (a concurrent fetch), that pin's addresses stay in force and this one only holds it too: answers must not
     * change under a fetch that is connecting. Callers check {@link Pin#addresses()}, which are the ones in force.
     */
    static Pin pin(String host, List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("nothing to pin " + host + " to");
        }
        String k = key(host);
        Entry e = PINS.compute(k, (x, old) -> old == null ? new Entry(List.copyOf(addresses), 1)
                : new Entry(old.addresses(), old.holders() + 1));
        return new Pin(k, e.addresses());
    }

    /** One hold on a pinned name; closing it twice releases it once. */
    static final class Pin implements AutoCloseable {
        private final String key;
        private final List<InetAddress> addresses;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Pin(String key, List<InetAddress> addresses) {
            this.key = key;
            this.addresses = addresses;
        }

        List<InetAddress> addresses() {
            return addresses;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                PINS.computeIfPresent(key, (x, e) -> e.holders() == 1 ? null
                        : new Entry(e.addresses(), e.holders() - 1));
            }
        }
    }

    // ------------------------------------------------------------------ tests only

    /**
     * Tests only (package-private, no configuration reaches it): answers lookups of {@code host} that are not
     * pinned from {@code answers} instead of real DNS, so a test can play a rebinding name server. Close to remove.
     */
    static AutoCloseable fakeDnsForTests(String host, Supplier<List<InetAddress>> answers) {
        String k = key(host);
        FAKE_DNS.put(k, answers);
        return () -> FAKE_DNS.remove(k, answers);
    }

    /** The fake answers of {@code host}, or null (always, outside tests). */
    static Supplier<List<InetAddress>> fakeDns(String host) {
        return FAKE_DNS.isEmpty() ? null : FAKE_DNS.get(key(host));
    }
}
