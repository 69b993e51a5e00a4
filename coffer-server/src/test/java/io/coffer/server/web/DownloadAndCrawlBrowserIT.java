package io.coffer.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.server.TestServer;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Downloads as a person makes them: the home page's file links clicked in chromium (which always asks for gzip)
 * and the files it saves compared with the stored bytes by SHA-256; every other file fetched by the page itself;
 * then every same-origin link from the home page to depth 3, each answered without a 4xx/5xx and whole.
 */
class DownloadAndCrawlBrowserIT {
    @TempDir
    static Path tmp;
    static DataStore store;
    static TestServer server;
    static ChromeDriver browser;
    static Path downloads;
    static final List<Revision> revisions = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        // The Madrid file is over a megabyte: past every compression buffer (the truncation was at 64 KiB).
        for (String name : List.of("ukgov-cra-sample", "demo-madrid-municipal-gastos")) {
            revisions.add(store.publish(DatasetId.of("test", name), PackageSource.directory(Corpus.get(name))));
        }
        server = TestServer.start(store);
        downloads = Files.createDirectories(tmp.resolve("downloads"));
        browser = Browser.start(1280, 1600, downloads);
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

    static Map<String, String> storedHashes() {
        Map<String, String> byUrlPath = new HashMap<>();
        for (Revision r : revisions) {
            for (FileEntry f : r.files()) {
                byUrlPath.put("/datasets/" + r.dataset().owner() + "/" + r.dataset().name() + "/" + f.path(),
                        f.sha256());
            }
        }
        return byUrlPath;
    }

    @Test
    void everyFileLinkOnTheHomePageDownloadsWholeInChromium() throws Exception {
        browser.get(url("/"));
        List<WebElement> links = browser.findElements(By.cssSelector("a[download]"));
        Map<String, String> hashes = storedHashes();
        List<String> hrefs = links.stream().map(a -> a.getAttribute("href")).toList();
        assertThat(hrefs).as("download links on the home page").hasSizeGreaterThanOrEqualTo(revisions.size());
        for (WebElement link : links) {
            String href = link.getAttribute("href");
            String path = URI.create(href).getPath();
            assertThat(hashes).as("link %s names a stored file", href).containsKey(path);
            try (Stream<Path> old = Files.list(downloads)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            link.click();
            Path saved = awaitDownload();
            assertThat(sha256(Files.readAllBytes(saved))).as("bytes of %s saved by chromium", href)
                    .isEqualTo(hashes.get(path));
        }
    }

    @Test
    void everyStoredFileFetchedByThePageIsIdentical() {
        browser.get(url("/"));
        for (Map.Entry<String, String> e : storedHashes().entrySet()) {
            // fetch() in chromium sends Accept-Encoding: gzip, deflate, br, zstd and decodes what comes back.
            Object hex = browser.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch(arguments[0]).then(r => r.ok ? r.arrayBuffer() : Promise.reject('HTTP ' + r.status))
                      .then(b => crypto.subtle.digest('SHA-256', b))
                      .then(d => done(Array.from(new Uint8Array(d)).map(x => x.toString(16).padStart(2, '0')).join('')))
                      .catch(err => done('failed: ' + err));
                    """, e.getKey());
            assertThat(hex).as("SHA-256 of %s fetched in the page", e.getKey()).isEqualTo(e.getValue());
        }
    }

    private static Path awaitDownload() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(downloads)) {
                List<Path> files = s.toList();
                boolean partial = files.stream().anyMatch(p -> p.getFileName().toString().endsWith(".crdownload")
                        || p.getFileName().toString().endsWith(".tmp"));
                if (!partial && files.size() == 1 && Files.size(files.get(0)) > 0) {
                    return files.get(0);
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("chromium saved nothing in 30 s; the folder holds " + Files.list(downloads).toList());
    }

    private static final Pattern HREF = Pattern.compile("\\bhref=\"([^\"]*)\"");

    @Test
    void everySameOriginLinkToDepthThreeAnswersWhole() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, Integer> seen = new LinkedHashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        queue.add("/");
        seen.put("/", 0);
        List<String> problems = new ArrayList<>();
        int fetched = 0;
        // Bounded: a link explosion (one URL per filter state) must not make the test run for ever.
        while (!queue.isEmpty() && fetched < 600) {
            String path = queue.poll();
            int depth = seen.get(path);
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url(path)))
                    .header("Accept-Encoding", "gzip").header("Accept", "text/html,*/*").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            fetched++;
            if (r.statusCode() >= 400) {
                problems.add(path + " -> HTTP " + r.statusCode() + " (linked at depth " + depth + ")");
                continue;
            }
            byte[] body;
            try {
                body = decoded(r);
            } catch (IOException e) {
                problems.add(path + " -> body cut short or not gzip: " + e.getMessage());
                continue;
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (depth >= 3 || !type.startsWith("text/html")) {
                continue;
            }
            Matcher m = HREF.matcher(new String(body, java.nio.charset.StandardCharsets.UTF_8));
            while (m.find()) {
                String next = sameOrigin(m.group(1).replace("&amp;", "&"));
                if (next != null && !seen.containsKey(next)) {
                    seen.put(next, depth + 1);
                    queue.add(next);
                }
            }
        }
        assertThat(fetched).as("pages and files crawled").isGreaterThan(10);
        assertThat(problems).as("links answered with an error or a broken body").isEmpty();
    }

    /** The path and query of a same-origin link, or null for another origin, a fragment or a non-HTTP scheme. */
    private static String sameOrigin(String href) {
        if (href.isEmpty() || href.startsWith("#") || href.startsWith("mailto:") || href.startsWith("javascript:")) {
            return null;
        }
        URI u = URI.create(url("/")).resolve(href.replace(" ", "%20").replace("|", "%7C"));
        if (!"127.0.0.1".equals(u.getHost()) || u.getPort() != server.port()) {
            return null;
        }
        String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
    }

    private static byte[] decoded(HttpResponse<byte[]> r) throws IOException {
        byte[] raw = r.body();
        long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared >= 0 && declared != raw.length) {
            throw new IOException(raw.length + " bytes received, Content-Length says " + declared);
        }
        if (r.headers().firstValue("Content-Encoding").map("gzip"::equalsIgnoreCase).orElse(false)) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
