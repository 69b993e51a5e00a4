package io.coffer.server.http;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address of the client behind the request, for per-address limits (login lockout, query limits).
 * {@code X-Forwarded-For} is honoured only when the connection comes from a configured trusted proxy
 * ({@code trustedProxies}: addresses or CIDR blocks): then the client is the right-most address in the header
 * that is not itself a trusted proxy. From anyone else the header is ignored (it is trivially forged).
 */
public final class ClientAddress {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private final List<byte[][]> trusted; // {prefix, mask bits as a 1-element array}

    public static final ClientAddress DIRECT = new ClientAddress(List.of());

    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(String::trim).filter(s -> !s.isEmpty()).map(ClientAddress::block).toList();
    }

    private static byte[][] block(String cidr) {
        int slash = cidr.indexOf('/');
        String addr = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] a = parse(addr);
        if (a == null) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.CONFIGURATION,
                    "trustedProxies: '" + cidr + "' is not an IP address or CIDR block");
        }
        int bits = slash < 0 ? a.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        if (bits < 0 || bits > a.length * 8) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.CONFIGURATION,
                    "trustedProxies: bad prefix length in '" + cidr + "'");
        }
        return new byte[][] {a, {(byte) bits}};
    }

    /** An IP literal's bytes, or null; never a DNS lookup. */
    static byte[] parse(String s) {
        if (s == null || !LITERAL.matcher(s).matches() || (!s.contains(":") && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    boolean isTrusted(String address) {
        byte[] a = parse(address);
        if (a == null) {
            return false;
        }
        for (byte[][] b : trusted) {
            byte[] p = b[0];
            int bits = b[1][0] & 0xff;
            if (p.length != a.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < bits && match; i++) {
                int mask = 0x80 >>> (i % 8);
                match = (a[i / 8] & mask) == (p[i / 8] & mask);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    public String of(Context ctx) {
        String remote = ctx.req().getRemoteAddr();
        if (trusted.isEmpty() || !isTrusted(remote)) {
            return remote;
        }
        List<String> hops = java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For"));
        String client = remote;
        for (int h = hops.size() - 1; h >= 0; h--) {
            String[] parts = hops.get(h).split(",");
            for (int i = parts.length - 1; i >= 0; i--) {
                String a = parts[i].trim();
                if (parse(a) == null) {
                    return client; // a malformed hop: trust nothing further left
                }
                if (!isTrusted(a)) {
                    return a;
                }
                client = a;
            }
        }
        return client;
    }
}
