package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.events.Events;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.coffer.server.cli.CofferCli;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.versions.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A publish through the service queues the record-history job; a worker builds the history Parquet. */
class HistoryJobTest {
    @TempDir
    Path tmp;

    @Test
    void publishedKeyedRevisionsGetTheirHistoryBuiltByAJob() throws Exception {
        Path pkg = VersionsCliTest.keyedPackage(tmp.resolve("pkg"), null);
        MetaDb db = MetaDb.inMemory("history-job-" + System.nanoTime());
        DataStore store = new DataStore(new InMemoryBlobStore("history-job-" + System.nanoTime()));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "pub", "publisher-password-1".toCharArray(), false);
        DatasetId id = DatasetId.of("pub", "cra");
        try (io.coffer.versions.Versions versions = new io.coffer.versions.Versions(store,
                     Files.createDirectories(tmp.resolve("work")), 1, "256MB");
             Events events = new Events(sec, store, Events.Config.DEFAULT,
                     Map.of("history", CofferCli.historyJob(store, versions)), Set.of("history")).start()) {
            Revision rev = sec.datasets().publish(Principal.session("pub", false), id, null, () ->
                    new io.coffer.meta.auth.DatasetService.StagedPackage() {
                        @Override
                        public PackageSource source() {
                            return PackageSource.directory(pkg);
                        }

                        @Override
                        public void close() {
                        }
                    });
            String key = History.key(rev, "dataset");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (store.blobs().stat(key).isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertThat(store.blobs().stat(key)).as("history Parquet written by the job").isPresent();
            assertThat(store.blobs().stat(io.coffer.versions.Versions.derivedPrefix(rev) + "version.json")).isPresent();
        } finally {
            store.close();
            db.close();
        }
    }
}
