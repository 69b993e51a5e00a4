package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.Json;
import io.coffer.server.http.CofferServer;
import io.coffer.server.http.ServerSecurity;
import io.coffer.store.DataStore;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.testing.Corpus;
import io.coffer.testing.Workbooks;
import java.math.BigDecimal;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wizard's upload takes a CSV, an .xlsx or an .ods of the same data and publishes the same exact totals
 * from each; a file that is not a table, or is empty, is refused at once with a message saying what to send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WizardSpreadsheetsIT {
    @TempDir
    Path tmp;
    MetaDb db;
    DataStore store;
    CofferServer server;
    String token;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        db = MetaDb.inMemory("wizard-sheets-" + System.nanoTime());
        store = new DataStore(new InMemoryBlobStore("wizard-sheets-" + System.nanoTime()));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "clerk", "clerk-password-12".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("clerk", false), "city");
        token = sec.accounts().createToken(Principal.SYSTEM, "clerk", Scope.PUBLISH, "city", null,
                Instant.now().plus(Duration.ofDays(1)), "wizard sheets").secret();
        server = new CofferServer(store, new ServerSecurity(sec, 64L << 20, Files.createTempDirectory("wizard-sheets"),
                false, null), "127.0.0.1", 0).start();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        store.close();
        db.close();
    }

    @Test
    void aCsvAnXlsxAndAnOdsOfTheSameDataPublishTheSameTotals() throws Exception {
        Path csv = Corpus.get("ukgov-cra-sample").resolve("dataset.csv");
        List<List<String>> rows = rows(csv);
        Path xlsx = Workbooks.xlsx(tmp.resolve("cra.xlsx"), rows);
        Path ods = Workbooks.ods(tmp.resolve("cra.ods"), rows);
        BigDecimal expected = new BigDecimal("12008553000.04");
        int amount = rows.get(0).indexOf("amount");
        assertThat(rows.stream().skip(1).map(r -> new BigDecimal(r.get(amount))).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(expected);

        for (Path file : List.of(csv, xlsx, ods)) {
            String name = "cra-" + file.getFileName().toString().replace('.', '-');
            JsonNode up = upload(file, file.getFileName().toString(), 200);
            assertThat(up.path("rows").asLong()).as(name).isEqualTo(rows.size() - 1);
            if (file != csv) {
                assertThat(up.path("sheets")).as(name).hasSize(1);
                assertThat(up.path("sheet").asText()).isEqualTo("Sheet1");
            }
            ObjectNode body = Json.object().put("owner", "city").put("name", name).put("currency", "GBP");
            body.putObject("mapping").putObject("fields").putObject("amount").put("columnType", "value");
            HttpResponse<String> published = post("/api/uploads/" + up.path("id").asText() + "/publish",
                    "application/json", Json.write(body));
            assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
            HttpResponse<String> agg = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/3/cubes/city:" + name
                    + "/aggregate")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(agg.statusCode()).as(agg.body()).isEqualTo(200);
            JsonNode summary = Json.parse(agg.body().getBytes(StandardCharsets.UTF_8), "aggregate").path("summary");
            assertThat(summary.path("amount.sum").decimalValue()).as(name + " " + summary).isEqualByComparingTo(expected);
        }
    }

    @Test
    void aPictureOrAnEmptyFileIsRefusedAtUploadSayingWhatToSend() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 1, 0};
        JsonNode refused = upload(Files.write(tmp.resolve("scan.png"), png), "scan.png", 415);
        assertThat(refused.path("code").asText()).isEqualTo("unsupported-media-type");
        assertThat(refused.path("detail").asText()).contains("not a table").contains("CSV").contains(".xlsx");
        JsonNode empty = upload(Files.write(tmp.resolve("empty.csv"), new byte[0]), "empty.csv", 422);
        assertThat(empty.path("code").asText()).isEqualTo("invalid-data");
        assertThat(empty.path("detail").asText()).contains("empty");
    }

    JsonNode upload(Path file, String name, int status) throws Exception {
        HttpResponse<String> r = post("/api/uploads?name=" + name, "application/octet-stream", Files.readAllBytes(file));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.parse(r.body().getBytes(StandardCharsets.UTF_8), "answer");
    }

    HttpResponse<String> post(String path, String type, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    static List<List<String>> rows(Path csv) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(csv)) {
            r.forEach(rec -> out.add(rec.getFields()));
        }
        return out;
    }
}
