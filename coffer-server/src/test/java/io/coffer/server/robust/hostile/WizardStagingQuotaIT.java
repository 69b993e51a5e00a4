package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.Scope;
import io.coffer.meta.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Finding 9: a read-only token staged 3 x 200 MB in the wizard in 50 s, kept for 24 h, with no quota. */
class WizardStagingQuotaIT {
    @AfterEach
    void clear() {
        System.clearProperty("coffer.wizard.maxUploadsPerUser");
        System.clearProperty("coffer.wizard.maxBytesPerUser");
    }

    static byte[] csv(int rows) {
        StringBuilder b = new StringBuilder("region,amount\n");
        for (int i = 0; i < rows; i++) {
            b.append("r").append(i % 7).append(',').append(i).append(".50\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aReadOnlyTokenCannotStageAtAll() throws Exception {
        try (HostileServer s = new HostileServer()) {
            s.user("rita", false);
            var read = s.sec.accounts().createToken(Principal.SYSTEM, "rita", Scope.READ, "rita", null,
                    Instant.now().plusSeconds(3600), null);
            HostileServer.Resp r = s.send("POST", "/api/uploads?name=a.csv", HostileServer.Who.token(read.secret()),
                    "text/csv", csv(10));
            assertThat(r.status()).as(r.text()).isEqualTo(403);
            assertThat(s.dir.resolve("uploads/wizard")).satisfiesAnyOf(
                    d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
        }
    }

    @Test
    void stagingIsBoundedPerUserInCountAndBytes() throws Exception {
        System.setProperty("coffer.wizard.maxUploadsPerUser", "3");
        System.setProperty("coffer.wizard.maxBytesPerUser", "60000");
        try (HostileServer s = new HostileServer()) {
            s.user("sam", false);
            s.user("tina", false);
            HostileServer.Who sam = s.login("sam");
            for (int i = 0; i < 3; i++) {
                assertThat(s.send("POST", "/api/uploads?name=a.csv", sam, "text/csv", csv(50)).status()).isEqualTo(200);
            }
            HostileServer.Resp fourth = s.send("POST", "/api/uploads?name=a.csv", sam, "text/csv", csv(50));
            assertThat(fourth.status()).as(fourth.text()).isEqualTo(429);
            // Another user has their own quota; and bytes count too.
            HostileServer.Who tina = s.login("tina");
            assertThat(s.send("POST", "/api/uploads?name=a.csv", tina, "text/csv", csv(4000)).status()).isEqualTo(200);
            HostileServer.Resp big = s.send("POST", "/api/uploads?name=a.csv", tina, "text/csv", csv(4000));
            assertThat(big.status()).as(big.text()).isEqualTo(413);
            // Discarding frees the quota.
            String id = s.send("POST", "/api/uploads?name=a.csv", tina, "text/csv", csv(10)).json().path("id").asText();
            assertThat(s.send("DELETE", "/api/uploads/" + id, tina, null, null).status()).isEqualTo(204);
        }
    }
}
