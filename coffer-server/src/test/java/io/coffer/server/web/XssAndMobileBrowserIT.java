package io.coffer.server.web;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Script payloads in a dataset's title, description, keywords, column names, model names and cell values
 * must show as text on every page and embed, and never run. Each payload would set window.__xss.
 */
class XssAndMobileBrowserIT {
    @TempDir
    static Path tmp;
    static DataStore store;
    static TestServer server;
    static ChromeDriver browser;

    static final String P1 = "<script>window.__xss=1</script>";
    static final String P2 = "\"><img src=x onerror=\"window.__xss=2\">";
    static final String P3 = "<svg onload=window.__xss=3>";
    static final String P4 = "<img src=x onerror=window.__xss=4>";
    static final String P5 = "javascript:window.__xss=5";

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String csvCell(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @BeforeAll
    static void start() throws Exception {
        String col = "code " + P3;
        String labelCol = "label " + P2;
        String descriptor = """
                {"name": "xss", "title": %s, "description": %s, "keywords": [%s], "homepage": %s,
                 "resources": [{"name": "r", "path": "data.csv", "schema": {"fields": [
                   {"name": %s, "type": "string"}, {"name": %s, "type": "string"},
                   {"name": "year", "type": "integer"}, {"name": "amount", "type": "number"}]}}],
                 "model": {"measures": {"amount": {"source": "amount", "currency": "EUR", "title": %s}},
                   "dimensions": {
                     "cls": {"dimensionType": "classification", "title": %s,
                             "attributes": {"code": {"source": %s}, "label": {"source": %s, "labelfor": "code"}},
                             "primaryKey": ["code"]},
                     "date": {"dimensionType": "datetime", "attributes": {"year": {"source": "year"}}, "primaryKey": "year"}}}}
                """.formatted(json(P1), json(P2 + P4), json(P3), json(P5), json(col), json(labelCol), json(P4),
                json(P1), json(col), json(labelCol));
        StringBuilder csv = new StringBuilder(csvCell(col) + "," + csvCell(labelCol) + ",year,amount\n");
        csv.append(csvCell(P1)).append(',').append(csvCell(P4)).append(",2020,10.5\n");
        csv.append(csvCell(P2)).append(',').append(csvCell(P3)).append(",2021,-3\n");
        csv.append(csvCell("=HYPERLINK(\"http://evil\")")).append(',').append(csvCell(P5)).append(",2021,7\n");
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        store.publish(DatasetId.of("evil", "xss"), PackageSource.of(descriptor.getBytes(StandardCharsets.UTF_8),
                Map.of("data.csv", csv.toString().getBytes(StandardCharsets.UTF_8))));
        store.publish(DatasetId.of("madrid", "gastos"), PackageSource.directory(Corpus.get("demo-madrid-municipal-gastos")));
        server = TestServer.start(store);
        browser = Browser.start(1280, 1600);
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

    void assertNothingRan(String where) {
        try {
            browser.switchTo().alert();
            throw new AssertionError("a dialog opened on " + where);
        } catch (NoAlertPresentException expected) {
            // no dialog
        }
        assertThat(browser.executeScript("return window.__xss === undefined ? null : window.__xss;"))
                .as("script executed on %s", where).isNull();
    }

    @Test
    void payloadsRenderAsTextOnEveryPageAndEmbedAndNeverRun() throws Exception {
        List<String> pages = List.of("/", "/?q=" + java.net.URLEncoder.encode(P3, StandardCharsets.UTF_8), "/d/evil/xss",
                "/d/evil/xss?drill=" + java.net.URLEncoder.encode(P1, StandardCharsets.UTF_8), "/embed/evil/xss/treemap",
                "/embed/evil/xss/bars", "/embed/evil/xss/time", "/embed/evil/xss/table");
        for (String p : pages) {
            browser.get(url(p));
            if (p.startsWith("/d/") || p.startsWith("/embed/")) {
                new WebDriverWait(browser, Duration.ofSeconds(30)).until(
                        ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
            }
            // Hover every chart so tooltips (HTML formatters) render too.
            for (var c : browser.findElements(By.cssSelector(".chart canvas"))) {
                new org.openqa.selenium.interactions.Actions(browser).moveToElement(c).perform();
            }
            assertNothingRan(p);
            Browser.screenshot(browser, "xss" + p.replaceAll("[^a-z]+", "-"));
        }
        browser.get(url("/d/evil/xss"));
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
        String text = browser.findElement(By.tagName("body")).getText();
        assertThat(text).contains(P1).contains(P2 + P4);
        assertThat(browser.findElement(By.id("treemap-list")).getText()).contains(P4).contains(P3);
        assertThat(browser.findElement(By.id("facts")).getText()).contains(P1).contains(P2).contains(P5);
        assertThat(browser.findElement(By.id("columns-r")).getText()).contains("code " + P3).contains("label " + P2);
        assertThat(browser.findElements(By.cssSelector("main script, main img, main svg"))).isEmpty();
        assertNothingRan("dataset page");
    }

    @Test
    void pagesStayUsableAt375PixelsWide() throws Exception {
        ChromeDriver phone = Browser.start(375, 812);
        try {
            for (String p : List.of("/", "/publish", "/d/madrid/gastos")) {
                phone.get(url(p));
                if (p.startsWith("/d/")) {
                    new WebDriverWait(phone, Duration.ofSeconds(30)).until(
                            ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
                }
                Browser.screenshot(phone, "mobile" + p.replaceAll("[^a-z]+", "-"));
                Number scroll = (Number) phone.executeScript("return document.documentElement.scrollWidth;");
                Number view = (Number) phone.executeScript("return window.innerWidth;");
                Object widest = phone.executeScript("let w=null,m=0;for(const e of document.querySelectorAll('body *'))"
                        + "{const r=e.getBoundingClientRect();if(r.right>m){m=r.right;w=e.tagName+'#'+e.id+'.'+e.className;}}return w+' '+m;");
                assertThat(view.intValue()).as("layout viewport on %s (widest element: %s)", p, widest).isEqualTo(375);
                assertThat(scroll.intValue()).as("horizontal overflow on %s", p).isLessThanOrEqualTo(view.intValue());
            }
            phone.findElement(By.cssSelector("#treemap-list li a.member")).click();
            new WebDriverWait(phone, Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("drill="));
            assertThat(phone.findElement(By.id("treemap-list")).isDisplayed()).isTrue();
        } finally {
            phone.quit();
        }
    }
}
