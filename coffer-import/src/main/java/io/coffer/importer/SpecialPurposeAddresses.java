package io.coffer.importer;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses Coffer's outgoing requests (imports, mirrors, webhooks) may reach: public unicast only. Every
 * block of the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and later) is refused, plus
 * multicast and reserved space; for IPv6 only global unicast 2000::/3 is allowed at all. Addresses that embed
 * an IPv4 address (IPv4-mapped, 6to4) are judged by that address; IPv4-compatible, NAT64 and Teredo are refused
 * outright, as they reach IPv4 hosts (the host itself, private networks) through a translator.
 */
public final class SpecialPurposeAddresses {
    private SpecialPurposeAddresses() {
    }

    private record Block(byte[] prefix, int bits) {
        static Block of(String cidr) {
            int slash = cidr.indexOf('/');
            try {
                return new Block(InetAddress.getByName(cidr.substring(0, slash)).getAddress(),
                        Integer.parseInt(cidr.substring(slash + 1)));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(cidr, e);
            }
        }

        boolean contains(byte[] a) {
            if (a.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((a[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** IANA IPv4 Special-Purpose Address Registry, with multicast and the reserved class E. */
    static final List<Block> V4 = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
            "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32").stream().map(Block::of).toList();

    /** Inside 2000::/3: IETF protocol assignments (Teredo, benchmarking, ORCHID, ...), documentation. */
    static final List<Block> V6_IN_GLOBAL = List.of(
            "2001::/23", "2001:db8::/32", "3fff::/20").stream().map(Block::of).toList();
    private static final Block V6_GLOBAL = Block.of("2000::/3");
    private static final Block V6_6TO4 = Block.of("2002::/16");
    private static final Block V6_MAPPED = Block.of("::ffff:0:0/96");

    /** True for a public unicast address a server may fetch from or deliver to. */
    public static boolean isPublic(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return V4.stream().noneMatch(x -> x.contains(b));
        }
        if (!(a instanceof Inet6Address)) {
            return false;
        }
        if (V6_MAPPED.contains(b)) {
            return isPublicV4(b, 12);
        }
        if (!V6_GLOBAL.contains(b)) {
            // ::, ::1, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, discard 100::/64,
            // SRv6 5f00::/16, unique local fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8
            return false;
        }
        if (V6_6TO4.contains(b)) {
            return isPublicV4(b, 2);
        }
        return V6_IN_GLOBAL.stream().noneMatch(x -> x.contains(b));
    }

    private static boolean isPublicV4(byte[] b, int at) {
        byte[] v4 = {b[at], b[at + 1], b[at + 2], b[at + 3]};
        return V4.stream().noneMatch(x -> x.contains(v4));
    }
}
