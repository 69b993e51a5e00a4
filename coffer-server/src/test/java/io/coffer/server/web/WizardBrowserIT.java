package io.coffer.server.web;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person signs in, uploads the Madrid spending CSV through the 1-2-3 wizard, maps its columns, describes
 * and publishes it, sees the treemap, clicks into the next level, and every number shown equals the API's.
 * Screenshots of each step go to target/screenshots/wizard-*.png.
 */
class WizardBrowserIT {
    @TempDir
    static Path tmp;
    static MetaDb db;
    static DataStore store;
    static TestServer server;
    static ChromeDriver browser;
    static final String PASSWORD = "a-long-test-password-42";

    @BeforeAll
    static void start() throws Exception {
        db = MetaDb.inMemory("wizard-" + System.nanoTime());
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "ana", PASSWORD.toCharArray(), false);
        server = TestServer.builder().store(store).db(db).maxUploadBytes(64L << 20).uploadDir(tmp.resolve("uploads")).start();
        browser = Browser.start(1280, 1800);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static JsonNode api(String pathAndQuery) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(pathAndQuery)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(pathAndQuery + " " + new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return Json.parse(r.body(), "api");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    void role(String column, String columnType) {
        WebElement input = browser.findElement(By.cssSelector("input.column-type[data-column='" + column + "']"));
        input.clear();
        input.sendKeys(columnType);
    }

    /** Compares the treemap list with an aggregate of the API for the given level and cuts. */
    static BigDecimal assertListEqualsApi(List<WebElement> items, String key, String cut, String measure) throws Exception {
        JsonNode api = api("/api/3/cubes/ana:madrid-gastos/aggregate?drilldown=" + enc(key) + "&order="
                + enc(measure + ":desc") + (cut == null ? "" : "&cut=" + enc(cut)));
        assertThat(items).hasSize(api.path("cells").size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode cell = api.path("cells").get(i);
            assertThat(items.get(i).getAttribute("data-key")).isEqualTo(cell.path(key).asText());
            BigDecimal shown = new BigDecimal(items.get(i).findElement(By.className("amount")).getText().replace(",", ""));
            assertThat(shown).isEqualByComparingTo(cell.path(measure).decimalValue());
        }
        return api.path("summary").path(measure).decimalValue();
    }

    @Test
    void aPersonPublishesMadridThroughTheWizardAndDrillsIntoTheTreemap() throws Exception {
        browser.get(url("/publish"));
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
        Browser.screenshot(browser, "wizard-0-sign-in");
        browser.findElement(By.id("user")).sendKeys("ana");
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("signin-button")).click();

        // 1: add the file; the upload streams with a progress bar.
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("step1")));
        Path csv = Corpus.get("demo-madrid-municipal-gastos").resolve("data/gastos_v40_2012-2015.csv");
        browser.findElement(By.id("file")).sendKeys(csv.toString());
        Browser.screenshot(browser, "wizard-1-add-file");
        browser.findElement(By.id("upload")).click();

        // 2: map columns: the loader's suggestions, corrected where the person knows better.
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("step2")));
        assertThat(browser.findElement(By.id("progress")).getAttribute("value")).isEqualTo("100");
        assertThat(browser.findElement(By.id("detected")).getText()).contains("20217 rows");
        role("IMPORTE", "value");
        role("AÑO", "date:fiscal-year");
        role("CENTRO", "administrative-classification:generic:level1:code");
        role("DESCRIPCION CENTRO", "administrative-classification:generic:level1:label");
        role("SECCION", "administrative-classification:generic:level2:code");
        role("DESCRIPCION SECCION", "administrative-classification:generic:level2:label");
        Browser.screenshot(browser, "wizard-2-map-columns");
        browser.findElement(By.id("to-step3")).click();

        // 3: describe and publish.
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("step3")));
        WebElement name = browser.findElement(By.id("name"));
        name.clear();
        name.sendKeys("madrid-gastos");
        WebElement title = browser.findElement(By.id("title"));
        title.clear();
        title.sendKeys("Madrid municipal spending 2012-2015");
        browser.findElement(By.id("currency")).sendKeys("EUR");
        Browser.screenshot(browser, "wizard-3-describe");
        browser.findElement(By.id("publish")).click();

        // The finished dataset's page, with its treemap.
        waitFor().until(ExpectedConditions.urlContains("/d/ana/madrid-gastos"));
        waitFor().until(ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
        Browser.screenshot(browser, "wizard-4-dataset-page");
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("Madrid municipal spending 2012-2015");
        JsonNode config = Json.parse(browser.findElement(By.id("viz")).getAttribute("data-config")
                .getBytes(StandardCharsets.UTF_8), "config");
        JsonNode levels = config.path("hierarchy").path("levels");
        assertThat(levels.size()).as(config.toString()).isGreaterThanOrEqualTo(2);
        String level1 = levels.get(0).path("key").asText();
        String level2 = levels.get(1).path("key").asText();
        String measure = config.path("measures").get(0).path("ref").asText();
        List<WebElement> top = browser.findElements(By.cssSelector("#treemap-list li"));
        BigDecimal total = assertListEqualsApi(top, level1, null, measure);
        String first = top.get(0).getAttribute("data-key");
        BigDecimal firstShown = new BigDecimal(top.get(0).findElement(By.className("amount")).getText().replace(",", ""));

        top.get(0).findElement(By.className("member")).click();
        waitFor().until(ExpectedConditions.urlContains("drill="));
        waitFor().until(d -> d.findElements(By.cssSelector("#drill a")).size() == 2
                && "true".equals(d.findElement(By.id("viz")).getAttribute("data-ready")));
        Browser.screenshot(browser, "wizard-5-next-level");
        BigDecimal firstTotal = assertListEqualsApi(browser.findElements(By.cssSelector("#treemap-list li")), level2,
                level1 + ":\"" + first + "\"", measure);
        // The numbers add up: the clicked tile is its children's sum, and the whole is the file's exact total.
        assertThat(firstTotal).isEqualByComparingTo(firstShown);
        BigDecimal fileTotal = BigDecimal.ZERO;
        try (var rows = de.siegmar.fastcsv.reader.CsvReader.builder().fieldSeparator(',').ofNamedCsvRecord(csv)) {
            for (var row : rows) {
                fileTotal = fileTotal.add(new BigDecimal(row.getField("IMPORTE")));
            }
        }
        assertThat(total).isEqualByComparingTo(fileTotal);

        // Next year's file: a re-upload is recognised and the saved column choices come back.
        browser.get(url("/publish"));
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("step1")));
        browser.findElement(By.id("file")).sendKeys(csv.toString());
        browser.findElement(By.id("upload")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("reused")));
        assertThat(browser.findElement(By.id("reused")).getText()).contains("ana/madrid-gastos");
        assertThat(browser.findElement(By.cssSelector("input.column-type[data-column='SECCION']")).getAttribute("value"))
                .isEqualTo("administrative-classification:generic:level2:code");
        assertThat(browser.findElement(By.id("name")).getAttribute("value")).isEqualTo("madrid-gastos");
        Browser.screenshot(browser, "wizard-6-reupload-reuses-mapping");
    }

    @Test
    void invalidChoicesGetAReportInPlainWordsAndPublishNothing() throws Exception {
        browser.get(url("/publish"));
        waitFor().until(d -> d.findElement(By.id("signin")).isDisplayed() || d.findElement(By.id("step1")).isDisplayed());
        if (browser.findElement(By.id("signin")).isDisplayed()) {
            browser.findElement(By.id("user")).sendKeys("ana");
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.id("signin-button")).click();
        }
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("step1")));
        // Row 3 has a cell too many: the file cannot become a valid package as it is.
        Path broken = tmp.resolve("ministry-2024.csv");
        java.nio.file.Files.writeString(broken, "ministry,programme,amount\nHealth,Hospitals,100.50\n"
                + "Education,Schools,200.25,oops\nDefence,Navy,300\n");
        browser.findElement(By.id("file")).sendKeys(broken.toString());
        browser.findElement(By.id("upload")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("step2")));
        role("amount", "value");
        browser.findElement(By.id("to-step3")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("step3")));
        browser.findElement(By.id("publish")).click();
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("publish-status"), "Not published"));
        Browser.screenshot(browser, "wizard-7-report");
        List<WebElement> report = browser.findElements(By.cssSelector("#report li"));
        assertThat(report).isNotEmpty();
        assertThat(report.stream().map(WebElement::getText).toList()).anyMatch(l -> l.contains("row 3")
                && l.contains("extra"));
        assertThat(browser.getCurrentUrl()).endsWith("/publish");
        assertThat(store.exists(io.coffer.model.DatasetId.of("ana", "ministry-2024"))).isFalse();

        // And somebody else's namespace is refused by the authorizer before anything is stored.
        WebElement owner = browser.findElement(By.id("owner"));
        owner.clear();
        owner.sendKeys("somebody-else");
        browser.findElement(By.id("publish")).click();
        waitFor().until(d -> {
            String t = d.findElement(By.id("publish-status")).getText();
            return t.startsWith("Not published") && !t.contains("does not fit");
        });
        assertThat(store.exists(io.coffer.model.DatasetId.of("somebody-else", "ministry-2024"))).isFalse();
    }
}
