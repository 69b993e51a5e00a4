package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.server.auth.Zips;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.testing.Corpus;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT /api/datasets/{owner}/{name}?mode=upsert} on the real server: changed and new rows plus a CSV of keys
 * to delete are merged into the latest revision and published as a full new revision, only over the revision
 * they were merged into.
 */
class UpsertHttpIT {
    static final DatasetId UK = DatasetId.of("ukgov", "cra");
    @TempDir
    static Path tmp;
    static MetaDb db;
    static DataStore store;
    static TestServer server;
    static String token;
    static final HttpClient http = HttpClient.newHttpClient();
    static Path full;

    @BeforeAll
    static void start() throws Exception {
        db = MetaDb.inMemory("upsert-" + System.nanoTime());
        store = new DataStore(new InMemoryBlobStore("upsert-http"));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "ed", "ed-password-12345".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("ed", false), "ukgov");
        token = sec.accounts().createToken(Principal.SYSTEM, "ed", Scope.PUBLISH, "ukgov", null, null, "upsert")
                .secret();
        full = VersionsCliTest.keyedPackage(tmp.resolve("full"), null);
        store.publish(UK, PackageSource.directory(full));
        store.publish(DatasetId.of("ukgov", "unkeyed"), PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        server = TestServer.builder().store(store).db(db).maxUploadBytes(64 << 20).uploadDir(tmp.resolve("uploads")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
        db.close();
    }

    record Resp(int status, JsonNode json, String body) {
    }

    static Resp put(String path, byte[] zip, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/zip")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(zip));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), Json.parse(r.body().getBytes(StandardCharsets.UTF_8), "response"), r.body());
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body().getBytes(StandardCharsets.UTF_8), "response");
    }

