package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.engine.CofferEngine;
import io.coffer.engine.EngineConfig;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.server.cli.CofferCli;
import io.coffer.server.http.BabbageRoutes;
import io.coffer.server.http.ReadAccess;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import io.javalin.Javalin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The babbage API and static aggregates through the real server on port 0, and {@code coffer aggregate}. */
class BabbageRoutesIT {
    @TempDir
    static Path tmp;
    static DataStore store;
    static TestServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        store.publish(DatasetId.of("gb", "cra"), PackageSource.directory(Corpus.get("ukgov-cra-sample")));
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

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<String> r) {
        return Json.parse(r.body().getBytes(StandardCharsets.UTF_8), "response");
    }

    @Test
    void cubesModelAggregateFactsMembers() throws Exception {
        HttpResponse<String> cubes = get("/api/3/cubes/");
        assertThat(cubes.statusCode()).isEqualTo(200);
        assertThat(json(cubes).path("data").toString()).contains("\"gb:cra\"");
        assertThat(cubes.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(json(get("/api/3/cubes/gb:cra/model/")).path("model").path("measures").has("amount")).isTrue();

        HttpResponse<String> agg = get("/api/3/cubes/gb:cra/aggregate/?drilldown=cofog1&order=" + enc("amount.sum:desc")
                + "&cut=" + enc("cofog1.name:\"01\";\"04\""));
        assertThat(agg.statusCode()).isEqualTo(200);
        assertThat(agg.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        // The exact decimal is in the body text, not a float rendering of it.
        assertThat(agg.body()).contains("4620653000.04");
        assertThat(json(agg).path("total_cell_count").asInt()).isEqualTo(2);
        assertThat(json(get("/api/3/cubes/gb:cra/aggregate")).path("summary").path("amount.sum").decimalValue())
                .isEqualByComparingTo("12008553000.04");

        HttpResponse<String> csv = get("/api/3/cubes/gb:cra/aggregate/?drilldown=cofog1.name&order=cofog1.name&format=csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).contains("filename=\"gb-cra.csv\"");
        assertThat(csv.body()).startsWith("_count,amount.sum,cofog1.name\r\n728,4332373000.04,01\r\n");

        JsonNode facts = json(get("/api/3/cubes/gb:cra/facts/?pagesize=3&fields=" + enc("cofog1.name,amount")
                + "&cut=" + enc("time.year:2010")));
        assertThat(facts.path("data")).hasSize(3);
        assertThat(facts.path("total_fact_count").asInt()).isPositive();
        JsonNode members = json(get("/api/3/cubes/gb:cra/members/cofog1.name/"));
        assertThat(members.path("total_member_count").asInt()).isEqualTo(6);
        assertThat(json(get("/api/3/")).path("api").asText()).isEqualTo("babbage");
    }

    @Test
    void errorsAreProblems() throws Exception {
        HttpResponse<String> bad = get("/api/3/cubes/gb:cra/aggregate/?drilldown=nosuch");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(bad).path("detail").asText()).contains("Invalid drilldown: 'nosuch'");
        HttpResponse<String> badCsv = get("/api/3/cubes/gb:cra/aggregate/?drilldown=nosuch&format=csv");
        assertThat(badCsv.statusCode()).isEqualTo(400);
        assertThat(badCsv.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(get("/api/3/cubes/gb:nosuch/model/").statusCode()).isEqualTo(404);
        assertThat(get("/api/3/cubes/no-colon-or-slash/model/").statusCode()).isEqualTo(404);
        assertThat(get("/api/3/cubes/gb:cra/members/nosuch/").statusCode()).isEqualTo(400);
        assertThat(get("/api/3/cubes/gb:cra/facts/?cut=" + enc("cofog1.name:1")).statusCode()).isEqualTo(400);
        assertThat(get("/api/datasets/gb/cra/aggregates/..%2Fref.json").statusCode()).isIn(400, 404);
    }

    @Test
    void staticAggregatesAreServed() throws Exception {
        HttpResponse<String> index = get("/api/datasets/gb/cra/aggregates/index.json");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(json(index).path("files").toString()).contains("by-cofog1.csv").contains("by-year.json");
        HttpResponse<String> csv = get("/api/datasets/gb/cra/aggregates/by-cofog1.csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body()).startsWith("_count,amount.sum,cofog1.label,cofog1.name\r\n");
        assertThat(get("/api/datasets/gb/cra/aggregates/by-nothing.csv").statusCode()).isEqualTo(404);
    }

    @Test
    void deletingADatasetDropsItsCachedParquetOnThisNode() throws Exception {
        DataStore own = new DataStore(new FileSystemBlobStore(tmp.resolve("delete-store")));
        DatasetId cra = DatasetId.of("gb", "cra");
        DatasetId kept = DatasetId.of("gb", "kept");
        own.publish(cra, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        own.publish(kept, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        Path cache = tmp.resolve("delete-cache");
        CofferEngine engine = new CofferEngine(own, EngineConfig.defaults().withCacheDir(cache));
        // The delete route as PublishRoutes answers it: 204 when done, a problem when refused.
        Javalin app = Javalin.create(config -> {
            new BabbageRoutes(own, engine, ReadAccess.PUBLIC).register(config);
            config.routes.delete("/api/datasets/{owner}/{name}", ctx -> {
                if ("no".equals(ctx.queryParam("allowed"))) {
                    ctx.status(403);
                    return;
                }
                own.delete(DatasetId.of(ctx.pathParam("owner"), ctx.pathParam("name")));
                ctx.status(204);
            });
        }).start("127.0.0.1", 0);
        try {
            Path craDir = cache.resolve("parquet/gb/cra");
            assertThat(engine.cube(cra, null).parquet()).startsWith(craDir).isRegularFile();
            Path keptFile = engine.cube(kept, null).parquet();
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + app.port() + "/api/datasets/gb/cra");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(uri + "?allowed=no")).DELETE()
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(craDir).isDirectory();
            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(uri).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).isEqualTo(204);
            assertThat(craDir).doesNotExist();
            assertThat(keptFile).isRegularFile();
        } finally {
            app.stop();
            own.close();
        }
    }

    @Test
    void cacheMaxBytesFromTheEnvironment() {
        assertThat(io.coffer.engine.EngineConfig.fromEnvironment(java.util.Map.of("COFFER_ENGINE_CACHE_MAX_BYTES", "2GB"))
                .cacheMaxBytes()).isEqualTo(2_000_000_000L);
        assertThat(io.coffer.engine.EngineConfig.fromEnvironment(java.util.Map.of()).cacheMaxBytes())
                .isEqualTo(EngineConfig.DEFAULT_CACHE_MAX_BYTES);
    }

    @Test
    void aggregateCommand() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = CofferCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("aggregate", "gb/cra", "--drilldown", "cofog1.name", "--cut", "cofog1.name:\"01\"",
                "--format", "csv", "--store", tmp.resolve("store").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("_count,amount.sum,cofog1.name\r\n728,4332373000.04,01\r\n");
        StringWriter json = new StringWriter();
        cl.setOut(new PrintWriter(json));
        assertThat(cl.execute("aggregate", "gb/cra@1", "--store", tmp.resolve("store").toString())).isZero();
        // babbage: no drilldown and no cut is one cell; the facts are in its _count.
        assertThat(json.toString()).contains("\"total_cell_count\" : 1").contains("\"_count\" : 2000")
                .contains("12008553000.04");
        assertThat(cl.execute("aggregate", "gb/cra", "--drilldown", "nosuch", "--store",
                tmp.resolve("store").toString())).isEqualTo(CofferCli.FAILED);
    }
}
