package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.store.PackageSource;
import io.coffer.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Finding 10: one damaged {@code ref.json} made {@code /api/datasets} and {@code /} answer 422 for everyone. */
class BrokenRefIT {
    @Test
    void oneDamagedRefIsIsolatedAndTheRestIsListed() throws Exception {
        try (HostileServer s = new HostileServer()) {
            s.store.publish(DatasetId.of("acme", "good"), PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies")));
            s.store.publish(DatasetId.of("acme", "bad"), PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies")));
            Path ref = s.dir.resolve("store/datasets/acme/bad/ref.json");
            assertThat(ref).exists();
            Files.writeString(ref, "{\"latest\": 1, \"revisions\": [{\"revision\": 1, \"publishedAt\": \"yesterday", StandardCharsets.UTF_8);

            HostileServer.Resp list = s.get("/api/datasets", HostileServer.Who.ANONYMOUS);
            assertThat(list.status()).as(list.text()).isEqualTo(200);
            assertThat(list.text()).contains("acme/good").doesNotContain("acme/bad");
            HostileServer.Resp front = s.get("/", HostileServer.Who.ANONYMOUS);
            assertThat(front.status()).as(front.text()).isEqualTo(200);
            assertThat(front.text()).contains("/d/acme/good");
            // The damaged one itself says what is wrong: corrupt, not a client error.
            HostileServer.Resp bad = s.get("/api/datasets/acme/bad", HostileServer.Who.ANONYMOUS);
            assertThat(bad.status()).isEqualTo(500);
            assertThat(bad.json().path("code").asText()).isEqualTo("corrupt");
        }
    }
}
