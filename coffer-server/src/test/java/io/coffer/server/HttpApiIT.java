package io.coffer.server;

import io.coffer.testing.Corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server on port 0 over a filesystem store holding a corpus package. */
class HttpApiIT {
    @TempDir
    static Path tmp;
    static DataStore store;
    static TestServer server;
    static HttpClient http = HttpClient.newHttpClient();
    static final DatasetId UK = DatasetId.of("ukgov", "cra");

    @BeforeAll
    static void start() throws Exception {
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        store.publish(UK, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        store.publish(UK, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        store.publish(DatasetId.of("mk", "budget"), PackageSource.directory(Corpus.get("demo-openspending-macedonia")));
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

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        return Json.parse(r.body(), "response");
    }

    @Test
    void healthAndIndex() throws Exception {
        assertThat(json(get("/health")).path("status").asText()).isEqualTo("ok");
        assertThat(json(get("/api")).path("datasets").asText()).isEqualTo("/api/datasets");
    }

    @Test
    void listsDatasetsWithTitlesAndRevisions() throws Exception {
        HttpResponse<byte[]> r = get("/api/datasets");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode d = json(r).path("datasets");
        assertThat(d).hasSize(2);
        assertThat(d.get(1).path("id").asText()).isEqualTo("ukgov/cra");
        assertThat(d.get(1).path("title").asText()).isEqualTo("UK Country Regional Analysis");
        assertThat(d.get(1).path("revision").asLong()).isEqualTo(2);
    }

    @Test
    void showsOneDatasetAndItsRevisions() throws Exception {
        JsonNode d = json(get("/api/datasets/ukgov/cra"));
        assertThat(d.path("revision").asLong()).isEqualTo(2);
        assertThat(d.path("files").findValuesAsText("path")).containsExactly("datapackage.json", "dataset.csv");
        assertThat(d.path("descriptor").path("model").path("measures").has("amount")).isTrue();
        assertThat(json(get("/api/datasets/ukgov/cra?revision=1")).path("revision").asLong()).isEqualTo(1);
        JsonNode revs = json(get("/api/datasets/ukgov/cra/revisions")).path("revisions");
        assertThat(revs.findValuesAsText("revision")).containsExactly("2", "1");
    }

    @Test
    void downloadsAreByteIdenticalWithTypesAndStrongEtags() throws Exception {
        byte[] original = Files.readAllBytes(Corpus.get("ukgov-cra-sample").resolve("dataset.csv"));
        HttpResponse<byte[]> r = get("/datasets/ukgov/cra/dataset.csv");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(original);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
        assertThat(r.headers().firstValue("content-length")).hasValue(Long.toString(original.length));
        String etag = r.headers().firstValue("etag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]{64}\"");
        assertThat(get("/datasets/ukgov/cra/dataset.csv", "If-None-Match", etag).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> old = get("/datasets/ukgov/cra/@1/datapackage.json");
        assertThat(old.body()).isEqualTo(Files.readAllBytes(Corpus.get("ukgov-cra-sample").resolve("datapackage.json")));
        assertThat(old.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(old.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
        assertThat(old.headers().firstValue("x-coffer-revision")).hasValue("1");
    }

    @Test
    void rangesAreHonoured() throws Exception {
        byte[] original = Files.readAllBytes(Corpus.get("ukgov-cra-sample").resolve("dataset.csv"));
        HttpResponse<byte[]> r = get("/datasets/ukgov/cra/dataset.csv", "Range", "bytes=10-19");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(original, 10, 20));
        assertThat(r.headers().firstValue("content-range")).hasValue("bytes 10-19/" + original.length);
        HttpResponse<byte[]> tail = get("/datasets/ukgov/cra/dataset.csv", "Range", "bytes=-5");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(original, original.length - 5, original.length));
        HttpResponse<byte[]> bad = get("/datasets/ukgov/cra/dataset.csv", "Range", "bytes=99999999-");
        assertThat(bad.statusCode()).isEqualTo(416);
        assertThat(json(bad).path("code").asText()).isEqualTo("range-not-satisfiable");
    }

    @Test
    void headReportsSizeWithoutBody() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/datasets/mk/budget/MFBudzetIRebalansNaRMmk-MK.csv")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("content-length")).hasValue(
                Long.toString(Files.size(Corpus.get("demo-openspending-macedonia").resolve("MFBudzetIRebalansNaRMmk-MK.csv"))));
    }

    @Test
    void registryListsEveryDataset() throws Exception {
        String csv = new String(get("/registry/data/catalog.csv").body(), StandardCharsets.UTF_8);
        assertThat(csv.split("\r\n")).containsExactly("url,name,owner",
                "datasets/mk/budget/datapackage.json,budget,mk", "datasets/ukgov/cra/datapackage.json,cra,ukgov");
        JsonNode d = json(get("/registry/datapackage.json"));
        assertThat(d.path("resources").get(0).path("path").asText()).isEqualTo("data/catalog.csv");
    }

    @Test
    void errorsAreProblemJsonWithStableCodes() throws Exception {
        HttpResponse<byte[]> missing = get("/api/datasets/nobody/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(json(missing).path("code").asText()).isEqualTo("not-found");
        assertThat(json(get("/no/such/route")).path("code").asText()).isEqualTo("not-found");
        assertThat(json(get("/datasets/ukgov/cra/nope.csv")).path("status").asInt()).isEqualTo(404);
        HttpResponse<byte[]> badRev = get("/datasets/ukgov/cra/@x/dataset.csv");
        assertThat(badRev.statusCode()).isEqualTo(400);
        assertThat(json(badRev).path("code").asText()).isEqualTo("invalid-revision");
        assertThat(json(get("/api/datasets/UKGOV/cra")).path("code").asText()).isEqualTo("invalid-name");
        assertThat(get("/api/datasets/ukgov/cra?revision=9").statusCode()).isEqualTo(404);
    }

    @Test
    void securityHeadersOnEveryResponse() throws Exception {
        for (String p : new String[] {"/api/datasets", "/datasets/ukgov/cra/dataset.csv", "/nope"}) {
            HttpResponse<byte[]> r = get(p);
            assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("content-security-policy")).hasValueSatisfying(
                    v -> assertThat(v).contains("default-src 'none'"));
        }
    }

    @Test
    void healthEndpointsAndPrometheusMetricsWithPerDatasetUsage() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(json(get("/health/ready")).path("status").asText()).isEqualTo("ready");
        get("/datasets/ukgov/cra/datapackage.json");
        get("/api/datasets/ukgov/cra");
        HttpResponse<byte[]> m = get("/metrics");
        assertThat(m.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        String text = new String(m.body(), StandardCharsets.UTF_8);
        String usage = "coffer_api_usage_total{dataset=\"ukgov/cra\",route=\"/datasets/{owner}/{name}/<path>\"}";
        assertThat(text).contains("coffer_http_requests_seconds_count{method=\"GET\",route=\"/api/datasets/{owner}/{name}\",status=\"200\"}")
                .contains("jvm_memory_used_bytes")
                // The server has accounts: per-dataset series (which could name private datasets) are for admins.
                .doesNotContain(usage);
        server.security().accounts().createUser(io.coffer.meta.auth.Principal.SYSTEM, "root",
                "root-password-long-enough".toCharArray(), true);
        HttpResponse<byte[]> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/auth/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"root\",\"password\":\"root-password-long-enough\"}"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = login.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("coffer_session="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        String admin = new String(get("/metrics", "Cookie", cookie).body(), StandardCharsets.UTF_8);
        assertThat(admin).contains(usage);
    }

    @Test
    void theOpenApiDocumentIsServedAndDescribesTheRoutes() throws Exception {
        JsonNode doc = json(get("/api/openapi.json"));
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("paths").has("/api/datasets")).isTrue();
        assertThat(doc.path("paths").has("/api/datasets/{owner}/{name}/revisions")).isTrue();
        assertThat(doc.path("components").path("schemas").has("Problem")).isTrue();
    }
}
