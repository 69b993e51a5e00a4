package io.coffer.importer;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Fetches URLs for imports and mirrors without becoming a proxy into the operator's network (SSRF):
 * only http(s), every host (including each redirect target, followed by hand) must resolve only to
 * public addresses unless the policy allows private ones, bodies are capped in bytes and time.
 *
 * <p>The client connects to exactly the addresses checked: while it connects, the host name is pinned to them
 * in {@link PinningResolverProvider}, the JVM's resolver, so a DNS answer that changes between check and
 * connect (rebinding) is never used. See docs/decisions/0003-dns-pinning.md.
 */
public final class SafeFetcher {
    /** What may be fetched. {@code allowPrivate} is for tests and admin-approved intranet sources only. */
    public record Policy(boolean allowPrivate, long maxBytes, Duration timeout, int maxRedirects) {
        public static final Policy DEFAULT = new Policy(false, 2L << 30, Duration.ofMinutes(10), 5);

        public Policy withAllowPrivate(boolean allow) {
            return new Policy(allow, maxBytes, timeout, maxRedirects);
        }

        public Policy withMaxBytes(long max) {
            return new Policy(allowPrivate, max, timeout, maxRedirects);
        }
    }

    /** A fetched body on disk, with the final URL after redirects. */
    public record Fetched(URI finalUrl, Path file, long bytes, String contentType) {
    }

    private static final Pattern IPV4_LITERAL =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private final Policy policy;
    private final Predicate<InetAddress> allowedAddress;
    private final HttpClient client;

    public SafeFetcher(Policy policy) {
        this(policy, SafeFetcher::isPublic);
    }

    /** Tests only: which resolved addresses pass (normally {@link #isPublic}), so loopback can stand in. */
    SafeFetcher(Policy policy, Predicate<InetAddress> allowedAddress) {
        this.policy = policy;
        this.allowedAddress = allowedAddress;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public Policy policy() {
        return policy;
    }

    /** Downloads {@code url} into {@code target}; returns empty on 404/410 (the source is gone). */
    public Optional<Fetched> fetch(URI url, Path target) throws IOException {
        Instant deadline = Instant.now().plus(policy.timeout());
        URI current = url;
        for (int hop = 0; hop <= policy.maxRedirects(); hop++) {
            checkForm(current); // before the request is built, which would refuse other schemes less clearly
            HttpRequest req = HttpRequest.newBuilder(current).timeout(remaining(deadline))
                    .header("User-Agent", "Coffer-importer").GET().build();
            HttpResponse<InputStream> res;
            try {
                res = send(client, req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            int status = res.statusCode();
            if (status >= 300 && status < 400 && res.headers().firstValue("location").isPresent()) {
                res.body().close();
                current = current.resolve(res.headers().firstValue("location").get());
                continue;
            }
            if (status == 404 || status == 410) {
                res.body().close();
                return Optional.empty();
            }
            if (status != 200) {
                res.body().close();
                throw new CofferException(ErrorCode.BAD_REQUEST, "fetching " + redact(current) + " answered HTTP " + status);
            }
            long declared = res.headers().firstValueAsLong("content-length").orElse(-1);
            if (declared > policy.maxBytes()) {
                res.body().close();
                throw tooLarge(current);
            }
            long n = 0;
            try (InputStream in = res.body(); OutputStream out = Files.newOutputStream(target)) {
                byte[] buf = new byte[64 * 1024];
                int r;
                while ((r = in.read(buf)) > 0) {
                    n += r;
                    if (n > policy.maxBytes()) {
                        throw tooLarge(current);
                    }
                    if (Instant.now().isAfter(deadline)) {
                        throw new CofferException(ErrorCode.BAD_REQUEST, "fetching " + redact(current) + " took too long");
                    }
                    out.write(buf, 0, r);
                }
            }
            return Optional.of(new Fetched(current, target, n, res.headers().firstValue("content-type").orElse("")));
        }
        throw new CofferException(ErrorCode.BAD_REQUEST, "too many redirects fetching " + redact(url));
    }

    private static Duration remaining(Instant deadline) {
        Duration d = Duration.between(Instant.now(), deadline);
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    private CofferException tooLarge(URI u) {
        return new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "fetching " + redact(u) + ": more than "
                + policy.maxBytes() + " bytes");
    }

    /**
     * Checks {@code request}'s URL like {@link #check} and sends it with {@code client} (which must not follow
     * redirects: every hop has to be checked) to exactly the addresses checked. Webhook deliveries use this too.
     */
    public <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the client must not follow redirects: each hop is checked by hand");
        }
        URI url = request.uri();
        List<InetAddress> checked = resolveAllowed(url);
        String host = url.getHost();
        if (checked.isEmpty() || isIpLiteral(host)) {
            return client.send(request, handler); // any address allowed, or a literal: nothing is resolved again
        }
        if (!DnsPins.active()) {
            throw new CofferException(ErrorCode.CONFIGURATION, "refusing to fetch " + redact(url) + ": DNS pinning is "
                    + "not active in this JVM (coffer-import must be on the class path and jdk.net.hosts.file unset)");
        }
        try (DnsPins.Pin pin = DnsPins.pin(host, checked)) {
            // The JDK caches answers in front of the resolver; an answer cached before the pin (another thread's
            // lookup) could still be what the client reads, so read it as the client will and insist on the pin.
            InetAddress[] now = lookup(host);
            if (!Set.copyOf(Arrays.asList(now)).equals(Set.copyOf(pin.addresses()))) {
                throw new CofferException(ErrorCode.BAD_REQUEST, "refusing to fetch " + redact(url)
                        + ": the address of its host changed while it was being checked; try again");
            }
            requireAllowed(url, now);
            return client.send(request, handler);
        }
    }

    /** Refuses URLs Coffer must not fetch. */
    public void check(URI url) {
        resolveAllowed(url);
    }

    /** The addresses {@code url}'s host resolved to, all allowed; empty when the policy allows any address. */
    private List<InetAddress> resolveAllowed(URI url) {
        checkForm(url);
        if (policy.allowPrivate()) {
            return List.of();
        }
        InetAddress[] all = lookup(url.getHost());
        requireAllowed(url, all);
        return List.of(all);
    }

    private static void checkForm(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "only http and https URLs can be fetched: " + redact(url));
        }
        if (url.getRawUserInfo() != null) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "URLs with credentials are not fetched");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "URL has no host: " + redact(url));
        }
    }

    private static InetAddress[] lookup(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "cannot resolve host '" + host + "'");
        }
    }

    private void requireAllowed(URI url, InetAddress[] all) {
        for (InetAddress a : all) {
            if (!allowedAddress.test(a)) {
                throw new CofferException(ErrorCode.FORBIDDEN, "refusing to fetch " + redact(url)
                        + ": it resolves to " + a.getHostAddress() + ", which is not a public address (loopback, private, "
                        + "link-local, documentation, translation or another special-purpose block)");
            }
        }
    }

    /** Hosts the JDK parses as addresses without asking the resolver (anything else is treated as a name). */
    static boolean isIpLiteral(String host) {
        return host.startsWith("[") || IPV4_LITERAL.matcher(host).matches();
    }

    /** Public unicast only: every IANA special-purpose block refused (see {@link SpecialPurposeAddresses}). */
    static boolean isPublic(InetAddress a) {
        return SpecialPurposeAddresses.isPublic(a);
    }

    /** A URL for messages and logs: no query string (it may hold keys), no user info. */
    public static String redact(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }
}
