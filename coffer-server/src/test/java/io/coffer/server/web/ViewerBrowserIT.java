package io.coffer.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.coffer.model.DatasetId;
import io.coffer.server.http.CofferServer;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dataset viewer as a journalist uses it: every chart stays drawn through drills, page and measure
 * changes and back; filters give exact totals (summed from the CSV here, not asked of the API); shared links
 * reproduce the view; drills go across any dimension.
 */
class ViewerBrowserIT {
    @TempDir
    static Path tmp;
    static Served served;
    static ChromeDriver browser;

    /** Starts the server the way the other browser tests do; one place to swap for a shared harness. */
    record Served(DataStore store, CofferServer server) implements AutoCloseable {
        static Served start(Path dir, Map<DatasetId, Path> packages) throws Exception {
            DataStore store = new DataStore(new FileSystemBlobStore(dir.resolve("store")));
            for (var e : packages.entrySet()) {
                store.publish(e.getKey(), PackageSource.directory(e.getValue()));
            }
            return new Served(store, new CofferServer(store, "127.0.0.1", 0).start());
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.port() + path;
        }

        @Override
        public void close() throws Exception {
            server.close();
            store.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Map<DatasetId, Path> packages = new java.util.LinkedHashMap<>();
        packages.put(DatasetId.of("madrid", "gastos"), Corpus.get("demo-madrid-municipal-gastos"));
        packages.put(DatasetId.of("ukgov", "cra"), Corpus.get("ukgov-cra-sample"));
        packages.put(DatasetId.of("test", "sections"), sectionsPackage(tmp.resolve("sections"), 0));
        served = Served.start(tmp, packages);
        // A second revision with other amounts: revision 1 becomes an old one.
        served.store().publish(DatasetId.of("test", "sections"), PackageSource.directory(sectionsPackage(tmp.resolve("sections2"), 1000)));
        browser = Browser.start(1280, 2400);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (served != null) {
            served.close();
        }
    }

