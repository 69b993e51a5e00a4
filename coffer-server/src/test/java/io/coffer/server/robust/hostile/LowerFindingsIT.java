package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.auth.Principal;
import io.coffer.model.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Finding 12, the lower items that are fixed: store path in /health, org member lists, cross-site login posts. */
class LowerFindingsIT {
    @Test
    void healthShowsNoStorePathToAnonymousCallers() throws Exception {
        try (HostileServer s = new HostileServer()) {
            s.user("root", true);
            HostileServer.Resp anon = s.get("/health", HostileServer.Who.ANONYMOUS);
            assertThat(anon.status()).isEqualTo(200);
            assertThat(anon.text()).doesNotContain(s.dir.toString()).doesNotContain("\"store\"");
            assertThat(s.get("/health", s.login("root")).text()).contains(s.dir.getFileName().toString());
        }
    }

    @Test
    void onlyMembersListAnOrganizationsMembers() throws Exception {
        try (HostileServer s = new HostileServer()) {
            s.user("olivia", false);
            s.user("oscar", false);
            s.sec.accounts().createOrg(Principal.session("olivia", false), "acme");
            assertThat(s.get("/api/orgs/acme/members", s.login("oscar")).status()).isEqualTo(403);
            HostileServer.Resp own = s.get("/api/orgs/acme/members", s.login("olivia"));
            assertThat(own.status()).isEqualTo(200);
            assertThat(own.text()).contains("olivia");
        }
    }

    @Test
    void crossSiteLoginFormPostsAreRefused() throws Exception {
        try (HostileServer s = new HostileServer()) {
            s.user("alice", false);
            byte[] form = ("user=alice&password=" + HostileServer.password("alice")).getBytes(StandardCharsets.UTF_8);
            String type = "application/x-www-form-urlencoded";
            assertThat(s.send("POST", "/api/auth/login", HostileServer.Who.ANONYMOUS, type, form,
                    "Origin", "https://evil.example").status()).isEqualTo(403);
            assertThat(s.send("POST", "/api/auth/login", HostileServer.Who.ANONYMOUS, type, form,
                    "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
            assertThat(s.send("POST", "/api/auth/login", HostileServer.Who.ANONYMOUS, type, form,
                    "Origin", "null").status()).isEqualTo(403);
            // The same form from this site, and a script without browser headers, log in.
            assertThat(s.send("POST", "/api/auth/login", HostileServer.Who.ANONYMOUS, type, form,
                    "Origin", "http://127.0.0.1:" + s.server.port(), "Sec-Fetch-Site", "same-origin").status()).isEqualTo(200);
            assertThat(s.json("POST", "/api/auth/login", HostileServer.Who.ANONYMOUS,
                    Json.object().put("user", "alice").put("password", HostileServer.password("alice"))).status()).isEqualTo(200);
        }
    }
}
