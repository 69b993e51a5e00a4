package io.coffer.client;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.server.cli.CofferCli;
import io.coffer.store.DataStore;
import io.coffer.store.Stores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One table: the same packages published through every entry point (CLI, HTTP PUT, CLI --remote, the Java
 * client, import, the wizard) get the same outcome and the same error code, because all of them go through the
 * one publish service. A cell that cannot exist for an entry point (the wizard builds its package from one CSV,
 * so it has no missing file and no header to differ) is listed with the reason, not silently left out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishEntryPointsIT {
    /** The server's and the CLI's package limit: the packages here are ~1 KB, the too-large one ~20 KB. */
    static final long LIMIT = 8192;

    enum Case {
        VALID("committed"),
        BAD_CELL("invalid-data"),
        MISSING_FILE("invalid-data"),
        HEADER_NOT_SCHEMA("invalid-data"),
        BREAKING_CHANGE("conflict"),
        STALE_EXPECTED_REVISION("conflict"),
        TOO_LARGE("payload-too-large");

        final String expected;

        Case(String expected) {
            this.expected = expected;
        }
    }

    enum Entry { CLI, HTTP_PUT, CLI_REMOTE, JAVA_CLIENT, IMPORT, WIZARD }

    static final Map<Entry, Map<Case, String>> NOT_APPLICABLE = Map.of(
            Entry.WIZARD, Map.of(
                    Case.MISSING_FILE, "the wizard's package is built from the one uploaded CSV",
                    Case.HEADER_NOT_SCHEMA, "the wizard builds the schema from the CSV's header"),
            Entry.IMPORT, Map.of(
                    Case.STALE_EXPECTED_REVISION, "an import publishes over whatever is latest (no expected revision)"));

    @TempDir
    Path tmp;
    Path storeDir;
    Path tokenFile;
    MetaDb db;
    DataStore store;
    TestServer server;
    URI base;
    String token;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        storeDir = Files.createTempDirectory("entry-points-store");
        db = MetaDb.inMemory("entry-points-" + System.nanoTime());
        store = Stores.open(storeDir.toString(), Map.of());
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "pub", "publisher-password-1".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("pub", false), "acme");
        token = sec.accounts().createToken(Principal.SYSTEM, "pub", Scope.PUBLISH, "acme", null,
                Instant.now().plus(Duration.ofDays(1)), "entry points test").secret();
        tokenFile = Files.createTempFile("entry-points", ".token");
        Files.writeString(tokenFile, token);
        server = TestServer.builder().store(store).db(db).maxUploadBytes(LIMIT).uploadDir(Files.createTempDirectory("entry-points-uploads")).start();
        base = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        store.close();
        db.close();
    }

    @Test
    void everyEntryPointGivesTheSameOutcomeAndCodeForTheSamePackage() throws Exception {
        Map<String, String> got = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        int ran = 0;
        for (Entry e : Entry.values()) {
            for (Case c : Case.values()) {
                String skipped = NOT_APPLICABLE.getOrDefault(e, Map.of()).get(c);
                if (skipped != null) {
                    got.put(e + " " + c, "n/a: " + skipped);
                    continue;
                }
                String outcome = run(e, c, DatasetId.of("acme", (e + "-" + c).toLowerCase().replace('_', '-')));
                ran++;
                got.put(e + " " + c, outcome);
                if (!outcome.equals(c.expected)) {
                    wrong.add(e + " " + c + ": expected " + c.expected + ", got " + outcome);
                }
            }
        }
        assertThat(ran).isEqualTo(Entry.values().length * Case.values().length - 3);
        assertThat(wrong).as("outcomes: %s", got).isEmpty();
        // Nothing refused reached the store.
        for (Entry e : Entry.values()) {
            for (Case c : List.of(Case.BAD_CELL, Case.MISSING_FILE, Case.HEADER_NOT_SCHEMA, Case.TOO_LARGE)) {
                assertThat(store.exists(DatasetId.of("acme", (e + "-" + c).toLowerCase().replace('_', '-'))))
                        .as(e + " " + c).isFalse();
            }
        }
    }

    /** Publishes the case's package through the entry point; "committed" or the refusal's code. */
    String run(Entry e, Case c, DatasetId id) throws Exception {
        if (c == Case.BREAKING_CHANGE || c == Case.STALE_EXPECTED_REVISION) {
            // First a valid revision through the same entry point; the case then publishes over it.
            assertThat(publish(e, id, variant(Case.VALID), null)).as(e + " " + c + " (first revision)").isEqualTo("committed");
            if (c == Case.STALE_EXPECTED_REVISION) {
                assertThat(publish(e, id, variant(Case.VALID), 1L)).as(e + " second revision").isEqualTo("committed");
                return publish(e, id, variant(Case.VALID), 1L);
            }
        }
        return publish(e, id, variant(c), null);
    }

    String publish(Entry e, DatasetId id, Path pkg, Long expected) throws Exception {
        return switch (e) {
            case CLI -> cli(expectArgs(expected, "publish", pkg.toString(), "--owner", id.owner(), "--name", id.name(),
                    "--store", storeDir.toString(), "--max-upload-bytes", Long.toString(LIMIT)));
            case CLI_REMOTE -> cli(expectArgs(expected, "publish", pkg.toString(), "--owner", id.owner(), "--name",
                    id.name(), "--remote", base.toString(), "--token-file", tokenFile.toString()));
            case IMPORT -> importCli(id, pkg);
            case HTTP_PUT -> httpPut(id, pkg, expected);
            case JAVA_CLIENT -> {
                CofferClient client = CofferClient.withToken(base, token);
                try {
                    if (expected == null) {
                        client.publish(id, pkg);
                    } else {
                        client.publish(id, pkg, expected);
                    }
                    yield "committed";
                } catch (CofferException ex) {
                    yield ex.code().code();
                }
            }
            case WIZARD -> wizard(id, pkg, expected);
        };
    }

    static String[] expectArgs(Long expected, String... args) {
        if (expected == null) {
            return args;
        }
        String[] out = java.util.Arrays.copyOf(args, args.length + 2);
        out[args.length] = "--expect-revision";
        out[args.length + 1] = Long.toString(expected);
        return out;
    }

    static final Pattern CLI_CODE = Pattern.compile("(?m)^coffer: .*\\[([a-z-]+)]$");

    String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CofferCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        if (exit == 0) {
            return "committed";
        }
        Matcher m = CLI_CODE.matcher(err.toString());
        assertThat(m.find()).as("a refusal names its code: " + err).isTrue();
        assertThat(exit).as(err.toString()).isEqualTo(m.group(1).equals("conflict") ? CofferCli.CONFLICT : CofferCli.FAILED);
        return m.group(1);
    }

    String importCli(DatasetId id, Path pkg) {
        StringWriter out = new StringWriter();
        CommandLine cl = CofferCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        cl.execute("import", pkg.toString(), "--owner", id.owner(), "--name", id.name(), "--store", storeDir.toString(),
                "--max-upload-bytes", Long.toString(LIMIT), "--json");
        JsonNode report = Json.parse(out.toString().strip().getBytes(StandardCharsets.UTF_8), "import report");
        return report.path("ok").asBoolean() ? "committed" : report.path("code").asText("no code");
    }

    String httpPut(DatasetId id, Path pkg, Long expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/datasets/" + id.owner() + "/" + id.name()))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/zip")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(zip(pkg)));
        if (expected != null) {
            b.header("If-Match", "\"r" + expected + "\"");
        }
        return answer(http.send(b.build(), HttpResponse.BodyHandlers.ofString()), 201);
    }

    /** The wizard's two calls: the CSV, then the choices (the measure; the rest as suggested). */
    String wizard(DatasetId id, Path pkg, Long expected) throws Exception {
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(base.resolve("/api/uploads?name=spend.csv"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofFile(pkg.resolve("spend.csv"))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (up.statusCode() != 200 && up.statusCode() != 201) {
            return answer(up, 201);
        }
        String upload = Json.parse(up.body().getBytes(StandardCharsets.UTF_8), "upload").path("id").asText();
        ObjectNode body = Json.object().put("owner", id.owner()).put("name", id.name()).put("currency", "EUR");
        if (expected != null) {
            body.put("expectedRevision", expected);
        }
        body.putObject("mapping").putObject("fields").putObject("amount").put("type", "number").put("columnType", "value");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/uploads/" + upload + "/publish"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
        return answer(r, 201);
    }

    static String answer(HttpResponse<String> r, int ok) {
        if (r.statusCode() == ok) {
            return "committed";
        }
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(r.body()).startsWith("application/problem+json");
        JsonNode p = Json.parse(r.body().getBytes(StandardCharsets.UTF_8), "problem");
        assertThat(p.path("status").asInt()).isEqualTo(r.statusCode());
        return p.path("code").asText("no code");
    }

    // ---- the packages ----

    /** The case's package in a folder of its own. */
    Path variant(Case c) throws IOException {
        Path dir = Files.createTempDirectory(tmp, c.name().toLowerCase());
        boolean breaking = c == Case.BREAKING_CHANGE;
        List<String> fields = breaking ? List.of("id", "region", "amount") : List.of("id", "region", "project", "amount");
        StringBuilder csv = new StringBuilder(String.join(",",
                c == Case.HEADER_NOT_SCHEMA ? List.of("id", "place", "project", "amount") : fields)).append('\n');
        int rows = c == Case.TOO_LARGE ? 600 : 3;
        for (int i = 1; i <= rows; i++) {
            String amount = c == Case.BAD_CELL && i == 2 ? "abc" : (i * 1000) + ".25";
            csv.append(i).append(",North").append(i % 2).append(breaking ? "" : ",Project " + i).append(',').append(amount)
                    .append('\n');
        }
        if (c != Case.MISSING_FILE) {
            Files.writeString(dir.resolve("spend.csv"), csv);
        }
        ObjectNode d = Json.object().put("name", "spend");
        ObjectNode res = d.putArray("resources").addObject().put("name", "spend").put("path", "spend.csv")
                .put("format", "csv");
        var fs = res.putObject("schema").putArray("fields");
        for (String f : fields) {
            fs.addObject().put("name", f).put("type", f.equals("id") ? "integer" : f.equals("amount") ? "number" : "string");
        }
        ObjectNode model = d.putObject("model");
        model.putObject("measures").putObject("amount").put("source", "amount").put("currency", "EUR");
        ObjectNode dims = model.putObject("dimensions");
        for (String f : fields.subList(1, fields.size() - 1)) {
            ObjectNode dim = dims.putObject(f);
            dim.putObject("attributes").putObject(f).put("source", f);
            dim.put("primaryKey", f);
        }
        Files.write(dir.resolve("datapackage.json"), Json.write(d));
        if (c == Case.MISSING_FILE) {
            // The wizard still needs a CSV to upload; the package itself lacks its data file.
            assertThat(Files.exists(dir.resolve("spend.csv"))).isFalse();
        }
        return dir;
    }

    static byte[] zip(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes); var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
