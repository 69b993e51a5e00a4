package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.coffer.model.Json;
import io.coffer.server.cli.CofferCli;
import io.coffer.testing.Corpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Versions on the command line over the UK CRA corpus sample, keyed by openspending_id. */
class VersionsCliTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CofferCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The corpus package with a primary key; optionally without one field (a breaking change). */
    static Path keyedPackage(Path dir, String dropField) throws Exception {
        Path src = Corpus.get("ukgov-cra-sample");
        Files.createDirectories(dir);
        ObjectNode d = (ObjectNode) Json.parse(Files.readAllBytes(src.resolve("datapackage.json")), "descriptor");
        ObjectNode schema = (ObjectNode) d.path("resources").get(0).path("schema");
        schema.putArray("primaryKey").add("openspending_id");
        List<List<String>> rows = read(src.resolve("dataset.csv"));
        int drop = -1;
        if (dropField != null) {
            ArrayNode fields = (ArrayNode) schema.path("fields");
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).path("name").asText().equals(dropField)) {
                    drop = i;
                }
            }
            fields.remove(drop);
            // The fiscal model must not name the dropped field.
            d.remove("model");
            d.remove("mapping");
        }
        Files.write(dir.resolve("datapackage.json"), Json.write(d));
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : rows) {
            List<String> copy = new ArrayList<>(r);
            if (drop >= 0) {
                copy.remove(drop);
            }
            out.add(copy);
        }
        write(dir.resolve("dataset.csv"), out);
        return dir;
    }

    static List<List<String>> read(Path csv) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(csv)) {
            r.forEach(rec -> rows.add(rec.getFields()));
        }
        return rows;
    }

    static void write(Path file, List<List<String>> rows) throws Exception {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8); CsvWriter c = CsvWriter.builder().build(w)) {
            rows.forEach(c::writeRecord);
        }
    }

    @Test
    void upsertDiffHistoryAndBreakingChangesOnTheCommandLine() throws Exception {
        String store = tmp.resolve("store").toString();
        Path full = keyedPackage(tmp.resolve("full"), null);
        Result first = run("publish", full.toString(), "--owner", "ukgov", "--name", "cra", "--store", store);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("published ukgov/cra revision 1", "version 1.0.0", "record history:");

        // upsert: row 1 changes its amount, one new row, row 2 is deleted
        List<List<String>> rows = read(full.resolve("dataset.csv"));
        List<String> header = rows.get(0);
        int amount = header.indexOf("amount");
        int id = header.indexOf("openspending_id");
        List<String> changed = new ArrayList<>(rows.get(1));
        changed.set(amount, "123.45");
        List<String> added = new ArrayList<>(rows.get(3));
        added.set(id, "new-row-1");
        Path changes = tmp.resolve("changes");
        Files.createDirectories(changes);
        Files.copy(full.resolve("datapackage.json"), changes.resolve("datapackage.json"));
        write(changes.resolve("dataset.csv"), List.of(header, changed, added));
        Path deletes = tmp.resolve("deletes.csv");
        Files.writeString(deletes, "openspending_id\n" + rows.get(2).get(id) + "\n");
        // --expect-revision is checked against the revision the merge starts from: nothing else is published.
        for (String wrong : List.of("0", "2")) {
            Result stale = run("publish", changes.toString(), "--owner", "ukgov", "--name", "cra", "--mode", "upsert",
                    "--deletes", deletes.toString(), "--expect-revision", wrong, "--store", store);
            assertThat(stale.code()).as(stale.err()).isEqualTo(CofferCli.CONFLICT);
            assertThat(stale.err()).contains("is at revision 1, not " + wrong + "; nothing was published");
        }
        Result up = run("publish", changes.toString(), "--owner", "ukgov", "--name", "cra", "--mode", "upsert",
                "--deletes", deletes.toString(), "--expect-revision", "1", "--store", store);
        assertThat(up.code()).as(up.err()).isZero();
        assertThat(up.out()).contains("upsert onto revision 1: 1 updated, 1 added, 1 deleted, 2000 rows",
                "published ukgov/cra revision 2", "version 1.0.1 (patch)");

        Result diff = run("diff", "ukgov/cra@1..2", "--store", store);
        assertThat(diff.code()).as(diff.err()).isZero();
        JsonNode d = Json.parse(diff.out().getBytes(StandardCharsets.UTF_8), "diff");
        assertThat(d.path("counts").path("added").asLong()).isEqualTo(1);
        assertThat(d.path("counts").path("removed").asLong()).isEqualTo(1);
        assertThat(d.path("counts").path("changed").asLong()).isEqualTo(1);
        assertThat(d.path("counts").path("unchanged").asLong()).isEqualTo(1998);
        JsonNode change = null;
        for (JsonNode r : d.path("rows")) {
            if (r.path("op").asText().equals("changed")) {
                change = r;
            }
        }
        assertThat(change).isNotNull();
        assertThat(change.path("key").path("openspending_id").asText()).isEqualTo(changed.get(id));
        assertThat(change.path("old").path("amount").asText()).isEqualTo(rows.get(1).get(amount));
        assertThat(change.path("new").path("amount").asText()).isEqualTo("123.45");

        Result csv = run("diff", "ukgov/cra@1..2", "--format", "csv", "--store", store);
        assertThat(csv.code()).as(csv.err()).isZero();
        assertThat(csv.out().lines().count()).isEqualTo(1 + 1 + 1 + 2);
        assertThat(csv.out().lines().filter(l -> l.startsWith("changed-to,")).findFirst().orElseThrow()).contains("123.45");

        Result history = run("history", "ukgov/cra", changed.get(id), "--store", store);
        assertThat(history.code()).as(history.err()).isZero();
        JsonNode h = Json.parse(history.out().getBytes(StandardCharsets.UTF_8), "history");
        assertThat(h.path("versions")).hasSize(2);
        assertThat(h.path("versions").get(0).path("firstRevision").asLong()).isEqualTo(1);
        assertThat(h.path("versions").get(0).path("endedIn").asLong()).isEqualTo(2);
        assertThat(h.path("versions").get(1).path("row").path("amount").asText()).isEqualTo("123.45");
        assertThat(h.path("versions").get(1).path("live").asBoolean()).isTrue();

        // dropping a field is breaking: refused (exit 3, conflict) without --breaking, then published as 2.0.0
        Path dropped = keyedPackage(tmp.resolve("dropped"), "cofog2_color");
        // A stale --expect-revision is reported as such, not judged against the revision not yet seen.
        Result unseen = run("publish", dropped.toString(), "--owner", "ukgov", "--name", "cra", "--expect-revision",
                "1", "--store", store);
        assertThat(unseen.code()).isEqualTo(CofferCli.CONFLICT);
        assertThat(unseen.err()).contains("is at revision 2, not 1").doesNotContain("was dropped");
        Result refused = run("publish", dropped.toString(), "--owner", "ukgov", "--name", "cra", "--store", store);
        assertThat(refused.code()).isEqualTo(CofferCli.CONFLICT);
        assertThat(refused.err()).contains("field 'cofog2_color' was dropped", "--breaking");
        Result allowed = run("publish", dropped.toString(), "--owner", "ukgov", "--name", "cra", "--breaking",
                "--store", store);
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("published ukgov/cra revision 3", "version 2.0.0 (major");
    }
}
