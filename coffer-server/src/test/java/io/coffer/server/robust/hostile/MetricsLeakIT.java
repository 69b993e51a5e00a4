package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.Role;
import io.coffer.meta.Scope;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.Principal;
import io.coffer.model.DatasetId;
import io.coffer.store.PackageSource;
import io.coffer.testing.Corpus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Finding 5: anonymous {@code /metrics} listed private dataset names, user names and token ids. */
class MetricsLeakIT {
    @Test
    void onlyAdminsSeeNamesInMetrics() throws Exception {
        try (HostileServer s = new HostileServer()) {
            s.user("vera", false);
            s.user("root", true);
            s.sec.accounts().createOrg(Principal.SYSTEM, "acme");
            s.sec.accounts().setMember(Principal.SYSTEM, "acme", "vera", Role.VIEWER);
            DatasetId hidden = DatasetId.of("acme", "hidden-payroll");
            s.store.publish(hidden, PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies")));
            s.sec.datasets().access().set(hidden, Visibility.PRIVATE);
            var token = s.sec.accounts().createToken(Principal.SYSTEM, "vera", Scope.READ, "acme", null,
                    Instant.now().plusSeconds(3600), null);
            assertThat(s.get("/datasets/acme/hidden-payroll/datapackage.json", HostileServer.Who.token(token.secret())).status())
                    .isEqualTo(200);

            for (HostileServer.Who who : new HostileServer.Who[] {HostileServer.Who.ANONYMOUS, s.login("vera")}) {
                String m = s.get("/metrics", who).text();
                assertThat(m).contains("coffer_http_requests").doesNotContain("hidden-payroll")
                        .doesNotContain(token.token().id()).doesNotContain("user=\"vera\"");
            }
            String admin = s.get("/metrics", s.login("root")).text();
            assertThat(admin).contains("hidden-payroll").contains(token.token().id());
        }
    }
}
