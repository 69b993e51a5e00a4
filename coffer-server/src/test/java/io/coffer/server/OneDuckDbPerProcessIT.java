package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.engine.DuckRuntime;
import io.coffer.engine.EngineConfig;
import io.coffer.engine.StaticAggregates;
import io.coffer.events.Events;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.DatasetService;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.coffer.server.cli.CofferCli;
import io.coffer.server.http.Analytics;
import io.coffer.server.http.CofferServer;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.versions.History;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server wired as {@code coffer serve} wires it (one {@link Analytics} handed to the routes, the events
 * runtime and its jobs) starts exactly one DuckDB while it publishes, builds aggregates and history in jobs,
 * answers aggregate/members/facts queries and diffs.
 */
class OneDuckDbPerProcessIT {
    @TempDir
    Path tmp;

    @Test
    void publishAggregateDiffAndJobsShareOneDuckDb() throws Exception {
        Path pkg = VersionsCliTest.keyedPackage(tmp.resolve("pkg"), null);
        MetaDb db = MetaDb.inMemory("one-duck-" + System.nanoTime());
        DataStore store = new DataStore(new InMemoryBlobStore("one-duck-" + System.nanoTime()));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "pub", "publisher-password-1".toCharArray(), false);
        DatasetId id = DatasetId.of("pub", "cra");
        int before = DuckRuntime.instancesCreated();
        EngineConfig config = EngineConfig.defaults().withCacheDir(tmp.resolve("cache")).withResources(1, "256MB");
        try (Analytics analytics = Analytics.of(store, config, tmp.resolve("cache").resolve("versions"));
             Events events = new Events(sec, store, Events.Config.DEFAULT,
                     Map.of("history", CofferCli.historyJob(store, analytics.versions())), Set.of("history"),
                     analytics.engine()).start();
             CofferServer server = new CofferServer(store, null, "127.0.0.1", 0, analytics).start()) {
            Revision r1 = publish(sec, id, pkg);
            Revision r2 = publish(sec, id, pkg);
            for (Revision r : new Revision[] {r1, r2}) {
                await(store, History.key(r, "dataset"));
                await(store, StaticAggregates.prefix(r) + StaticAggregates.INDEX);
            }
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            for (String path : new String[] {"/api/3/cubes/pub:cra/aggregate?drilldown=cofog1",
                    "/api/3/cubes/pub:cra/members/cofog1", "/api/3/cubes/pub:cra/facts?pagesize=3",
                    "/api/datasets/pub/cra/diff?from=1&to=2"}) {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(path + ": " + res.body()).isEqualTo(200);
            }
            assertThat(DuckRuntime.instancesCreated() - before).as("DuckDB instances started").isEqualTo(1);
        } finally {
            store.close();
            db.close();
        }
        assertThat(DuckRuntime.instancesCreated() - before).isEqualTo(1);
    }

    private static Revision publish(Security sec, DatasetId id, Path pkg) throws Exception {
        return sec.datasets().publish(Principal.session("pub", false), id, null, () ->
                new DatasetService.StagedPackage() {
                    @Override
                    public PackageSource source() {
                        return PackageSource.directory(pkg);
                    }

                    @Override
                    public void close() {
                    }
                });
    }

    private static void await(DataStore store, String key) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (store.blobs().stat(key).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(store.blobs().stat(key)).as(key + " written by a job").isPresent();
    }
}
