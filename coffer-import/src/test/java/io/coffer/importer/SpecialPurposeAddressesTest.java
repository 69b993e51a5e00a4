package io.coffer.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finding 11: TEST-NETs, NAT64, 6to4 and IPv4-compatible addresses passed the SSRF filter, and a webhook and an
 * import reached a listener on the host itself. The classification itself is tested; nothing is connected to.
 */
class SpecialPurposeAddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {
            // IPv4 special-purpose registry
            "0.1.2.3", "10.0.0.1", "100.64.0.1", "100.127.255.255", "127.0.0.1", "127.8.8.8", "169.254.169.254",
            "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.31.196.1", "192.52.193.1", "192.88.99.1",
            "192.168.1.1", "192.175.48.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
            "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
            // IPv6
            "::", "::1", "::127.0.0.1", "::8.8.8.8", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:203.0.113.1",
            "64:ff9b::7f00:1", "64:ff9b::808:808", "64:ff9b:1::1", "100::1", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:2::1", "2001:10::1", "2001:20::1", "2001:db8::1", "2001:db8:ffff::1", "2002:7f00:1::1",
            "2002:a00:1::1", "2002:c000:201::1", "3fff::1", "5f00::1", "fc00::1", "fd12:3456::1", "fe80::1",
            "fec0::1", "ff02::1", "ff0e::1"})
    void specialPurposeAddressesAreRefused(String ip) throws Exception {
        assertThat(SafeFetcher.isPublic(InetAddress.getByName(ip))).as(ip).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "192.0.3.1", "198.20.0.1", "100.128.0.1",
            "172.32.0.1", "2001:4860:4860::8888", "2606:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8",
            "2002:808:808::1", "2001:200::1"})
    void publicAddressesPass(String ip) throws Exception {
        assertThat(SafeFetcher.isPublic(InetAddress.getByName(ip))).as(ip).isTrue();
    }
}
