package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.versions.Upsert;
import io.coffer.versions.Versions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server on port 0: semver, asOf, diff (JSON and CSV) and record history over HTTP. */
class VersionsHttpIT {
    @TempDir
    static Path tmp;
    static DataStore store;
    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();
    static final DatasetId UK = DatasetId.of("ukgov", "cra");
    static Revision one;
    static Revision two;
    static String changedKey;
    static String formulaKey;

    @BeforeAll
    static void start() throws Exception {
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        Path full = VersionsCliTest.keyedPackage(tmp.resolve("full"), null);
        one = store.publish(UK, PackageSource.directory(full));
        List<List<String>> rows = VersionsCliTest.read(full.resolve("dataset.csv"));
        List<String> header = rows.get(0);
        int amount = header.indexOf("amount");
        int label = header.indexOf("to_label");
        int id = header.indexOf("openspending_id");
        List<String> changed = new ArrayList<>(rows.get(1));
        changed.set(amount, "1.00");
        changedKey = changed.get(id);
        List<String> formula = new ArrayList<>(rows.get(5));
        formula.set(label, "=cmd|' /C calc'!A0");
        formulaKey = formula.get(id);
        Path changes = tmp.resolve("changes");
        Files.createDirectories(changes);
        Files.copy(full.resolve("datapackage.json"), changes.resolve("datapackage.json"));
        VersionsCliTest.write(changes.resolve("dataset.csv"), List.of(header, changed, formula));
        try (Versions v = new Versions(store, tmp.resolve("work"), 1, "512MB")) {
            Upsert.stage(v, store, one, changes, null, tmp.resolve("staged"));
        }
        Thread.sleep(5); // distinct publish times for asOf
        two = store.publish(UK, PackageSource.directory(tmp.resolve("staged")), 1L);
        server = TestServer.start(store);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        return Json.parse(r.body(), "response");
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void datasetAndRevisionsShowTheSemver() throws Exception {
        JsonNode d = json(get("/api/datasets/ukgov/cra"));
        assertThat(d.path("revision").asLong()).isEqualTo(2);
        assertThat(d.path("version").asText()).isEqualTo("1.0.1");
        assertThat(d.path("change").path("level").asText()).isEqualTo("patch");
        JsonNode revs = json(get("/api/datasets/ukgov/cra/revisions")).path("revisions");
        assertThat(revs.findValuesAsText("version")).containsExactly("1.0.1", "1.0.0");
    }

    @Test
    void asOfPicksTheRevisionPublishedAtOrBeforeIt() throws Exception {
        String at = q(one.publishedAt().toString());
        assertThat(json(get("/api/datasets/ukgov/cra?asOf=" + at)).path("revision").asLong()).isEqualTo(1);
        assertThat(json(get("/api/datasets/ukgov/cra?asOf=" + q(two.publishedAt().toString()))).path("revision")
                .asLong()).isEqualTo(2);
        HttpResponse<byte[]> file = get("/datasets/ukgov/cra/dataset.csv?asOf=" + at);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("X-Coffer-Revision")).hasValue("1");
        assertThat(get("/api/datasets/ukgov/cra?asOf=2000-01-01").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> both = get("/api/datasets/ukgov/cra?asOf=2000-01-01&revision=1");
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(json(get("/api/datasets/ukgov/cra?asOf=tomorrow")).path("code").asText()).isEqualTo("invalid-revision");
        // the babbage API takes asOf too: the same answer as revision=1
        HttpResponse<byte[]> byAsOf = get("/api/3/cubes/ukgov:cra/aggregate?asOf=" + at);
        HttpResponse<byte[]> byRev = get("/api/3/cubes/ukgov:cra/aggregate?revision=1");
        assertThat(byRev.statusCode()).isEqualTo(200);
        assertThat(byAsOf.statusCode()).isEqualTo(200);
        assertThat(json(byAsOf).path("summary")).isEqualTo(json(byRev).path("summary"));
        // revision 2 changed one amount, so the totals differ from the latest's
        assertThat(json(get("/api/3/cubes/ukgov:cra/aggregate")).path("summary")).isNotEqualTo(json(byRev).path("summary"));
    }

    @Test
    void diffAsJsonAndCsv() throws Exception {
        HttpResponse<byte[]> r = get("/api/datasets/ukgov/cra/diff?from=1&to=2");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode d = json(r);
        assertThat(d.path("counts").path("changed").asLong()).isEqualTo(2);
        assertThat(d.path("counts").path("added").asLong()).isZero();
        assertThat(d.path("counts").path("unchanged").asLong()).isEqualTo(1998);
        assertThat(d.path("compatibility").path("level").asText()).isEqualTo("patch");
        assertThat(d.path("rows").findValuesAsText("op")).containsOnly("changed");
        assertThat(json(get("/api/datasets/ukgov/cra/diff?from=1&to=2&limit=1")).path("truncated").asBoolean()).isTrue();

        HttpResponse<byte[]> csv = get("/api/datasets/ukgov/cra/diff?from=1&to=2&format=csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("content-type").orElseThrow()).startsWith("text/csv");
        String text = new String(csv.body(), StandardCharsets.UTF_8);
        assertThat(text.lines().count()).isEqualTo(5);
        assertThat(text).contains("'=cmd|").doesNotContain(",=cmd|");

        assertThat(get("/api/datasets/ukgov/cra/diff").statusCode()).isEqualTo(400);
        assertThat(get("/api/datasets/ukgov/cra/diff?from=9").statusCode()).isEqualTo(404);
        assertThat(get("/api/datasets/nobody/none/diff?from=1").statusCode()).isEqualTo(404);
    }

    @Test
    void recordHistory() throws Exception {
        JsonNode h = json(get("/api/datasets/ukgov/cra/records/" + changedKey + "/history"));
        assertThat(h.path("count").asInt()).isEqualTo(2);
        assertThat(h.path("versions").get(0).path("firstRevision").asLong()).isEqualTo(1);
        assertThat(h.path("versions").get(0).path("firstSeen").asText()).isEqualTo(one.publishedAt().toString());
        assertThat(h.path("versions").get(0).path("endedIn").asLong()).isEqualTo(2);
        assertThat(h.path("versions").get(1).path("row").path("amount").asText()).isEqualTo("1.00");
        // as of revision 1 there was only the first version
        JsonNode asOfOne = json(get("/api/datasets/ukgov/cra/records/" + changedKey + "/history?revision=1"));
        assertThat(asOfOne.path("count").asInt()).isEqualTo(1);
        assertThat(asOfOne.path("versions").get(0).path("live").asBoolean()).isTrue();
        assertThat(get("/api/datasets/ukgov/cra/records/no-such-key/history").statusCode()).isEqualTo(404);
    }
}