    /**
     * A small cube whose dimension is named {@code section} (its generated ids once clashed with the page's
     * sections), with two measures and a year, and more rows than one table page.
     */
    static Path sectionsPackage(Path dir, int plus) throws Exception {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("section_code,section_name,region,year,budget,spent\n");
        String[] regions = {"North", "South", "East"};
        for (int i = 0; i < 60; i++) {
            csv.append("S").append(i % 5).append(",Section ").append(i % 5).append(',').append(regions[i % 3]).append(',')
                    .append(2020 + i % 2).append(',').append(100 + plus + i).append(".25,").append(50 + 2 * i).append(".5\n");
        }
        Files.writeString(dir.resolve("data.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("datapackage.json"), """
                {"name": "sections", "title": "Sections test",
                 "description": "Spending **by section**, see [the source](https://example.org/src). <img src=x onerror=window.__xss=1>",
                 "resources": [{"name": "data", "path": "data.csv",
                  "schema": {"fields": [{"name": "section_code", "type": "string"}, {"name": "section_name", "type": "string"},
                    {"name": "region", "type": "string"}, {"name": "year", "type": "integer"},
                    {"name": "budget", "type": "number"}, {"name": "spent", "type": "number"}]}}],
                 "model": {"measures": {"budget": {"source": "budget", "currency": "EUR", "title": "Budget"},
                                        "spent": {"source": "spent", "currency": "EUR", "title": "Spent"}},
                   "dimensions": {
                     "section": {"dimensionType": "classification", "primaryKey": "code",
                       "attributes": {"code": {"source": "section_code"}, "name": {"source": "section_name", "labelfor": "code"}}},
                     "region": {"primaryKey": "name", "attributes": {"name": {"source": "region"}}},
                     "date": {"dimensionType": "datetime", "primaryKey": "year", "attributes": {"year": {"source": "year"}}}}}}
                """, StandardCharsets.UTF_8);
        return dir;
    }

    static WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    static void ready() {
        waitFor().until(ExpectedConditions.attributeToBe(By.id("viz"), "data-ready", "true"));
    }

    /**
     * Every visible chart of the page: an ECharts instance on that very element, series items in it, and
     * painted pixels on its canvas. Answers "ok" per chart or what is wrong.
     */
    static final String DRAWN = """
            return [...document.querySelectorAll('#viz .chart')].filter((e) => e.offsetParent !== null).map((e) => {
              const c = echarts.getInstanceByDom(e);
              if (!c) return e.id + ': no chart on this element';
              const items = (c.getOption().series || []).reduce((a, s) => a + (s.data ? s.data.length : 0), 0);
              const cv = e.querySelector('canvas');
              if (!cv) return e.id + ': no canvas';
              const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
              let n = 0;
              for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
              return items > 0 && n > 300 ? 'ok' : e.id + ': blank (' + items + ' items, ' + n + ' pixels)';
            });""";

    @SuppressWarnings("unchecked")
    static void allChartsDrawn(String after, int atLeast) {
        List<Object>[] last = new List[1];
        try {
            waitFor().until(d -> {
                last[0] = (List<Object>) browser.executeScript(DRAWN);
                return last[0].size() >= atLeast && last[0].stream().allMatch("ok"::equals);
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("charts not drawn after " + after + ": " + last[0], e);
        }
    }

    static BigDecimal total() {
        return new BigDecimal(browser.findElement(By.id("total")).getAttribute("data-exact"));
    }

    /** Sum of a column over the CSV rows that pass a test, exactly. */
    static BigDecimal sum(Path csv, String amount, Predicate<NamedCsvRecord> keep) throws Exception {
        BigDecimal s = BigDecimal.ZERO;
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(csv)) {
            for (NamedCsvRecord rec : r) {
                if (keep.test(rec)) {
                    s = s.add(new BigDecimal(rec.getField(amount)));
                }
            }
        }
        return s;
    }

    static Path madridCsv() throws Exception {
        return Corpus.get("demo-madrid-municipal-gastos").resolve("data/gastos_v40_2012-2015.csv");
    }

    static Path ukCsv() throws Exception {
        return Corpus.get("ukgov-cra-sample").resolve("dataset.csv");
    }

    // ------------------------------------------------------------------ 1. charts stay drawn

    @Test
    void everyChartStaysDrawnAfterDrillPageMeasureAndBack() throws Exception {
        browser.get(served.url("/d/test/sections"));
        ready();
        // The "By dimension" block of a cube with a dimension named "section" is there, with both bar charts.
        assertThat(browser.findElement(By.id("bars-section")).isDisplayed()).isTrue();
        assertThat(browser.findElements(By.cssSelector("#bars .bar-chart"))).hasSize(2);
        int charts = 4; // treemap, two bars, time
        allChartsDrawn("load", charts);

        browser.findElement(By.xpath("//nav[@id='pager']/button[contains(., 'Next')]")).click();
        waitFor().until(ExpectedConditions.urlContains("page=2"));
        ready();
        allChartsDrawn("a page change", charts);

        browser.findElements(By.cssSelector("#treemap-list a.member")).get(0).click();
        waitFor().until(ExpectedConditions.urlContains("drill="));
        ready();
        allChartsDrawn("a drill", charts);

        new Select(browser.findElement(By.id("measure"))).selectByValue("spent.sum");
        waitFor().until(ExpectedConditions.urlContains("measure=spent.sum"));
        ready();
        allChartsDrawn("a measure change", charts);

        browser.navigate().back();
        waitFor().until(d -> !d.getCurrentUrl().contains("measure=spent"));
        ready();
        allChartsDrawn("back", charts);

        new Select(browser.findElement(By.id("filter-dim"))).selectByValue("date");
        browser.findElement(By.id("filter-value")).sendKeys("2021");
        browser.findElement(By.id("filter-add")).click();
        waitFor().until(ExpectedConditions.urlContains("filter="));
        ready();
        allChartsDrawn("a filter", charts);
        Browser.screenshot(browser, "viewer-sections-after-interactions");
    }

    // ------------------------------------------------------------------ 2. filters, totals, shared links

    @Test
    void filtersGiveExactTotalsAndLinksReproduceTheView() throws Exception {
        Path csv = madridCsv();
        BigDecimal all = sum(csv, "IMPORTE", r -> true);
        BigDecimal y2015 = sum(csv, "IMPORTE", r -> r.getField("AÑO").equals("2015"));
        BigDecimal y2015c1 = sum(csv, "IMPORTE", r -> r.getField("AÑO").equals("2015") && Integer.parseInt(r.getField("CENTRO")) == 1);
        assertThat(y2015).isNotEqualByComparingTo(all);

        browser.get(served.url("/d/madrid/gastos"));
        ready();
        assertThat(total()).isEqualByComparingTo(all);

        new Select(browser.findElement(By.id("filter-dim"))).selectByValue("date");
        browser.findElement(By.id("filter-value")).sendKeys("2015");
        browser.findElement(By.id("filter-add")).click();
        waitFor().until(d -> d.findElements(By.cssSelector("#filters li.chip")).size() == 1);
        ready();
        assertThat(total()).isEqualByComparingTo(y2015);
        assertThat(browser.findElement(By.cssSelector("#filters li.chip")).getText()).contains("2015");

        new Select(browser.findElement(By.id("filter-dim"))).selectByValue("administrative");
        browser.findElement(By.id("filter-value")).sendKeys("1");
        browser.findElement(By.id("filter-add")).click();
        waitFor().until(d -> d.findElements(By.cssSelector("#filters li.chip")).size() == 2);
        ready();
        assertThat(total()).isEqualByComparingTo(y2015c1);
        Browser.screenshot(browser, "viewer-madrid-filtered");

        // Back and forward walk the filters.
        browser.navigate().back();
        waitFor().until(d -> d.findElements(By.cssSelector("#filters li.chip")).size() == 1);
        ready();
        assertThat(total()).isEqualByComparingTo(y2015);
        browser.navigate().forward();
        waitFor().until(d -> d.findElements(By.cssSelector("#filters li.chip")).size() == 2);
        ready();
        assertThat(total()).isEqualByComparingTo(y2015c1);

        // A shared link: a fresh load of the address shows the same view.
        String link = browser.getCurrentUrl();
        List<String> chips = texts("#filters li.chip span");
        List<String> members = texts("#treemap-list li");
        browser.get(served.url("/"));
        browser.get(link);
        ready();
        assertThat(total()).isEqualByComparingTo(y2015c1);
        assertThat(texts("#filters li.chip span")).isEqualTo(chips);
        assertThat(texts("#treemap-list li")).isEqualTo(members);

        // Removing a chip (the year) leaves the other filter.
        browser.findElement(By.cssSelector("#filters li.chip:first-child button.chip-remove")).click();
        waitFor().until(d -> d.findElements(By.cssSelector("#filters li.chip")).size() == 1);
        ready();
        assertThat(total()).isEqualByComparingTo(sum(csv, "IMPORTE", r -> Integer.parseInt(r.getField("CENTRO")) == 1));
    }

    static List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    // ------------------------------------------------------------------ 3. drill across dimensions

    @Test
    void drillsAcrossSeparateLevelDimensionsAndAnyBreakdown() throws Exception {
        Path csv = ukCsv();
        browser.get(served.url("/d/ukgov/cra"));
        ready();
        new Select(browser.findElement(By.id("breakdown"))).selectByValue("region");
        waitFor().until(ExpectedConditions.urlContains("dim=region"));
        ready();
        new Select(browser.findElement(By.id("breakdown"))).selectByValue("cofog1");
        waitFor().until(ExpectedConditions.urlContains("dim=cofog1"));
        ready();
        String c1 = browser.findElements(By.cssSelector("#treemap-list li")).get(0).getAttribute("data-key");
        browser.findElements(By.cssSelector("#treemap-list a.member")).get(0).click();
        waitFor().until(ExpectedConditions.urlContains("dim=cofog2"));
        ready();
        assertThat(amountsByKey()).isEqualTo(expected(csv, "cofog2_name", r -> r.getField("cofog1_name").equals(c1)));

        String c2 = browser.findElements(By.cssSelector("#treemap-list li")).get(0).getAttribute("data-key");
        browser.findElements(By.cssSelector("#treemap-list a.member")).get(0).click();
        waitFor().until(ExpectedConditions.urlContains("dim=cofog3"));
        ready();
        Predicate<NamedCsvRecord> both = r -> r.getField("cofog1_name").equals(c1) && r.getField("cofog2_name").equals(c2);
        assertThat(amountsByKey()).isEqualTo(expected(csv, "cofog3_name", both));
        assertThat(browser.findElements(By.cssSelector("#drill a[data-drill]"))).hasSize(2);
        assertThat(total()).isEqualByComparingTo(sum(csv, "amount", both));

        // Any breakdown of the drilled view: by region.
        new Select(browser.findElement(By.id("breakdown"))).selectByValue("region");
        waitFor().until(ExpectedConditions.urlContains("dim=region"));
        ready();
        assertThat(amountsByKey()).isEqualTo(expected(csv, "region_name", both));

        // The first crumb goes back to cofog1 pinned, broken down by cofog2.
        browser.findElements(By.cssSelector("#drill a[data-drill]")).get(0).click();
        waitFor().until(ExpectedConditions.urlContains("dim=cofog2"));
        ready();
        assertThat(amountsByKey()).isEqualTo(expected(csv, "cofog2_name", r -> r.getField("cofog1_name").equals(c1)));
        allChartsDrawn("crumb", 3);

        // A bar is clickable like a tile: clicking the first region bar drills into that region.
        WebElement regionBar = browser.findElement(By.cssSelector("#bars .chart[data-dim='region']"));
        @SuppressWarnings("unchecked")
        List<Number> at = (List<Number>) browser.executeScript("""
                const c = echarts.getInstanceByDom(arguments[0]);
                const v = c.getOption().series[0].data[0];
                const r = arguments[0].getBoundingClientRect();
                const p = c.convertToPixel({seriesIndex: 0}, [v / 2, 0]);
                return [p[0] - r.width / 2, p[1] - r.height / 2];""", regionBar);
        new Actions(browser).moveToElement(regionBar, at.get(0).intValue(), at.get(1).intValue()).click().perform();
        waitFor().until(ExpectedConditions.urlContains("drill=region.name"));
        ready();
        Browser.screenshot(browser, "viewer-uk-drilled");
    }

    /** The treemap list as key -> exact amount. */
    static Map<String, BigDecimal> amountsByKey() {
        Map<String, BigDecimal> out = new TreeMap<>();
        for (WebElement li : browser.findElements(By.cssSelector("#treemap-list li"))) {
            out.put(li.getAttribute("data-key"),
                    new BigDecimal(li.findElement(By.className("amount")).getAttribute("data-exact")).stripTrailingZeros());
        }
        return out;
    }

    static Map<String, BigDecimal> expected(Path csv, String by, Predicate<NamedCsvRecord> keep) throws Exception {
        Map<String, BigDecimal> out = new TreeMap<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(csv)) {
            for (NamedCsvRecord rec : r) {
                if (keep.test(rec)) {
                    String key = rec.getField(by).isEmpty() ? "null" : rec.getField(by);
                    out.merge(key, new BigDecimal(rec.getField("amount")), BigDecimal::add);
                }
            }
        }
        out.replaceAll((k, v) -> v.stripTrailingZeros());
        return out;
    }

    // ------------------------------------------------------------------ 4. table and exports

    @Test
    void tableSortsByHumanHeadersAndExportsExactlyTheView() throws Exception {
        Path csv = madridCsv();
        BigDecimal y2015 = sum(csv, "IMPORTE", r -> r.getField("AÑO").equals("2015"));
        browser.get(served.url("/d/madrid/gastos?filter=" + java.net.URLEncoder.encode("date.year:2015", StandardCharsets.UTF_8)));
        ready();
        List<String> heads = texts("#facts thead th");
        assertThat(heads).noneMatch(h -> h.matches("\\w+\\.\\S.*")); // no raw refs like "administrative.CENTRO"
        int amountCol = heads.indexOf("amount");
        assertThat(amountCol).as("amount column in " + heads).isBetween(0, 2);
        assertThat(heads.get(0)).startsWith("administrative");

        browser.findElement(By.cssSelector("#facts thead button[data-field='amount']")).click();
        waitFor().until(ExpectedConditions.urlContains("sort=amount%3Aasc"));
        ready();
        browser.findElement(By.cssSelector("#facts thead button[data-field='amount']")).click();
        waitFor().until(ExpectedConditions.urlContains("sort=amount%3Adesc"));
        ready();
        BigDecimal max = BigDecimal.ZERO;
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(csv)) {
            for (NamedCsvRecord rec : r) {
                if (rec.getField("AÑO").equals("2015")) {
                    max = max.max(new BigDecimal(rec.getField("IMPORTE")));
                }
            }
        }
        List<WebElement> amounts = browser.findElements(By.cssSelector("#facts tbody td.num"));
        assertThat(new BigDecimal(amounts.get(0).getAttribute("data-exact"))).isEqualByComparingTo(max);
        assertThat(new BigDecimal(amounts.get(0).getAttribute("data-exact")))
                .isGreaterThanOrEqualTo(new BigDecimal(amounts.get(1).getAttribute("data-exact")));

        // CSV: named after dataset, view and revision; its rows add up to the filtered total.
        var http = java.net.http.HttpClient.newHttpClient();
        var res = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                browser.findElement(By.id("export")).getAttribute("href"))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Disposition").orElse(""))
                .contains("madrid-gastos_administrative-CENTRO_filtered_r1.csv");
        BigDecimal csvSum = BigDecimal.ZERO;
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(res.body())) {
            for (NamedCsvRecord rec : r) {
                csvSum = csvSum.add(new BigDecimal(rec.getField("amount.sum")));
            }
        }
        assertThat(csvSum).isEqualByComparingTo(y2015);
        assertThat(browser.findElement(By.id("export")).getAttribute("download"))
                .isEqualTo("madrid-gastos_administrative-CENTRO_filtered_r1.csv");
        var json = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                browser.findElement(By.id("export-json")).getAttribute("href"))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(io.coffer.model.Json.parse(json.body(), "export").path("summary").path("amount.sum").decimalValue())
                .isEqualByComparingTo(y2015);
        assertThat(browser.findElement(By.id("export-json")).getAttribute("download"))
                .isEqualTo("madrid-gastos_administrative-CENTRO_filtered_r1.json");
    }

    // ------------------------------------------------------------------ 5. embeds and revisions

    @Test
    void embedsKeepTheWholeStateAndTheirRevision() throws Exception {
        browser.get(served.url("/d/test/sections"));
        ready();
        assertThat(browser.findElements(By.id("old-revision"))).isEmpty();
        browser.get(served.url("/d/test/sections?revision=1&measure=budget.sum&dim=region&filter=date.year%3A2021"));
        ready();
        assertThat(browser.findElement(By.id("old-revision")).getText()).contains("revision 1").contains("latest is 2");
        BigDecimal pageTotal = total();
        // Revision 1's budget for 2021 (odd rows): 100 + i + .25 for odd i below 60.
        BigDecimal expected = BigDecimal.ZERO;
        for (int i = 1; i < 60; i += 2) {
            expected = expected.add(new BigDecimal(100 + i + ".25"));
        }
        assertThat(pageTotal).isEqualByComparingTo(expected);
        Map<String, BigDecimal> pageMembers = amountsByKey();
        String code = browser.findElement(By.id("embed-code")).getAttribute("value");
        assertThat(code).startsWith("<iframe src=\"").contains("revision=1").contains("dim=region")
                .contains("filter=date.year").contains("/embed/test/sections/treemap");
        String src = code.substring(code.indexOf("src=\"") + 5, code.indexOf('"', code.indexOf("src=\"") + 5)).replace("&amp;", "&");
        browser.findElement(By.id("copy-embed")).click();
        browser.get(src);
        ready();
        assertThat(amountsByKey()).isEqualTo(pageMembers);
        assertThat(browser.findElement(By.id("old-revision")).getText()).contains("Revision 1");
        assertThat(browser.findElements(By.cssSelector("main h1"))).hasSize(1);
        allChartsDrawn("embed load", 1);
    }

    // ------------------------------------------------------------------ 6. dataset page, errors

    @Test
    void datasetPageTellsWhatTheDataIsAndErrorsArePages() throws Exception {
        browser.get(served.url("/d/madrid/gastos"));
        ready();
        assertThat(browser.findElement(By.id("about-period")).getText()).isEqualTo("2012-01-01 to 2015-12-31");
        assertThat(browser.findElement(By.id("about-country")).getText()).isEqualTo("ES");
        assertThat(browser.findElement(By.cssSelector("#about-homepage a")).getAttribute("href")).startsWith("http://datos.madrid.es/");
        assertThat(browser.findElement(By.id("about-measures")).getText()).contains("amount (EUR)");
        assertThat(browser.findElement(By.id("about-dimensions")).getText()).contains("administrative").contains("economic");
        assertThat(browser.findElement(By.id("atom-link")).getAttribute("href")).endsWith("/changes.atom");

        browser.get(served.url("/d/test/sections"));
        ready();
        assertThat(browser.findElement(By.cssSelector("#description strong")).getText()).isEqualTo("by section");
        assertThat(browser.findElement(By.cssSelector("#description a")).getAttribute("href")).isEqualTo("https://example.org/src");
        assertThat(browser.findElements(By.cssSelector("#description img"))).isEmpty();
        assertThat(browser.findElement(By.id("description")).getText()).contains("<img src=x");
        assertThat(browser.executeScript("return window.__xss === undefined")).isEqualTo(true);

        browser.get(served.url("/d/nobody/nothing"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
        browser.get(served.url("/d/madrid/gastos?revision=abc"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isNotBlank();
        assertThat(browser.findElement(By.className("error-detail")).getText()).contains("revision must be a positive number");
        // API clients still get problem+json.
        var res = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(served.url("/d/nobody/nothing"))).header("Accept", "application/json").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }
}
