package io.relspec.bench.system;

import java.io.File;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium, signed in to one deployment's web UI, timing pages
 * by the browser's own clock: milliseconds from navigation start until the page says it is ready.
 */
final class HeadlessChromium implements AutoCloseable {
  private final ChromeDriver browser;
  private final String base;

  HeadlessChromium(String baseUrl, String token) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(System.getProperty("relspec.bench.chromium", "/usr/bin/chromium"));
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(
                new File(System.getProperty("relspec.bench.chromedriver", "/usr/bin/chromedriver")))
            .usingAnyFreePort()
            .build();
    this.browser = new ChromeDriver(service, options);
    this.base = baseUrl;
    browser.get(base + "/ui/login");
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.id("sign-in")).click();
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(driver -> driver.getCurrentUrl().startsWith(base + "/ui/graph"));
  }

  /**
   * Opens a graph page and returns the milliseconds from navigation start until its graph was drawn
   * (or, above the page's bound, until the search box was ready): {@code data-ready-ms}.
   */
  double graphReadyMillis(String pathAndQuery) {
    browser.get(base + pathAndQuery);
    new WebDriverWait(browser, Duration.ofMinutes(5))
        .until(
            driver -> !driver.findElements(By.cssSelector("#graph[data-ready='true']")).isEmpty());
    return Double.parseDouble(browser.findElement(By.id("graph")).getAttribute("data-ready-ms"));
  }

  /**
   * Milliseconds from navigation start until the load event of a page without scripts of its own.
   */
  double loadMillis(String pathAndQuery) {
    browser.get(base + pathAndQuery);
    Object value =
        ((JavascriptExecutor) browser)
            .executeScript(
                "var t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd;");
    return ((Number) value).doubleValue();
  }

  /** How many nodes the last graph page drew. */
  int drawnNodes() {
    return Integer.parseInt(browser.findElement(By.id("graph")).getAttribute("data-nodes"));
  }

  @Override
  public void close() {
    browser.quit();
  }
}
