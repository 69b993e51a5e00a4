package io.coffer.server.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian chromium driven by Debian's chromedriver (no driver download: Selenium Manager is never
 * asked). A missing browser fails the test with what to install.
 */
final class Browser {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {
    }

    static ChromeDriver start(int width, int height) throws Exception {
        return start(width, height, null);
    }

    /** A browser that saves downloads into {@code downloads} without asking (when not null). */
    static ChromeDriver start(int width, int height, Path downloads) throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present) {
            // Never a skip: a browser test that did not run must not look like one that passed.
            throw new IllegalStateException("browser tests need " + CHROMIUM + " and " + DRIVER
                    + ": install chromium chromium-driver (apt-get install chromium chromium-driver; .ci/run does it)");
        }
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height,
                "--user-data-dir=" + Files.createTempDirectory("coffer-chromium"));
        if (downloads != null) {
            o.setExperimentalOption("prefs", java.util.Map.of("download.default_directory",
                    downloads.toAbsolutePath().toString(), "download.prompt_for_download", false,
                    "safebrowsing.enabled", false));
        }
        if (width < 500) {
            // Desktop Chrome will not make a window this narrow: emulate the phone's viewport instead.
            o.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
                    java.util.Map.of("width", width, "height", height, "pixelRatio", 1.0, "mobile", true)));
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return d;
    }

    static void screenshot(ChromeDriver d, String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
    }
}