    @Test
    void changesAndDeletesAreMergedIntoTheLatestRevision() throws Exception {
        List<List<String>> rows = VersionsCliTest.read(full.resolve("dataset.csv"));
        List<String> header = rows.get(0);
        int amount = header.indexOf("amount");
        int id = header.indexOf("openspending_id");
        List<String> changed = new ArrayList<>(rows.get(1));
        changed.set(amount, "123.45");
        List<String> added = new ArrayList<>(rows.get(3));
        added.set(id, "new-row-1");
        added.set(amount, "0.10");
        String deletedKey = rows.get(2).get(id);
        Path changes = tmp.resolve("changes");
        Files.createDirectories(changes);
        Files.copy(full.resolve("datapackage.json"), changes.resolve("datapackage.json"));
        VersionsCliTest.write(changes.resolve("dataset.csv"), List.of(header, changed, added));
        Files.writeString(changes.resolve("coffer-deletes.csv"), "openspending_id\n" + deletedKey + "\nno-such-key\n");
        byte[] zip = Zips.tree(changes);

        BigDecimal before = total();
        Resp up = put("/api/datasets/ukgov/cra?mode=upsert", zip);
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        assertThat(up.json().path("revision").asLong()).isEqualTo(2);
        JsonNode u = up.json().path("upsert");
        assertThat(u.path("onto").asLong()).isEqualTo(1);
        assertThat(u.path("updated").asLong()).isEqualTo(1);
        assertThat(u.path("inserted").asLong()).isEqualTo(1);
        assertThat(u.path("deleted").asLong()).isEqualTo(1);
        assertThat(u.path("unknownDeletes").asLong()).isEqualTo(1);
        assertThat(u.path("rows").asLong()).isEqualTo(rows.size() - 1);

        // The new revision is the full data: the diff sees exactly these changes, and the total moves exactly.
        JsonNode diff = get("/api/datasets/ukgov/cra/diff?from=1&to=2");
        assertThat(diff.path("counts").path("added").asLong()).isEqualTo(1);
        assertThat(diff.path("counts").path("removed").asLong()).isEqualTo(1);
        assertThat(diff.path("counts").path("changed").asLong()).isEqualTo(1);
        BigDecimal expected = before.subtract(new BigDecimal(rows.get(1).get(amount))).add(new BigDecimal("123.45"))
                .subtract(new BigDecimal(rows.get(2).get(amount))).add(new BigDecimal("0.10"));
        assertThat(total()).isEqualByComparingTo(expected);
        // The reserved deletes file is not part of the published package.
        assertThat(get("/api/datasets/ukgov/cra").path("files").findValuesAsText("path"))
                .containsExactlyInAnyOrder("datapackage.json", "dataset.csv");

        // Only over the revision it was merged into: a stale If-Match is refused, the right one passes.
        Resp stale = put("/api/datasets/ukgov/cra?mode=upsert", zip, "If-Match", "\"r1\"");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().path("detail").asText()).contains("is at revision 2, not 1");
        Resp again = put("/api/datasets/ukgov/cra?mode=upsert", zip, "If-Match", "\"r2\"");
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json().path("upsert").path("onto").asLong()).isEqualTo(2);
        // The same changes again: both rows exist now, the deleted key is gone.
        assertThat(again.json().path("upsert").path("updated").asLong()).isEqualTo(2);
        assertThat(again.json().path("upsert").path("inserted").asLong()).isEqualTo(0);
        assertThat(again.json().path("upsert").path("unknownDeletes").asLong()).isEqualTo(2);
        assertThat(total()).isEqualByComparingTo(expected);
        assertThat(store.revisions(UK)).hasSize(3);
        try (Stream<Path> left = Files.list(tmp.resolve("uploads"))) {
            assertThat(left).as("staged uploads and merged packages are removed").isEmpty();
        }
    }

    @Test
    void theCommandLineSendsAnUpsertToARemoteServer() throws Exception {
        DatasetId cli = DatasetId.of("ukgov", "cra-cli");
        store.publish(cli, PackageSource.directory(full));
        List<List<String>> rows = VersionsCliTest.read(full.resolve("dataset.csv"));
        List<String> header = rows.get(0);
        int id = header.indexOf("openspending_id");
        List<String> changed = new ArrayList<>(rows.get(7));
        changed.set(header.indexOf("amount"), "7.77");
        Path changes = Files.createDirectories(tmp.resolve("cli-changes"));
        Files.copy(full.resolve("datapackage.json"), changes.resolve("datapackage.json"));
        VersionsCliTest.write(changes.resolve("dataset.csv"), List.of(header, changed));
        Path deletes = tmp.resolve("cli-deletes.csv");
        Files.writeString(deletes, "openspending_id\n" + rows.get(8).get(id) + "\n" + rows.get(9).get(id) + "\n");
        Path tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, token);

        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = io.coffer.server.cli.CofferCli.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute("publish", changes.toString(), "--owner", "ukgov", "--name", "cra-cli", "--mode", "upsert",
                "--deletes", deletes.toString(), "--expect-revision", "1", "--remote",
                "http://127.0.0.1:" + server.port(), "--token-file", tokenFile.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("upsert onto revision 1: 1 updated, 0 added, 2 deleted, " + (rows.size() - 3)
                + " rows", "published ukgov/cra-cli revision 2");
        JsonNode diff = get("/api/datasets/ukgov/cra-cli/diff?from=1&to=2");
        assertThat(diff.path("counts").path("removed").asLong()).isEqualTo(2);
        assertThat(diff.path("counts").path("changed").asLong()).isEqualTo(1);
    }

    @Test
    void upsertsNeedAnExistingKeyedDatasetAndAKnownMode() throws Exception {
        byte[] zip = Zips.tree(full);
        Resp missing = put("/api/datasets/ukgov/nothing-here?mode=upsert", zip);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("detail").asText()).contains("publish it in full");
        Resp unkeyed = put("/api/datasets/ukgov/unkeyed?mode=upsert", Zips.tree(Corpus.get("ukgov-cra-sample")));
        assertThat(unkeyed.status()).isEqualTo(422);
        assertThat(unkeyed.json().path("detail").asText()).contains("no primary key");
        assertThat(put("/api/datasets/ukgov/cra?mode=merge", zip).status()).isEqualTo(400);
        assertThat(store.revisions(DatasetId.of("ukgov", "unkeyed"))).hasSize(1);
    }

    static BigDecimal total() throws Exception {
        return new BigDecimal(get("/api/3/cubes/ukgov:cra/aggregate").path("summary").path("amount.sum").asText());
    }
}
