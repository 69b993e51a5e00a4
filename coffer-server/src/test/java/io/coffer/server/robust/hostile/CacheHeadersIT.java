package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.Role;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.Principal;
import io.coffer.model.DatasetId;
import io.coffer.store.PackageSource;
import io.coffer.testing.Corpus;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Finding 3: private files were {@code public, max-age=31536000, immutable}, their static aggregates
 * {@code public, max-age=300}, with no {@code Vary}: behind a shared cache one member's download reached anyone.
 */
class CacheHeadersIT {
    static HostileServer s;
    static HostileServer.Who member;

    @BeforeAll
    static void start() throws Exception {
        s = new HostileServer();
        s.user("vera", false);
        s.sec.accounts().createOrg(Principal.SYSTEM, "acme");
        s.sec.accounts().setMember(Principal.SYSTEM, "acme", "vera", Role.VIEWER);
        s.store.publish(DatasetId.of("acme", "secret"), PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies")));
        s.sec.datasets().access().set(DatasetId.of("acme", "secret"), Visibility.PRIVATE);
        s.store.publish(DatasetId.of("acme", "open"), PackageSource.directory(Corpus.get("fdp03-labels-and-hierarchies")));
        member = s.login("vera");
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    static final List<String> READS = List.of(
            "/datasets/acme/%s/@1/budget.csv",
            "/datasets/acme/%s/budget.csv",
            "/datasets/acme/%s/@1/datapackage.json",
            "/api/datasets/acme/%s/aggregates/index.json",
            "/api/datasets/acme/%s",
            "/api/3/cubes/acme:%s/model",
            "/api/3/cubes/acme:%s/aggregate?drilldown=classification.level1_title",
            "/api/3/cubes/acme:%s/aggregate?drilldown=classification.level1_title&format=csv",
            "/d/acme/%s");

    @Test
    void everyAnswerAboutAPrivateDatasetIsPrivateAndNotStored() throws Exception {
        for (String r : READS) {
            String path = r.formatted("secret");
            HostileServer.Resp resp = s.get(path, member);
            assertThat(resp.status()).as(path + ": " + resp.text()).isEqualTo(200);
            assertThat(resp.header("cache-control")).as(path).isEqualTo("private, no-store");
            assertThat(resp.raw().headers().allValues("vary").toString()).as(path).contains("Authorization", "Cookie");
            // A Range read of it too.
            if (path.endsWith(".csv") && path.startsWith("/datasets")) {
                HostileServer.Resp part = s.get(path, member, "Range", "bytes=0-9");
                assertThat(part.status()).isEqualTo(206);
                assertThat(part.header("cache-control")).isEqualTo("private, no-store");
            }
        }
    }

    @Test
    void publicImmutableFilesStayCacheableByAnyone() throws Exception {
        HostileServer.Resp fixed = s.get("/datasets/acme/open/@1/budget.csv", HostileServer.Who.ANONYMOUS);
        assertThat(fixed.header("cache-control")).isEqualTo("public, max-age=31536000, immutable");
        HostileServer.Resp statics = s.get("/api/datasets/acme/open/aggregates/index.json", HostileServer.Who.ANONYMOUS);
        assertThat(statics.header("cache-control")).isEqualTo("public, max-age=300");
    }

    @Test
    void listingsThatDependOnTheCallerArePrivate() throws Exception {
        for (String path : List.of("/api/datasets", "/", "/registry/data/catalog.csv")) {
            HostileServer.Resp anon = s.get(path, HostileServer.Who.ANONYMOUS);
            assertThat(anon.status()).as(path).isEqualTo(200);
            assertThat(anon.header("cache-control")).as(path).startsWith("private");
            assertThat(anon.raw().headers().allValues("vary").toString()).as(path).contains("Authorization");
            assertThat(s.get(path, member).text()).as(path).contains("secret");
            assertThat(anon.text()).as(path).doesNotContain("secret");
        }
    }
}
