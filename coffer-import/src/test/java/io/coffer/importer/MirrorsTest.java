package io.coffer.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.testing.Corpus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Mirroring against an HTTP server on loopback (allowed by this test's policy): change, no change, gone. */
class MirrorsTest {
    final DataStore store = new DataStore(new InMemoryBlobStore("mirrors"));
    final SafeFetcher loopbackOk = new SafeFetcher(SafeFetcher.Policy.DEFAULT.withAllowPrivate(true));
    final DatasetId id = DatasetId.of("mirror", "transform");

    @Test
    void publishesOnlyOnChangeAndKeepsServingWhenTheSourceIsGone() throws Exception {
        Path src = Corpus.get("fdp03-transform-needed");
        byte[] csv = Files.readAllBytes(src.resolve("budget.csv"));
        try (LoopbackServer s = new LoopbackServer(); Mirrors mirrors = new Mirrors(store, loopbackOk)) {
            String descriptor = Files.readString(src.resolve("datapackage.json"));
            s.files.put("/p/datapackage.json", descriptor.getBytes(StandardCharsets.UTF_8));
            s.files.put("/p/budget.csv", csv);
            mirrors.add(id, s.url("/p/datapackage.json"), Duration.ofHours(1), loopbackOk);
            // Its 'year' column (2014) is declared a date: a mirror publishes only what any publish would accept.
            Mirrors.Result refused = mirrors.refresh(id);
            assertThat(refused.status()).isEqualTo(Mirrors.Status.FAILED);
            assertThat(refused.message()).contains("does not match its schema");
            assertThat(store.exists(id)).isFalse();
            s.files.put("/p/datapackage.json", descriptor.replace("\"type\": \"date\"", "\"type\": \"year\"")
                    .getBytes(StandardCharsets.UTF_8));

            assertThat(mirrors.refresh(id).status()).isEqualTo(Mirrors.Status.PUBLISHED);
            assertThat(store.revisions(id)).hasSize(1);

            assertThat(mirrors.refresh(id)).extracting(Mirrors.Result::status, Mirrors.Result::revision)
                    .containsExactly(Mirrors.Status.UNCHANGED, 1L);
            assertThat(store.revisions(id)).hasSize(1);

            String changed = new String(csv, StandardCharsets.UTF_8).replace("2014", "2015");
            s.files.put("/p/budget.csv", changed.getBytes(StandardCharsets.UTF_8));
            assertThat(mirrors.refresh(id)).extracting(Mirrors.Result::status, Mirrors.Result::revision)
                    .containsExactly(Mirrors.Status.PUBLISHED, 2L);

            s.files.clear();
            assertThat(mirrors.refresh(id).status()).isEqualTo(Mirrors.Status.SOURCE_GONE);
            assertThat(store.revision(id, null).revision()).isEqualTo(2);
            assertThat(store.verify(store.revision(id, null))).isEmpty();
            assertThat(mirrors.get(id).orElseThrow().lastStatus()).isEqualTo("source_gone");

            s.close();
            assertThat(mirrors.refresh(id).status()).isEqualTo(Mirrors.Status.FAILED);
            assertThat(store.revision(id, null).revision()).isEqualTo(2);
        }
    }

    @Test
    void dueMirrorsAreRefreshedAndRegistrationsAreChecked() throws Exception {
        try (Mirrors mirrors = new Mirrors(store, loopbackOk)) {
            SafeFetcher strict = new SafeFetcher(SafeFetcher.Policy.DEFAULT);
            assertThatThrownBy(() -> mirrors.add(id, URI.create("http://127.0.0.1/x.json"), Duration.ofHours(1), strict))
                    .isInstanceOf(CofferException.class);
            assertThatThrownBy(() -> mirrors.add(id, URI.create("http://example.org/x.json"), Duration.ofSeconds(5), loopbackOk))
                    .hasMessageContaining("once a minute");
            mirrors.add(id, URI.create("http://127.0.0.1:1/none.json"), Duration.ofHours(1), loopbackOk);
            assertThat(mirrors.list()).extracting(Mirrors.Mirror::dataset).containsExactly(id);
            assertThat(mirrors.refreshDue(Instant.now())).isEqualTo(1);
            // Just checked: not due again for an hour.
            assertThat(mirrors.refreshDue(Instant.now())).isZero();
            assertThat(mirrors.refreshDue(Instant.now().plus(Duration.ofHours(2)))).isEqualTo(1);
            assertThat(mirrors.remove(id)).isTrue();
            assertThat(mirrors.list()).isEmpty();
        }
    }
}
