package io.coffer.server.http;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.oas.OpenApi31;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.testing.Corpus;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real answers of the cube, static-aggregate, validation, wizard and operations routes checked against
 * what docs/openapi.yaml says of them: the status is documented for the operation, the media type is
 * documented for that status, and a JSON body matches the documented schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiResponsesIT {
    static final String DOC_URI = "https://coffer.invalid/openapi.json";
    static final DatasetId CRA = DatasetId.of("gb", "cra");

    Path tmp;
    MetaDb db;
    DataStore store;
    TestServer server;
    JsonNode doc;
    JsonSchemaFactory schemas;
    /** Signed in as an administrator (session cookie). */
    final HttpClient admin = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    final HttpClient anonymous = HttpClient.newHttpClient();
    String csrf;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("coffer-openapi-responses");
        db = MetaDb.inMemory("openapi-responses-" + System.nanoTime());
        store = new DataStore(new InMemoryBlobStore("openapi-responses"));
        store.publish(CRA, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        Security security = new Security(db, store);
        security.accounts().createUser(Principal.SYSTEM, "ada", "ada password 12".toCharArray(), true);
        server = TestServer.builder().store(store).db(db).maxUploadBytes(1 << 20).uploadDir(tmp.resolve("uploads")).start();
        HttpResponse<byte[]> d = send(anonymous, get("/api/openapi.json"));
        doc = Json.parse(d.body(), "openapi.json");
        // The whole document is the schema resource, so "#/components/..." refs resolve as in the document.
        String text = new String(d.body(), StandardCharsets.UTF_8);
        // The OpenAPI dialect, told that the document's top-level members are not schema keywords.
        JsonMetaSchema dialect = JsonMetaSchema.builder(OpenApi31.getInstance())
                .keywords(Stream.of("openapi", "info", "servers", "paths", "components")
                        .map(NonValidationKeyword::new).toList())
                .build();
        schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b
                .metaSchema(dialect).defaultMetaSchemaIri(dialect.getIri())
                .schemaLoaders(l -> l.schemas(Map.of(DOC_URI, text))));
        HttpResponse<byte[]> login = send(admin, HttpRequest.newBuilder(uri("/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"ada\",\"password\":\"ada password 12\"}")));
        csrf = Json.parse(login.body(), "login").path("csrfToken").asText();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        store.close();
        db.close();
        try (var s = Files.walk(tmp)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(uri(path));
    }

    static HttpResponse<byte[]> send(HttpClient client, HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Asserts the answer is one the document describes for {@code method template}; returns the JSON body, if any. */
    JsonNode conforms(String method, String template, HttpResponse<byte[]> r) {
        String where = method + " " + template + " -> " + r.statusCode();
        String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/"
                + r.statusCode();
        JsonNode response = doc.at(pointer);
        assertThat(response.isMissingNode()).as(where + " is not documented").isFalse();
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = doc.at(pointer);
        }
        String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        JsonNode content = response.path("content");
        if (content.isMissingNode() || r.body().length == 0) {
            return null;
        }
        assertThat(content.has(type)).as(where + ": media type " + type + " is not documented").isTrue();
        if (!type.endsWith("json") || !content.path(type).has("schema")) {
            return null;
        }
        JsonNode body = Json.parse(r.body(), where);
        JsonSchema schema = schemas.getSchema(SchemaLocation.of(DOC_URI + "#" + pointer + "/content/"
                + escape(type) + "/schema"));
        assertThat(schema.validate(body)).as(where + ": body does not match the documented schema\n" + body).isEmpty();
        return body;
    }

    /** A JSON pointer token: "~" and "/" escaped. */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    @Test
    void operationsRoutes() throws Exception {
        conforms("GET", "/api", send(anonymous, get("/api")));
        conforms("GET", "/api/openapi.json", send(anonymous, get("/api/openapi.json")));
        conforms("GET", "/health/live", send(anonymous, get("/health/live")));
        conforms("GET", "/health/ready", send(anonymous, get("/health/ready")));
        conforms("GET", "/metrics", send(anonymous, get("/metrics")));
        conforms("GET", "/admin/usage", send(anonymous, get("/admin/usage")));
        conforms("GET", "/admin/usage", send(admin, get("/admin/usage")));
        JsonNode ds = conforms("GET", "/api/datasets/{owner}/{name}", send(anonymous, get("/api/datasets/gb/cra")));
        assertThat(ds.path("version").asText()).isNotEmpty();
    }

    @Test
    void cubeRoutes() throws Exception {
        conforms("GET", "/api/3", send(anonymous, get("/api/3/")));
        conforms("GET", "/api/3/cubes", send(anonymous, get("/api/3/cubes")));
        String cube = "/api/3/cubes/{cube}";
        conforms("GET", cube + "/model", send(anonymous, get("/api/3/cubes/gb:cra/model/")));
        JsonNode agg = conforms("GET", cube + "/aggregate", send(anonymous, get("/api/3/cubes/gb:cra/aggregate/?drilldown="
                + "cofog1&pagesize=2&order=" + enc("amount.sum:desc") + "&cut=" + enc("!cofog1.name:\"01\"|time.year:2000.."))));
        assertThat(agg.path("cell").get(1).path("value").get(0).has("from")).isTrue();
        conforms("GET", cube + "/aggregate", send(anonymous, get("/api/3/cubes/gb:cra/aggregate?aggregates="
                + enc("amount.avg|_count|amount.max"))));
        conforms("GET", cube + "/aggregate", send(anonymous, get("/api/3/cubes/gb:cra/aggregate?drilldown=cofog1&format=csv")));
        conforms("GET", cube + "/aggregate", send(anonymous, get("/api/3/cubes/gb:cra/aggregate?drilldown=nosuch")));
        conforms("GET", cube + "/aggregate", send(anonymous, get("/api/3/cubes/gb:nosuch/aggregate")));
        conforms("GET", cube + "/facts", send(anonymous, get("/api/3/cubes/gb:cra/facts?pagesize=2&cut="
                + enc("cofog1.name:\"01\""))));
        conforms("GET", cube + "/facts", send(anonymous, get("/api/3/cubes/gb:cra/facts?pagesize=1&fields="
                + enc("cofog1,amount") + "&order=" + enc("amount:desc"))));
        conforms("GET", cube + "/members/{ref}", send(anonymous, get("/api/3/cubes/gb:cra/members/cofog1/?pagesize=3")));
        conforms("GET", cube + "/members/{ref}", send(anonymous, get("/api/3/cubes/gb:cra/members/nosuch")));
        conforms("GET", cube + "/model", send(anonymous, get("/api/3/cubes/gb:cra/model?revision=1&asOf=2020-01-01")));
    }

    @Test
    void staticAggregates() throws Exception {
        String route = "/api/datasets/{owner}/{name}/aggregates/{file}";
        JsonNode index = conforms("GET", route, send(anonymous, get("/api/datasets/gb/cra/aggregates/index.json")));
        assertThat(index.path("files").toString()).contains("by-year.json");
        conforms("GET", route, send(anonymous, get("/api/datasets/gb/cra/aggregates/by-cofog1.json")));
        conforms("GET", route, send(anonymous, get("/api/datasets/gb/cra/aggregates/by-year.json")));
        conforms("GET", route, send(anonymous, get("/api/datasets/gb/cra/aggregates/by-cofog1.csv")));
        conforms("GET", route, send(anonymous, get("/api/datasets/gb/cra/aggregates/by-nothing.json")));
    }

    @Test
    void validation() throws Exception {
        JsonNode csvReport = conforms("POST", "/api/validate", send(anonymous, get("/api/validate")
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("a,b\n1,2\n3\n"))));
        // The server's temporary paths are not shown to whoever sent the file.
        assertThat(csvReport.path("tasks").get(0).path("place").asText()).isEqualTo("upload.csv");
        assertThat(csvReport.toString()).doesNotContain(System.getProperty("java.io.tmpdir")).doesNotContain("validate-");
        conforms("POST", "/api/validate", send(anonymous, get("/api/validate").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))));
        conforms("POST", "/api/validate", send(anonymous, get("/api/validate").header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofString("x"))));
    }

    @Test
    void uploadWizard() throws Exception {
        String csv = "year,amount,region\n2020,1.5,north\n2021,2,south\n";
        conforms("POST", "/api/uploads", send(anonymous, get("/api/uploads?name=spend.csv")
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv))));
        conforms("POST", "/api/uploads", send(admin, get("/api/uploads?name=spend.csv")
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv))));
        JsonNode first = conforms("POST", "/api/uploads", send(admin, get("/api/uploads?name=spend.csv")
                .header("X-CSRF-Token", csrf).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv))));
        HttpResponse<byte[]> published = send(admin, get("/api/uploads/" + first.path("id").asText() + "/publish")
                .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"owner\":\"ada\",\"name\":\"spend\",\"title\":\"Spend\","
                        + "\"license\":\"CC-BY-4.0\",\"currency\":\"EUR\",\"fiscalPeriod\":{\"start\":\"2020-01-01\"},"
                        + "\"mapping\":{\"fields\":{\"amount\":{\"columnType\":\"value\"}}}}")));
        assertThat(published.statusCode()).isEqualTo(201);
        conforms("POST", "/api/uploads/{id}/publish", published);
        // The same columns again: the answer offers the saved mapping as "previous".
        JsonNode second = conforms("POST", "/api/uploads", send(admin, get("/api/uploads?name=spend.csv")
                .header("X-CSRF-Token", csrf).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv))));
        assertThat(second.path("previous").path("dataset").asText()).isEqualTo("ada/spend");
        String id = second.path("id").asText();
        conforms("POST", "/api/uploads/{id}/publish", send(admin, get("/api/uploads/" + id + "/publish")
                .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"owner\":\"ada\",\"name\":\"spend2\","
                        + "\"mapping\":{\"fields\":{\"region\":{\"type\":\"integer\"}}}}"))));
        conforms("DELETE", "/api/uploads/{id}", send(admin, get("/api/uploads/" + id).header("X-CSRF-Token", csrf).DELETE()));
        conforms("DELETE", "/api/uploads/{id}", send(admin, get("/api/uploads/" + id).header("X-CSRF-Token", csrf).DELETE()));
    }
}
