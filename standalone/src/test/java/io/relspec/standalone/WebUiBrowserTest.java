package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.cli.examples.CodeAnatomyGenerator;
import io.relspec.executor.ExecutorNode;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.v156.log.Log;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser: Debian's headless Chromium driven by Selenium against standalone
 * with the code-anatomy example. Signs in, reads the graph, focuses a task's upstream, opens a task
 * and its column lineage, starts a run from the page and watches it finish live, cancels one, and
 * checks that a task whose SQL holds a script tag renders it as text. Every page must load without
 * a JavaScript error or a Content-Security-Policy violation (read through the DevTools log).
 * Screenshots of failures land in {@code target/ui-screenshots}.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDataDirectory.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiBrowserTest {
  private static final int FILES = 300;
  private static final String UI = "http://localhost:18080/ui";
  private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * A task that takes a few seconds on the executor (a bounded cross join), so a run that includes
   * it is still running when the page shows it and can be cancelled from the page.
   */
  private static final String SLOW_SQL =
      "SELECT a.file_id, count(*) AS pairs FROM symbol_occurrences a, symbol_occurrences b,"
          + " (SELECT line_no FROM symbol_occurrences LIMIT 12) c"
          + " WHERE a.line_no + b.line_no > c.line_no GROUP BY a.file_id";

  private static final String XSS_SQL =
      "SELECT file_id, '<script>window.relspecXss = 1</script><b>bold</b>' AS note"
          + " FROM symbol_occurrences";

  @Inject ExecutorNode executor;

  private static ChromeDriver browser;
  private static DevTools devTools;
  private static final List<String> browserErrors = Collections.synchronizedList(new ArrayList<>());
  private static boolean prepared;

  private StandaloneHarness harness;

  @RegisterExtension
  final TestWatcher screenshotOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          screenshot("failed-" + context.getRequiredTestMethod().getName());
        }
      };

  @BeforeEach
  void prepareOnce(TestInfo test) throws Exception {
    harness = new StandaloneHarness(executor.flightUri());
    if (prepared) {
      browserErrors.clear();
      // The first test signs in through the page; if it failed before that, the others still run
      // signed in instead of all failing on the sign-in page.
      if (!test.getTestMethod().orElseThrow().getName().startsWith("signingIn")
          && browser.manage().getCookieNamed("relspec_session") == null) {
        signIn(harness.token());
      }
      return;
    }
    Path work = Files.createTempDirectory("web-ui-test");
    Path bundle = work.resolve("code-anatomy");
    StandaloneHarness.copy(Path.of("..", "examples", "code-anatomy"), bundle);
    harness.cli("bundle", "push", bundle.toString());
    Path data = work.resolve("base");
    try (RootAllocator allocator = new RootAllocator()) {
      CodeAnatomyGenerator.write(
          new CodeAnatomyGenerator.Options(FILES, 5, 0, 0, CodeAnatomyGenerator.Variant.BASE),
          data,
          allocator);
    }
    harness.cli("data", "put", "--dir", data.toString());
    harness.api().put("api/v1/tasks/slow_pairs", Map.of("output", "slow_pairs", "sql", SLOW_SQL));
    harness.api().put("api/v1/tasks/xss_probe", Map.of("output", "xss_probe", "sql", XSS_SQL));
    awaitPlanCatalogWith("task:slow_pairs", "task:xss_probe");
    startBrowser();
    prepared = true;
  }

  @AfterEach
  void noBrowserErrors() {
    assertThat(browserErrors).as("JavaScript errors and CSP violations in the browser").isEmpty();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  @Order(1)
  void signingInTakesATokenAndSetsAStrictHttpOnlyCookie() {
    browser.get(UI + "/graph");
    assertThat(browser.getCurrentUrl()).startsWith(UI + "/login");
    element(By.id("token")).sendKeys("not-a-valid-token-at-all");
    element(By.id("sign-in")).click();
    assertThat(element(By.id("login-error")).getText()).isEqualTo("That token is not valid here.");

    signIn(harness.token());
    assertThat(browser.getCurrentUrl()).isEqualTo(UI + "/graph");
    Cookie session = browser.manage().getCookieNamed("relspec_session");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(session.getPath()).isEqualTo("/ui");
    // The cookie is for the pages only: the REST API still wants a bearer token.
    HttpResponse<String> api =
        send(
            HttpRequest.newBuilder(URI.create("http://localhost:18080/api/v1/graph"))
                .header("Cookie", "relspec_session=" + session.getValue())
                .build());
    assertThat(api.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(2)
  void theGraphShowsEveryTaskAndEveryEdge() {
    browser.get(UI + "/graph");
    WebElement graph = awaitGraph();
    JsonNode rest = harness.api().get("api/v1/graph");
    Set<String> expectedNodes = new TreeSet<>();
    rest.path("nodes").forEach(node -> expectedNodes.add(node.path("id").asText()));
    Set<String> expectedEdges = new TreeSet<>();
    rest.path("edges")
        .forEach(
            edge ->
                expectedEdges.add(edge.path("from").asText() + "->" + edge.path("to").asText()));
    assertThat(drawnNodes()).isEqualTo(expectedNodes);
    assertThat(drawnEdges()).isEqualTo(expectedEdges);
    assertThat(graph.getAttribute("data-nodes")).isEqualTo(String.valueOf(expectedNodes.size()));
    // Tasks of the last run are colored by state; every task that ran shows it.
    assertThat(nodeData("task:hotspots", "state")).isEqualTo("never run");
    screenshot("graph");
  }

  @Test
  @Order(3)
  void focusingOnHotspotsShowsItsUpstream() {
    browser.get(UI + "/graph?focus=task:hotspots&direction=up&depth=50");
    awaitGraph();
    JsonNode provenance = harness.api().get("api/v1/provenance/hotspots");
    Set<String> expected = new TreeSet<>();
    provenance.path("tasks").forEach(task -> expected.add("task:" + task.asText()));
    provenance.path("datasets").forEach(dataset -> expected.add("dataset:" + dataset.asText()));
    assertThat(drawnNodes()).isEqualTo(expected).contains("task:hotspots");
    assertThat(drawnNodes()).doesNotContain("dataset:hotspots", "task:slow_pairs");
    assertThat(nodeData("task:hotspots", "focused")).isEqualTo("true");

    // One level up: hotspots, what it reads, and the tasks writing those.
    browser.get(UI + "/graph?focus=task:hotspots&direction=up&depth=1");
    awaitGraph();
    Set<String> oneLevel = drawnNodes();
    assertThat(oneLevel).contains("task:hotspots").hasSizeLessThan(expected.size());
    assertThat(oneLevel).allMatch(expected::contains);
  }

  @Test
  @Order(4)
  void aTaskPageShowsItsSqlFingerprintScopeAndColumnLineage() {
    browser.get(UI + "/tasks/hotspots");
    JsonNode plan = harness.api().get("api/v1/plan-catalogs/latest/plans/hotspots");
    assertThat(element(By.id("task-name")).getText()).isEqualTo("hotspots");
    assertThat(element(By.id("fingerprint")).getText())
        .isEqualTo(plan.path("fingerprint").asText());
    assertThat(element(By.id("task-sql")).getText())
        .isEqualToIgnoringWhitespace(plan.path("sql").asText());
    assertThat(element(By.id("file-scope")).getText())
        .contains(plan.path("fileScope").path("reason").asText());
    List<String> columns = new ArrayList<>();
    for (WebElement row :
        browser.findElements(By.cssSelector("#column-lineage tbody tr td:first-child"))) {
      columns.add(row.getText());
    }
    List<String> expected = new ArrayList<>();
    plan.path("lineage").forEach(entry -> expected.add(entry.path("column").asText()));
    assertThat(columns).isEqualTo(expected).contains("score");
    String scoreOrigins =
        element(
                By.xpath(
                    "//table[@id='column-lineage']//tr[td[1][normalize-space()='score']]/td[2]"))
            .getText();
    for (JsonNode entry : plan.path("lineage")) {
      if (entry.path("column").asText().equals("score")) {
        entry
            .path("origins")
            .forEach(
                origin ->
                    assertThat(scoreOrigins)
                        .contains(
                            origin.path("dataset").asText()
                                + "."
                                + origin.path("column").asText()));
      }
    }

    // Its lineage link opens the explorer on hotspots.score, upstream and downstream.
    element(By.linkText("score")).click();
    awaitGraph();
    Set<String> lineage = drawnNodes();
    assertThat(lineage).contains("hotspots.score");
    assertThat(lineage.size()).isGreaterThan(1);
    assertThat(browser.findElements(By.cssSelector("#lineage-table tbody tr")))
        .hasSize(lineage.size());
  }

  @Test
  @Order(5)
  void aRunStartedFromThePageTurnsGreenLive() {
    browser.get(UI + "/runs/new");
    new Select(element(By.id("mode"))).selectByValue("full");
    // The dry-run plan shows before anything starts: every task, none blocked.
    new WebDriverWait(browser, WAIT)
        .until(
            driver ->
                driver
                        .findElements(
                            By.cssSelector("#plan-table tbody tr[data-task='slow_pairs']"))
                        .size()
                    == 1);
    int runsBefore = harness.api().get("api/v1/runs").size();
    assertThat(runsBefore).isZero();
    element(By.id("start-run")).click();
    new WebDriverWait(browser, WAIT)
        .until(driver -> driver.findElements(By.id("run-id")).size() == 1);
    String runId = element(By.id("run-id")).getText();
    // A marker that a reload would lose: the page must change in place.
    js("window.relspecMarker = 'same page';");
    Set<String> runStates = new LinkedHashSet<>();
    Set<String> slowStates = new LinkedHashSet<>();
    new WebDriverWait(browser, Duration.ofSeconds(180))
        .pollingEvery(Duration.ofMillis(100))
        .until(
            driver -> {
              String state = text("return document.getElementById('run-state').dataset.state;");
              runStates.add(state);
              String slow =
                  text(
                      "var row = document.querySelector(\"#run-tasks tr[data-task='slow_pairs']\");"
                          + " return row ? row.dataset.state : 'none';");
              if (slow.equals("running") && slowStates.add(slow)) {
                screenshot("run-live"); // the README's picture of a run in progress
              }
              slowStates.add(slow);
              return state.equals("succeeded") || state.equals("failed");
            });
    screenshot("run-finished");
    assertThat(runStates).as("states the page showed, in order").endsWith("succeeded");
    assertThat(runStates).as("the page showed the run before it finished").contains("running");
    assertThat(slowStates)
        .as("slow_pairs turned green on the page")
        .contains("running", "succeeded");
    assertThat(text("return window.relspecMarker;")).isEqualTo("same page");
    JsonNode run = harness.api().get("api/v1/runs/" + runId);
    assertThat(run.path("state").asText()).isEqualTo("SUCCEEDED");
    for (JsonNode task : run.path("tasks")) {
      String shown =
          element(By.cssSelector("#run-tasks tr[data-task='" + task.path("task").asText() + "']"))
              .getAttribute("data-state");
      assertThat(shown)
          .as(task.path("task").asText())
          .isEqualTo(task.path("state").asText().toLowerCase());
    }
    assertThat(browser.findElements(By.cssSelector("svg.gantt rect"))).isNotEmpty();

    // The grid shows the run, and the graph now colors tasks by their last state.
    browser.get(UI + "/runs");
    assertThat(browser.findElements(By.cssSelector("#run-grid a.cell.state-succeeded")))
        .isNotEmpty();
    browser.get(UI + "/graph");
    awaitGraph();
    assertThat(nodeData("task:hotspots", "state")).isEqualTo("succeeded");
  }

  @Test
  @Order(6)
  void anOperatorCancelsARunFromThePage() {
    browser.get(UI + "/runs/new");
    new Select(element(By.id("mode"))).selectByValue("full");
    // A mistake shows in the plan area as it is typed; nothing starts.
    element(By.name("targets")).sendKeys("Not-A-Dataset");
    new WebDriverWait(browser, WAIT)
        .until(driver -> !driver.findElements(By.id("plan-error")).isEmpty());
    assertThat(element(By.id("plan-error")).getText()).contains("Not-A-Dataset");
    element(By.name("targets")).clear();
    element(By.name("targets")).sendKeys("slow_pairs");
    new WebDriverWait(browser, WAIT)
        .until(driver -> driver.findElements(By.cssSelector("#plan-table tbody tr")).size() == 1);
    element(By.id("start-run")).click();
    new WebDriverWait(browser, WAIT)
        .until(driver -> driver.findElements(By.id("cancel-run")).size() == 1);
    String runId = element(By.id("run-id")).getText();
    element(By.id("cancel-run")).click();
    new WebDriverWait(browser, WAIT)
        .until(
            driver ->
                "cancelled"
                    .equals(text("return document.getElementById('run-state').dataset.state;")));
    assertThat(harness.api().get("api/v1/runs/" + runId).path("state").asText())
        .isEqualTo("CANCELLED");
    assertThat(browser.findElements(By.id("cancel-run"))).isEmpty();
  }

  @Test
  @Order(7)
  void taskSqlWithAScriptTagRendersAsText() {
    browser.get(UI + "/tasks/xss_probe");
    WebElement sql = element(By.id("task-sql"));
    assertThat(sql.getText()).contains("<script>window.relspecXss = 1</script><b>bold</b>");
    assertThat(sql.findElements(By.tagName("script"))).isEmpty();
    assertThat(sql.findElements(By.tagName("b"))).isEmpty();
    assertThat(text("return String(window.relspecXss);")).isEqualTo("undefined");
  }

  @Test
  @Order(8)
  void theValidationPageGroupsDiagnosticsAndLinksTasks() {
    browser.get(UI + "/validation");
    JsonNode report = harness.api().get("api/v1/validation");
    String summary = element(By.id("validation-summary")).getText();
    assertThat(summary)
        .contains(report.path("errorCount").asText() + " errors")
        .contains(report.path("warningCount").asText() + " warnings");
    int listed = browser.findElements(By.cssSelector(".diagnostic-group li")).size();
    assertThat(listed).isEqualTo(report.path("diagnostics").size());
  }

  @Test
  @Order(9)
  void changesNeedTheOperatorRoleAndTheSessionsCsrfToken() {
    // A reader signs in, sees pages, and has no buttons; a forged or stale form is refused.
    String reader = session("reader-token-for-ui-tests");
    HttpResponse<String> runs = send(get("/runs/new", reader));
    assertThat(runs.statusCode()).isEqualTo(200);
    assertThat(runs.body()).doesNotContain("id=\"start-run\"");
    String readerCsrf = csrf(runs.body());
    assertThat(send(post("/runs", reader, "csrf=" + readerCsrf + "&mode=full")).statusCode())
        .isEqualTo(403);

    String admin = session(harness.token());
    assertThat(send(post("/runs", admin, "csrf=forged&mode=full")).statusCode()).isEqualTo(403);
    assertThat(send(post("/runs", admin, "mode=full")).statusCode()).isEqualTo(403);
    assertThat(harness.api().get("api/v1/runs").size()).as("no run started").isEqualTo(2);
    // A tampered cookie is no session.
    HttpResponse<String> tampered =
        send(get("/graph", admin.substring(0, admin.length() - 2) + "xx"));
    assertThat(tampered.statusCode()).isEqualTo(303);
    assertThat(tampered.headers().firstValue("Location").orElse("")).contains("/ui/login");
    // Every page carries the Content-Security-Policy.
    assertThat(send(get("/graph", admin)).headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp -> assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe"));
  }

  // ------------------------------------------------------------------------------------------

  private static void startBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    devTools = browser.getDevTools();
    devTools.createSession();
    devTools
        .getDomains()
        .events()
        .addJavascriptExceptionListener(
            exception -> browserErrors.add("exception: " + exception.getMessage()));
    devTools
        .getDomains()
        .events()
        .addConsoleListener(
            entry -> {
              if (entry.getType().equals("error") || entry.getType().equals("assert")) {
                browserErrors.add("console." + entry.getType() + ": " + entry.getMessages());
              }
            });
    // Browser-level messages: CSP violations and failed loads arrive here, not on console.*.
    devTools.send(Log.enable());
    devTools.addListener(
        Log.entryAdded(),
        entry -> {
          if (entry.getLevel()
              == org.openqa.selenium.devtools.v156.log.model.LogEntry.Level.ERROR) {
            browserErrors.add("log: " + entry.getText() + " " + entry.getUrl().orElse(""));
          }
        });
  }

  /** Signs in and waits until the sign-in page has handed over to the page it leads to. */
  private void signIn(String token) {
    browser.get(UI + "/login");
    element(By.id("token")).sendKeys(token);
    element(By.id("sign-in")).click();
    new WebDriverWait(browser, WAIT)
        .until(driver -> !driver.getCurrentUrl().startsWith(UI + "/login"));
  }

  /**
   * The element once it is on the page: a click that submits a form or a page under load returns
   * before the next page is there, so a lookup right after it waits instead of racing the load.
   */
  private WebElement element(By locator) {
    return new WebDriverWait(browser, WAIT)
        .until(driver -> driver.findElements(locator).stream().findFirst().orElse(null));
  }

  private WebElement awaitGraph() {
    new WebDriverWait(browser, WAIT)
        .until(
            driver -> {
              List<WebElement> graphs = driver.findElements(By.id("graph"));
              return !graphs.isEmpty() && "true".equals(graphs.get(0).getAttribute("data-ready"));
            });
    return element(By.id("graph"));
  }

  private Set<String> drawnNodes() {
    return new TreeSet<>(strings("return window.relspecGraph.nodes().map(n => n.id());"));
  }

  private Set<String> drawnEdges() {
    return new TreeSet<>(
        strings(
            "return window.relspecGraph.edges().map(e => e.data('source') + '->' + e.data('target'));"));
  }

  private String nodeData(String id, String field) {
    return text(
        "var n = window.relspecGraph.getElementById(arguments[0]); return String(n.data(arguments[1]));",
        id,
        field);
  }

  @SuppressWarnings("unchecked")
  private List<String> strings(String script) {
    return (List<String>) ((JavascriptExecutor) browser).executeScript(script);
  }

  private String text(String script, Object... args) {
    Object value = ((JavascriptExecutor) browser).executeScript(script, args);
    return value == null ? null : value.toString();
  }

  private void js(String script) {
    ((JavascriptExecutor) browser).executeScript(script);
  }

  private static void screenshot(String name) {
    if (browser == null) {
      return;
    }
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    } catch (IOException | RuntimeException e) {
      System.err.println("no screenshot " + name + ": " + e);
    }
  }

  private void awaitPlanCatalogWith(String... nodes) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Set<String> ids = new TreeSet<>();
              harness
                  .api()
                  .get("api/v1/graph")
                  .path("nodes")
                  .forEach(node -> ids.add(node.path("id").asText()));
              return ids.containsAll(List.of(nodes));
            });
  }

  // ------------------------------------------------------------------ plain HTTP, as a forger
  // would

  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String session(String token) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(UI + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build());
    assertThat(response.statusCode()).isEqualTo(303);
    Optional<String> cookie = response.headers().firstValue("Set-Cookie");
    Matcher value = Pattern.compile("relspec_session=([^;]+)").matcher(cookie.orElse(""));
    assertThat(value.find()).as("session cookie in %s", cookie).isTrue();
    return value.group(1);
  }

  private static HttpRequest get(String path, String session) {
    return HttpRequest.newBuilder(URI.create(UI + path))
        .header("Cookie", "relspec_session=" + session)
        .build();
  }

  private static HttpRequest post(String path, String session, String form) {
    return HttpRequest.newBuilder(URI.create(UI + path))
        .header("Cookie", "relspec_session=" + session)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
  }

  private static String csrf(String html) {
    Matcher matcher = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }
}
