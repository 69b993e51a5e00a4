package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.AccountService;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.testing.Corpus;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** API usage per endpoint, dataset and token, shown to administrators only. */
class UsagePageIT {
    @Test
    void adminsSeeUsagePerEndpointDatasetAndTokenOthersDoNot() throws Exception {
        MetaDb db = MetaDb.inMemory("usage-" + System.nanoTime());
        DataStore store = new DataStore(new InMemoryBlobStore("usage"));
        store.publish(DatasetId.of("ukgov", "cra"), PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "root", "root-password-123".toCharArray(), true);
        sec.accounts().createUser(Principal.SYSTEM, "rea", "rea-password-1234".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("root", true), "ukgov");
        sec.accounts().setMember(Principal.SYSTEM, "ukgov", "rea", io.coffer.meta.Role.VIEWER);
        AccountService.IssuedToken t = sec.accounts().createToken(Principal.SYSTEM, "rea", Scope.READ, "ukgov", null,
                Instant.now().plus(Duration.ofDays(1)), "usage test");
        try (TestServer server = TestServer.builder().store(store).db(db).maxUploadBytes(1 << 20).uploadDir(java.nio.file.Files.createTempDirectory("usage")).start()) {
            String base = "http://127.0.0.1:" + server.port();
            HttpClient plain = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = plain.send(HttpRequest.newBuilder(URI.create(base + "/api/datasets/ukgov/cra"))
                        .header("Authorization", "Bearer " + t.secret()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            assertThat(plain.send(HttpRequest.newBuilder(URI.create(base + "/admin/usage")).header("Authorization",
                    "Bearer " + t.secret()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

            HttpClient admin = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            HttpResponse<String> login = admin.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"root\",\"password\":\"root-password-123\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            HttpResponse<String> page = admin.send(HttpRequest.newBuilder(URI.create(base + "/admin/usage")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("token token=" + t.token().id() + " user=rea")
                    .contains("dataset dataset=ukgov/cra route=/api/datasets/{owner}/{name}")
                    .contains("endpoint GET /api/datasets/{owner}/{name} status=200")
                    .doesNotContain(t.secret());
        } finally {
            store.close();
            db.close();
        }
    }
}
