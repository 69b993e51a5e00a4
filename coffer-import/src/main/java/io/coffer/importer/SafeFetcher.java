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
import java.util.Locale;
import java.util.Optional;

/**
 * Fetches URLs for imports and mirrors without becoming a proxy into the operator's network (SSRF):
 * only http(s), every host (including each redirect target, followed by hand) must resolve only to
 * public addresses unless the policy allows private ones, bodies are capped in bytes and time.
 *
 * <p>Residual risk, documented in docs/import.md: the JDK client resolves the host again when it
 * connects, so a DNS answer that changes between check and connect (rebinding) is not caught here; run
 * mirrors behind an egress firewall when that matters.
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

    private final Policy policy;
    private final HttpClient client;

    public SafeFetcher(Policy policy) {
        this.policy = policy;
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
            check(current);
            HttpRequest req = HttpRequest.newBuilder(current).timeout(remaining(deadline))
                    .header("User-Agent", "Coffer-importer").GET().build();
            HttpResponse<InputStream> res;
            try {
                res = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
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

    /** Refuses URLs Coffer must not fetch. */
    public void check(URI url) {
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
        if (policy.allowPrivate()) {
            return;
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "cannot resolve host '" + host + "'");
        }
        for (InetAddress a : all) {
            if (!isPublic(a)) {
                throw new CofferException(ErrorCode.FORBIDDEN, "refusing to fetch " + redact(url)
                        + ": it resolves to a loopback, private or link-local address");
            }
        }
    }

    /** Public unicast only: no loopback, private (RFC 1918 / fc00::/7), link-local, CGNAT, multicast, ... */
    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            return !(b0 == 0 || b0 >= 240 || (b0 == 100 && b1 >= 64 && b1 <= 127) // this network, reserved, CGNAT
                    || (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0)                    // IETF protocol assignments
                    || (b0 == 198 && (b1 == 18 || b1 == 19)));                         // benchmarking
        }
        if (a instanceof Inet6Address) {
            int b0 = b[0] & 0xff;
            if ((b0 & 0xfe) == 0xfc) {
                return false; // unique local fc00::/7
            }
            // IPv4-mapped ::ffff:a.b.c.d: judge the IPv4 address.
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A URL for messages and logs: no query string (it may hold keys), no user info. */
    public static String redact(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }
}
