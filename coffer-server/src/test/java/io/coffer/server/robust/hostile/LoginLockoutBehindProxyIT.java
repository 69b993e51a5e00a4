package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.auth.AccountService;
import io.coffer.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finding 8: behind the recommended reverse proxy every client had the proxy's address, so 50 failed logins by
 * one attacker locked out every user for 15 minutes. The lockout now keys on the client named by a trusted
 * proxy's X-Forwarded-For; from anyone else the header is ignored (it is forged trivially).
 */
class LoginLockoutBehindProxyIT {
    static HostileServer.Resp login(HostileServer s, String user, String password, String forwardedFor) throws Exception {
        byte[] body = Json.write(Json.object().put("user", user).put("password", password));
        return forwardedFor == null ? s.send("POST", "/api/auth/login", HostileServer.Who.ANONYMOUS, "application/json", body)
                : s.send("POST", "/api/auth/login", HostileServer.Who.ANONYMOUS, "application/json", body,
                "X-Forwarded-For", forwardedFor);
    }

    @Test
    void oneAttackerBehindTheProxyLocksOutOnlyItself() throws Exception {
        try (HostileServer s = new HostileServer(sec -> sec.withTrustedProxies(List.of("127.0.0.0/8", "::1")))) {
            s.user("alice", false);
            for (int i = 0; i < AccountService.MAX_FAILURES_PER_ADDRESS; i++) {
                // A different name each time: the per-name lockout (5) is not what is tested here.
                assertThat(login(s, "nobody-" + i, "wrong password!", "203.0.113.66").status()).isEqualTo(401);
            }
            assertThat(login(s, "nobody-x", "wrong password!", "203.0.113.66").status()).as("the attacker").isEqualTo(429);
            HostileServer.Resp alice = login(s, "alice", HostileServer.password("alice"), "198.51.100.7, 10.0.0.2");
            assertThat(alice.status()).as("another client behind the same proxy: " + alice.text()).isEqualTo(200);
        }
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        try (HostileServer s = new HostileServer()) {
            for (int i = 0; i < AccountService.MAX_FAILURES_PER_ADDRESS; i++) {
                // Rotating the header does not escape the per-address count.
                assertThat(login(s, "nobody-" + i, "wrong password!", "198.51.100." + i).status()).isEqualTo(401);
            }
            assertThat(login(s, "nobody-x", "wrong password!", "192.0.2.200").status()).isEqualTo(429);
        }
    }
}
