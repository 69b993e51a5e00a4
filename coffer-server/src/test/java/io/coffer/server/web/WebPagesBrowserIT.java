package io.coffer.server.web;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
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

/** What a person sees: the front page, a dataset's treemap and its drill-down, with the API's numbers. */
class WebPagesBrowserIT {
    @TempDir
    static Path tmp;
    static DataStore store;
    static TestServer server;
    static ChromeDriver browser;
    static final DatasetId MADRID = DatasetId.of("madrid", "gastos");

    @BeforeAll
    static void start() throws Exception {
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        store.publish(MADRID, PackageSource.directory(Corpus.get("demo-madrid-municipal-gastos")));
        store.publish(DatasetId.of("ukgov", "cra"), PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        server = TestServer.start(store);
        browser = Browser.start(1280, 2000);
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
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static JsonNode api(String pathAndQuery) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(pathAndQuery))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(pathAndQuery).isEqualTo(200);
        return Json.parse(r.body(), "api");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    /** "17,756,138,679.00" -> 17756138679.00 */
    static BigDecimal shown(WebElement amount) {
        return new BigDecimal(amount.getText().replace(",", ""));
    }

    @Test
    void frontPageListsAndSearchesDatasets() throws Exception {
        browser.get(url("/"));
        assertThat(browser.findElements(By.cssSelector("li.dataset"))).hasSize(2);
        assertThat(browser.findElement(By.id("datasets")).getText()).contains("Presupuestos municipales 2012-2015")
                .contains("UK Country Regional Analysis");
        Browser.screenshot(browser, "front-page");
        WebElement q = browser.findElement(By.id("q"));
        q.sendKeys("madrid");
        q.submit();
        waitFor().until(ExpectedConditions.urlContains("q=madrid"));
        assertThat(browser.findElements(By.cssSelector("li.dataset"))).hasSize(1);
        assertThat(browser.findElement(By.id("count")).getText()).isEqualTo("1 of 2 datasets");
    }

    @Test
    void treemapDrillsDownAndShowsTheApiNumbers() throws Exception {
        browser.get(url("/d/madrid/gastos"));
        waitFor().until(ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
        Browser.screenshot(browser, "dataset-treemap");
        List<WebElement> items = browser.findElements(By.cssSelector("#treemap-list li"));
        JsonNode top = api("/api/3/cubes/madrid:gastos/aggregate?drilldown=" + enc("administrative.CENTRO")
                + "&order=" + enc("amount.sum:desc"));
        assertThat(items).hasSize(top.path("cells").size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode cell = top.path("cells").get(i);
            assertThat(items.get(i).getAttribute("data-key")).isEqualTo(cell.path("administrative.CENTRO").asText());
            assertThat(shown(items.get(i).findElement(By.className("amount"))))
                    .isEqualByComparingTo(cell.path("amount.sum").decimalValue());
        }
        String first = items.get(0).getAttribute("data-key");

        items.get(0).findElement(By.className("member")).click();
        waitFor().until(ExpectedConditions.urlContains("drill=administrative.CENTRO%3A" + first));
        waitFor().until(d -> !d.findElements(By.cssSelector("#drill a")).isEmpty()
                && d.findElements(By.cssSelector("#drill a")).size() == 2
                && "true".equals(d.findElement(By.id("viz")).getAttribute("data-ready")));
        Browser.screenshot(browser, "dataset-treemap-level2");
        JsonNode next = api("/api/3/cubes/madrid:gastos/aggregate?drilldown=" + enc("administrative.SECCION")
                + "&cut=" + enc("administrative.CENTRO:\"" + first + "\"") + "&order=" + enc("amount.sum:desc"));
        List<WebElement> level2 = browser.findElements(By.cssSelector("#treemap-list li"));
        assertThat(level2).hasSize(next.path("cells").size());
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < level2.size(); i++) {
            JsonNode cell = next.path("cells").get(i);
            assertThat(shown(level2.get(i).findElement(By.className("amount"))))
                    .isEqualByComparingTo(cell.path("amount.sum").decimalValue());
            sum = sum.add(cell.path("amount.sum").decimalValue());
        }
        // The second level adds up to the tile that was clicked.
        assertThat(sum).isEqualByComparingTo(top.path("cells").get(0).path("amount.sum").decimalValue());
        // The state is in the URL: reloading shows the same level.
        browser.navigate().refresh();
        waitFor().until(ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
        assertThat(browser.findElements(By.cssSelector("#treemap-list li"))).hasSize(next.path("cells").size());
        assertThat(browser.findElement(By.id("export")).getAttribute("href")).contains("format=csv")
                .contains(enc("administrative.CENTRO:\"" + first + "\"").replace("+", "%20").substring(0, 10));
    }

    @Test
    void embedsRenderOneChartAndMayBeFramed() throws Exception {
        for (String view : List.of("treemap", "bars", "time", "table")) {
            browser.get(url("/embed/ukgov/cra/" + view));
            waitFor().until(ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
            Browser.screenshot(browser, "embed-" + view);
            assertThat(browser.findElements(By.cssSelector("header.top"))).isEmpty();
        }
        browser.get(url("/embed/ukgov/cra/table"));
        waitFor().until(ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
        assertThat(browser.findElements(By.cssSelector("#facts tbody tr"))).hasSize(20);
    }
}
