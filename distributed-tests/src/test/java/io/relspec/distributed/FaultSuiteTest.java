package io.relspec.distributed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relspec.cli.data.DataClient;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults at a random moment of a run, on the suite as real processes (two schedulers, two
 * executors, RabbitMQ and PostgreSQL on localhost), three trials each: an executor SIGKILLed and
 * restarted after 5 s, an executor SIGKILLed and not restarted, the active scheduler SIGKILLed,
 * RabbitMQ stopped for 5 s and for 40 s, PostgreSQL restarted, the compiler SIGKILLed while it
 * compiles. After every trial the run has SUCCEEDED, every output equals the clean run's (a digest
 * of its sorted rows), and no dead-letter queue holds a message. The table of faults, trials and
 * outcomes is written to {@code target/fault-suite.md} (docs/operations.md shows it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {
  private static final String TOKEN = "fault-suite-token-" + Long.toHexString(System.nanoTime());
  private static final String POSTGRES = "jdbc:postgresql://localhost:5432/";
  private static final String PREFIX = "relspec.faults";
  private static final int TRIALS = 3;
  private static final long SEED = Long.getLong("relspec.faults.seed", System.nanoTime());

  private static final Random random = new Random(SEED);
  private static final List<ServiceProcess> processes = new ArrayList<>();
  private static final List<String> table = new ArrayList<>();
  private static Path logs;
  private static Path work;
  private static Map<String, String> common;
  private static ServiceProcess catalog;
  private static ServiceProcess compiler;
  private static ServiceProcess schedulerA;
  private static ServiceProcess schedulerB;
  private static ServiceProcess executor0;
  private static ServiceProcess executor1;
  private static final Map<String, String> flightUris = new HashMap<>();
  private static Map<String, String> clean;
  private static int compilerEdits;

  @BeforeAll
  static void startSuite() throws Exception {
    System.out.println(
        "fault suite seed: " + SEED + " (rerun with -Drelspec.faults.seed=" + SEED + ")");
    DistributedSuiteTest.recreateDatabase("relspec_faults_catalog");
    DistributedSuiteTest.recreateDatabase("relspec_faults_scheduler");
    deleteQueues();
    logs = Files.createDirectories(Path.of("target", "service-logs", "faults")).toAbsolutePath();
    work = Files.createDirectories(Path.of("target", "faults")).toAbsolutePath();
    common =
        new HashMap<>(
            Map.of(
                "RELSPEC_API_TOKEN", TOKEN,
                "RELSPEC_MESSAGING_EXCHANGE", "relspec.fault-events",
                "RELSPEC_MESSAGING_QUEUE_PREFIX", PREFIX));
    catalog =
        start("f-catalog", "catalog", with("RELSPEC_DB_URL", POSTGRES + "relspec_faults_catalog"));
    common.put("RELSPEC_CATALOG_URL", catalog.baseUrl());
    compiler = start("f-compiler", "compiler", Map.of());
    common.put("RELSPEC_COMPILER_URL", compiler.baseUrl());
    Map<String, String> scheduler = new HashMap<>();
    scheduler.put("RELSPEC_DB_URL", POSTGRES + "relspec_faults_scheduler");
    scheduler.put("RELSPEC_SCHEDULER_HEARTBEAT_LEASE", "6s");
    scheduler.put("RELSPEC_SCHEDULER_SWEEP_INTERVAL", "500ms");
    scheduler.put("RELSPEC_SCHEDULER_RETRY_BACKOFF", "500ms");
    scheduler.put("RELSPEC_SCHEDULER_RETRY_BACKOFF_MAX", "5s");
    scheduler.put("RELSPEC_SCHEDULER_LOST_INPUT_WAIT", "90s");
    schedulerA = start("f-scheduler-a", "scheduler", scheduler);
    schedulerB = start("f-scheduler-b", "scheduler", scheduler);
    executor0 = startExecutor("f-executor-0");
    executor1 = startExecutor("f-executor-1");
    for (ServiceProcess process : processes) {
      process.awaitReady();
    }
    writeSources();
    writeBundle();
    cli("bundle", "push", work.resolve("bundle").toString());
    // Sources on executor-0 only: a fault on executor-1 loses task outputs, which are rebuilt.
    for (String source : List.of("events", "dims")) {
      cli(
          "data",
          "put",
          source,
          work.resolve(source + ".parquet").toString(),
          "--flight",
          flightUri(executor0));
    }
    String runId = startRun();
    awaitSucceeded(runId, Duration.ofSeconds(120));
    clean = digests(runId);
    assertThat(clean).hasSize(10);
  }

  @AfterAll
  static void stopSuite() throws Exception {
    Files.writeString(
        work.resolve("..").resolve("fault-suite.md"),
        "| fault | trials | survived |\n|---|---|---|\n" + String.join("\n", summary()) + "\n");
    System.out.println(String.join("\n", table));
    for (ServiceProcess process : processes) {
      if (process.isAlive()) {
        process.close();
      }
    }
    ensureRabbitMq();
  }

  @Test
  @Order(1)
  void theStandbySchedulerFinishesARunWhenTheActiveOneIsKilled() throws Exception {
    String runId = startRun();
    pause();
    ServiceProcess active = activeScheduler();
    ServiceProcess standby = active == schedulerA ? schedulerB : schedulerA;
    active.kill();
    awaitSucceeded(runId, standby, Duration.ofSeconds(120));
    assertThat(digests(runId, standby)).isEqualTo(clean);
    restart(active).awaitReady();
  }

  @Test
  @Order(2)
  void anExecutorKilledAndRestartedAfterFiveSeconds() throws Exception {
    trials(
        "SIGKILL an executor, restarted after 5 s",
        () -> {
          ServiceProcess victim = random.nextBoolean() ? executor0 : executor1;
          victim.kill();
          Thread.sleep(5_000); // the fault: the executor stays down for 5 s
          restart(victim).awaitReady();
        },
        () -> {});
  }

  @Test
  @Order(3)
  void anExecutorKilledAndNotRestarted() throws Exception {
    trials(
        "SIGKILL an executor, not restarted",
        () -> executor1.kill(),
        () -> restart(executor1).awaitReady());
  }

  @Test
  @Order(4)
  void theActiveSchedulerKilled() throws Exception {
    trials(
        "SIGKILL the scheduler",
        () -> {
          ServiceProcess active = activeScheduler();
          active.kill();
          restart(active).awaitReady();
        },
        () -> {});
  }

  @Test
  @Order(5)
  void rabbitMqStoppedForFiveSeconds() throws Exception {
    trials("stop RabbitMQ for 5 s", () -> rabbitMqDown(Duration.ofSeconds(5)), () -> {});
  }

  @Test
  @Order(6)
  void rabbitMqStoppedForFortySeconds() throws Exception {
    trials("stop RabbitMQ for 40 s", () -> rabbitMqDown(Duration.ofSeconds(40)), () -> {});
  }

  @Test
  @Order(7)
  void postgresqlRestarted() throws Exception {
    trials(
        "restart PostgreSQL",
        () ->
            run("pg_ctlcluster", "--skip-systemctl-redirect", postgresVersion(), "main", "restart"),
        () -> {});
  }

  @Test
  @Order(8)
  void theCompilerKilledWhileItCompiles() throws Exception {
    trials(
        "SIGKILL the compiler while it compiles",
        () -> {
          // A new snapshot (one more small task registered through the API), then the compiler
          // dies while compiling it; restarted, it compiles it from its queue.
          putTask("edits", "SELECT " + ++compilerEdits + " AS edit");
          pause();
          compiler.kill();
          restart(compiler).awaitReady();
        },
        () -> {});
  }

  // ------------------------------------------------------------------ trials

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  /**
   * {@link #TRIALS} times: a full run, the fault at a random moment of it, the run awaited, then
   * {@code after} (the suite made whole again), the outputs compared with the clean run's and the
   * dead-letter queues checked.
   */
  private static void trials(String fault, Step inject, Step after) throws Exception {
    for (int trial = 1; trial <= TRIALS; trial++) {
      Instant started = Instant.now();
      String runId = startRun();
      long delay = pause();
      inject.run();
      ServiceProcess scheduler = liveScheduler();
      String outcome;
      try {
        awaitSucceeded(runId, scheduler, Duration.ofSeconds(180));
        // Back to the full suite before reading outputs: one may still be on a killed executor
        // when the run had finished it before the kill.
        after.run();
        Map<String, String> outputs = digests(runId, liveScheduler());
        assertThat(outputs)
            .as("%s, trial %d: outputs equal a clean run's", fault, trial)
            .isEqualTo(clean);
        assertThat(deadLetters())
            .as("%s, trial %d: dead-lettered messages", fault, trial)
            .isEmpty();
        outcome = "SUCCEEDED";
      } catch (AssertionError | RuntimeException e) {
        table.add(
            row(
                fault,
                trial,
                delay,
                started,
                "FAILED: " + e.getMessage().lines().findFirst().orElse("")));
        throw new AssertionError(
            fault
                + ", trial "
                + trial
                + " (seed "
                + SEED
                + ", fault after "
                + delay
                + " ms): "
                + e.getMessage(),
            e);
      } finally {
        restartWhatIsDown();
      }
      table.add(row(fault, trial, delay, started, outcome));
    }
  }

  /** Whatever a failed trial left down is started again, so the next trial has the full suite. */
  private static void restartWhatIsDown() throws Exception {
    for (ServiceProcess process : List.copyOf(processes)) {
      if (!process.isAlive()) {
        restart(process).awaitReady();
      }
    }
  }

  private static String row(String fault, int trial, long delay, Instant started, String outcome) {
    return "| "
        + fault
        + " | "
        + trial
        + " | fault after "
        + delay
        + " ms | "
        + outcome
        + " in "
        + Duration.between(started, Instant.now()).toSeconds()
        + " s |";
  }

  /** One line per fault: trials and how many survived. */
  private static List<String> summary() {
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (String line : table) {
      String fault = line.substring(2, line.indexOf(" | "));
      int[] count = counts.computeIfAbsent(fault, key -> new int[2]);
      count[0]++;
      count[1] += line.contains("SUCCEEDED") ? 1 : 0;
    }
    List<String> lines = new ArrayList<>();
    counts.forEach(
        (fault, count) -> lines.add("| " + fault + " | " + count[0] + " | " + count[1] + " |"));
    return lines;
  }

  /**
   * The fault's moment: a random point within a run (which takes a few seconds here), returned in
   * ms. This is the experiment's input, not a wait for something to happen.
   */
  private static long pause() throws InterruptedException {
    long delay = 200 + random.nextInt(2_500);
    Thread.sleep(delay);
    return delay;
  }

  // ------------------------------------------------------------------ faults

  private static void rabbitMqDown(Duration downFor) throws Exception {
    run("rabbitmqctl", "stop_app");
    Thread.sleep(downFor.toMillis()); // the fault: the broker stays down this long
    run("rabbitmqctl", "start_app");
    run("rabbitmqctl", "await_startup");
  }

  private static void ensureRabbitMq() {
    try {
      run("rabbitmqctl", "start_app");
    } catch (Exception e) {
      System.out.println("could not make sure RabbitMQ runs: " + e.getMessage());
    }
  }

  private static String postgresVersion() throws IOException {
    try (var versions = Files.list(Path.of("/etc/postgresql"))) {
      return versions
          .map(path -> path.getFileName().toString())
          .sorted()
          .reduce((a, b) -> b)
          .orElseThrow();
    }
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }

  /** Messages in the suite's dead-letter queues, by queue. */
  private static Map<String, Integer> deadLetters() throws Exception {
    Process process =
        new ProcessBuilder("rabbitmqctl", "list_queues", "-q", "name", "messages")
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(60, TimeUnit.SECONDS);
    Map<String, Integer> letters = new TreeMap<>();
    for (String line : out.lines().toList()) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].startsWith(PREFIX + ".") && parts[0].endsWith(".dlq")) {
        int count = Integer.parseInt(parts[1]);
        if (count > 0) {
          letters.put(parts[0], count);
        }
      }
    }
    return letters;
  }

  // ------------------------------------------------------------------ the workload

  /** Ten tasks over a million events and a thousand dimension rows; results exact in doubles. */
  private static final Map<String, String> TASKS = tasks();

  private static Map<String, String> tasks() {
    Map<String, String> tasks = new LinkedHashMap<>();
    tasks.put("t1", "SELECT k, count(*) AS n, sum(v) AS s FROM events GROUP BY k");
    tasks.put("t2", "SELECT file_id, avg(v) AS a, count(*) AS n FROM events GROUP BY file_id");
    tasks.put(
        "t3", "SELECT e.id, d.name, e.v FROM events e JOIN dims d ON e.k = d.k WHERE e.v > 900");
    tasks.put("t4", "SELECT name, count(*) AS n, max(v) AS top FROM t3 GROUP BY name");
    tasks.put("t5", "SELECT t1.k, t1.n, d.name FROM t1 JOIN dims d ON t1.k = d.k");
    tasks.put("t6", "SELECT a.k, a.s / b.n AS ratio FROM t1 a JOIN t5 b ON a.k = b.k");
    tasks.put("t7", "SELECT file_id, a, rank() OVER (ORDER BY a DESC, file_id) AS r FROM t2");
    tasks.put("t8", "SELECT name, n FROM t4 WHERE n > 10");
    tasks.put("t9", "SELECT count(*) AS c, sum(CAST(ratio * 1000 AS BIGINT)) AS s FROM t6");
    tasks.put("t10", "SELECT r, file_id FROM t7 WHERE r <= 10");
    return tasks;
  }

  private static void writeSources() throws Exception {
    try (Connection duckdb =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement statement = duckdb.createStatement()) {
      statement.execute(
          "COPY (SELECT 'f' || (i % 200) AS file_id, i AS id, i % 1000 AS k,"
              + " (i * 7 % 1001)::DOUBLE AS v FROM range(1000000) t(i)) TO '"
              + work.resolve("events.parquet")
              + "' (FORMAT parquet)");
      statement.execute(
          "COPY (SELECT i AS k, 'name-' || (i % 37) AS name FROM range(1000) t(i)) TO '"
              + work.resolve("dims.parquet")
              + "' (FORMAT parquet)");
    }
  }

  private static void writeBundle() throws IOException {
    Path bundle = work.resolve("bundle");
    Files.createDirectories(bundle.resolve("datasets"));
    Files.createDirectories(bundle.resolve("tasks"));
    Files.writeString(bundle.resolve("bundle.yaml"), "name: faults\nversion: \"1\"\n");
    Files.writeString(
        bundle.resolve("datasets/events.json"),
        "{\"schema\":{\"fields\":[{\"name\":\"file_id\",\"type\":\"utf8\",\"nullable\":false},"
            + "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
            + "{\"name\":\"k\",\"type\":\"int64\",\"nullable\":false},"
            + "{\"name\":\"v\",\"type\":\"float64\",\"nullable\":true}]},\"fileIdColumn\":\"file_id\"}");
    Files.writeString(
        bundle.resolve("datasets/dims.json"),
        "{\"schema\":{\"fields\":[{\"name\":\"k\",\"type\":\"int64\",\"nullable\":false},"
            + "{\"name\":\"name\",\"type\":\"utf8\",\"nullable\":true}]}}");
    for (Map.Entry<String, String> task : TASKS.entrySet()) {
      Files.writeString(bundle.resolve("tasks").resolve(task.getKey() + ".sql"), task.getValue());
    }
  }

  /** Every output of a finished run, as the SHA-256 of its sorted rendered rows. */
  private static Map<String, String> digests(String runId) throws Exception {
    return digests(runId, liveScheduler());
  }

  private static Map<String, String> digests(String runId, ServiceProcess scheduler)
      throws Exception {
    Map<String, String> digests = new TreeMap<>();
    for (String task : TASKS.keySet()) {
      String flight =
          given()
              .auth()
              .oauth2(TOKEN)
              .get(scheduler.baseUrl() + "/api/v1/locations/" + task)
              .then()
              .statusCode(200)
              .extract()
              .path("flightUri");
      List<String> rows = new ArrayList<>();
      try (DataClient data = new DataClient(URI.create(flight), TOKEN);
          FlightStream stream = data.get(task, null)) {
        while (stream.next()) {
          for (int r = 0; r < stream.getRoot().getRowCount(); r++) {
            StringBuilder row = new StringBuilder();
            for (FieldVector vector : stream.getRoot().getFieldVectors()) {
              row.append(vector.getObject(r)).append('|');
            }
            rows.add(row.toString());
          }
        }
      }
      rows.sort(null);
      digests.put(
          task, io.relspec.contracts.model.Fingerprint.sha256(String.join("\n", rows)).value());
    }
    return digests;
  }

  // ------------------------------------------------------------------ the suite's processes

  private static String startRun() {
    return await("a run accepted")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                given()
                    .auth()
                    .oauth2(TOKEN)
                    .contentType(ContentType.JSON)
                    .body("{\"mode\":\"full\"}")
                    .when()
                    .post(liveScheduler().baseUrl() + "/api/v1/runs")
                    .then()
                    .statusCode(202)
                    .extract()
                    .<String>path("runId"),
            runId -> runId != null);
  }

  private static void awaitSucceeded(String runId, Duration within) {
    awaitSucceeded(runId, liveScheduler(), within);
  }

  private static void awaitSucceeded(String runId, ServiceProcess scheduler, Duration within) {
    String state =
        await("run " + runId + " ends")
            .atMost(within)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(
                () ->
                    given()
                        .auth()
                        .oauth2(TOKEN)
                        .get(scheduler.baseUrl() + "/api/v1/runs/" + runId + "?tasks=false")
                        .then()
                        .statusCode(200)
                        .extract()
                        .<String>path("state"),
                s -> !"RUNNING".equals(s));
    if (!"SUCCEEDED".equals(state)) {
      JsonPath run =
          given()
              .auth()
              .oauth2(TOKEN)
              .get(scheduler.baseUrl() + "/api/v1/runs/" + runId)
              .jsonPath();
      throw new AssertionError("run " + runId + " ended " + state + ": " + run.prettify());
    }
  }

  /** The scheduler that reports itself active (either when one is down). */
  private static ServiceProcess activeScheduler() {
    return await("an active scheduler")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              for (ServiceProcess scheduler : List.of(schedulerA, schedulerB)) {
                String body = given().get(scheduler.baseUrl() + "/q/health/ready").asString();
                if (body.contains("\"role\": \"active\"") || body.contains("\"role\":\"active\"")) {
                  return scheduler;
                }
              }
              return null;
            },
            scheduler -> scheduler != null);
  }

  private static ServiceProcess liveScheduler() {
    return schedulerA.isAlive() ? schedulerA : schedulerB;
  }

  private static ServiceProcess restart(ServiceProcess process) throws IOException {
    ServiceProcess started = process.restart();
    processes.set(processes.indexOf(process), started);
    if (process == catalog) {
      catalog = started;
    } else if (process == compiler) {
      compiler = started;
    } else if (process == schedulerA) {
      schedulerA = started;
    } else if (process == schedulerB) {
      schedulerB = started;
    } else if (process == executor0) {
      executor0 = started;
    } else if (process == executor1) {
      executor1 = started;
    }
    return started;
  }

  private static ServiceProcess startExecutor(String name) throws IOException {
    int flightPort = ServiceProcess.freePort();
    Map<String, String> environment = new HashMap<>();
    environment.put("RELSPEC_EXECUTOR_ID", name);
    environment.put("RELSPEC_DATA_DIR", work.resolve(name).toString());
    environment.put("RELSPEC_FLIGHT_PORT", Integer.toString(flightPort));
    environment.put("RELSPEC_EXECUTOR_FLIGHT_ADVERTISED_URI", "grpc://localhost:" + flightPort);
    return start(name, "executor", environment);
  }

  private static String flightUri(ServiceProcess executor) {
    return flightUris.get(executor == executor0 ? "f-executor-0" : "f-executor-1");
  }

  private static ServiceProcess start(String name, String service, Map<String, String> extra)
      throws IOException {
    Map<String, String> environment = new HashMap<>(common);
    environment.putAll(extra);
    if (environment.containsKey("RELSPEC_EXECUTOR_FLIGHT_ADVERTISED_URI")) {
      flightUris.put(name, environment.get("RELSPEC_EXECUTOR_FLIGHT_ADVERTISED_URI"));
    }
    ServiceProcess process = ServiceProcess.start(name, service, environment, logs);
    processes.add(process);
    return process;
  }

  private static Map<String, String> with(String key, String value) {
    return Map.of(key, value);
  }

  private static void putTask(String name, String sql) {
    given()
        .auth()
        .oauth2(TOKEN)
        .contentType(ContentType.JSON)
        .body(Map.of("sql", sql))
        .when()
        .put(catalog.baseUrl() + "/api/v1/tasks/" + name)
        .then()
        .statusCode(200);
  }

  private static String cli(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(
        List.of(
            "--url", liveScheduler().baseUrl(),
            "--catalog-url", catalog.baseUrl(),
            "--compiler-url", compiler.baseUrl(),
            "--scheduler-url", liveScheduler().baseUrl(),
            "--token", TOKEN));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        io.relspec.cli.RelspecCli.execute(
            line.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(status).as("relspec %s%n%s%n%s", String.join(" ", args), out, err).isZero();
    return out.toString();
  }

  /** The suite's queues start empty, dead-letter queues included. */
  private static void deleteQueues() throws Exception {
    Process process =
        new ProcessBuilder("rabbitmqctl", "list_queues", "-q", "name")
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(60, TimeUnit.SECONDS);
    for (String queue : out.lines().map(String::trim).toList()) {
      if (queue.startsWith(PREFIX + ".")) {
        run("rabbitmqctl", "delete_queue", "-q", queue);
      }
    }
  }
}
