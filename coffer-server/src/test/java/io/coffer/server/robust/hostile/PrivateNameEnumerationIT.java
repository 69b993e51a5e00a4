package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.Role;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.Principal;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.PackageSource;
import io.coffer.testing.Corpus;
import org.junit.jupiter.api.Test;

/**
 * Finding 6: a logged-in non-member got 404 on a private name but 403 on a missing one, so private names could
 * be enumerated by trying writes. Now private and missing answer alike; a public dataset (whose existence anyone
 * can see) may still answer 403 to a write.
 */
class PrivateNameEnumerationIT {
    @Test
    void privateAndMissingNamesLookAlikeToANonMember() throws Exception {
        try (HostileServer s = new HostileServer()) {
            s.user("olivia", false);
            s.user("oscar", false);
            s.sec.accounts().createOrg(Principal.session("olivia", false), "acme");
            DatasetId hidden = DatasetId.of("acme", "hidden");
            s.store.publish(hidden, PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies")));
            s.sec.datasets().access().set(hidden, Visibility.PRIVATE);
            s.store.publish(DatasetId.of("acme", "open"), PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies")));
            HostileServer.Who oscar = s.login("oscar");
            byte[] zip = HostileServer.zip(Corpus.get("fdp03-labels-and-hierarchies"));

            for (String name : new String[] {"hidden", "missing"}) {
                String path = "/api/datasets/acme/" + name;
                assertThat(s.get(path, oscar).status()).as("GET " + name).isEqualTo(404);
                assertThat(s.send("PUT", path, oscar, "application/zip", zip).status()).as("PUT " + name).isEqualTo(404);
                assertThat(s.send("DELETE", path, oscar, null, null).status()).as("DELETE " + name).isEqualTo(404);
                HostileServer.Resp patch = s.json("PATCH", path, oscar, Json.object().put("visibility", "public"));
                assertThat(patch.status()).as("PATCH " + name).isEqualTo(404);
                assertThat(patch.json().path("detail").asText()).isEqualTo("dataset acme/" + name + " does not exist");
            }
            // Existence of a public dataset is public: refusing the write with 403 discloses nothing.
            assertThat(s.send("DELETE", "/api/datasets/acme/open", oscar, null, null).status()).isEqualTo(403);
            assertThat(s.store.exists(hidden)).isTrue();
            // Members still get the honest answer.
            s.sec.accounts().setMember(Principal.SYSTEM, "acme", "oscar", Role.VIEWER);
            assertThat(s.send("DELETE", "/api/datasets/acme/missing", oscar, null, null).status()).isEqualTo(403);
        }
    }
}
