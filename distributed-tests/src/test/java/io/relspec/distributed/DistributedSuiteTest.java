package io.relspec.distributed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.Messaging;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The four services as separate processes against the real RabbitMQ and PostgreSQL on localhost: a
 * task registered in the catalog travels catalog → compiler → scheduler → executor → scheduler over
 * the broker, and the run completes with the executor's rows.
 */
// Ordered: the first test expects the compiler to hold exactly its own two tasks.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedSuiteTest {
  private static final String TOKEN =
      "distributed-test-token-" + Long.toHexString(System.nanoTime());
  private static final String POSTGRES = "jdbc:postgresql://localhost:5432/";
  private static final List<ServiceProcess> processes = new ArrayList<>();
  private static ServiceProcess catalog;
  private static ServiceProcess compiler;
  private static ServiceProcess scheduler;
  private static ServiceProcess executor;
  private static int executorFlightPort;
  private static Map<String, String> common;
  private static Path logs;

  @BeforeAll
  static void startSuite() throws Exception {
    recreateDatabase("relspec_it_catalog");
    recreateDatabase("relspec_it_scheduler");
    deleteQueues();
    logs = Files.createDirectories(Path.of("target", "service-logs"));
    Path data = Files.createDirectories(Path.of("target", "executor-data")).toAbsolutePath();
    common = new HashMap<>(Map.of("RELSPEC_API_TOKEN", TOKEN));
    catalog =
        start("catalog", with(common, "RELSPEC_DB_URL", POSTGRES + "relspec_it_catalog"), logs);
    compiler = start("compiler", with(common, "RELSPEC_CATALOG_URL", catalog.baseUrl()), logs);
    scheduler =
        start(
            "scheduler",
            with(
                with(
                    with(common, "RELSPEC_DB_URL", POSTGRES + "relspec_it_scheduler"),
                    "RELSPEC_CATALOG_URL",
                    catalog.baseUrl()),
                "RELSPEC_COMPILER_URL",
                compiler.baseUrl()),
            logs);
    // Executors read dataset contracts from the catalog to check uploads, and ask the scheduler
    // where datasets live when a Flight SQL query names one.
    common.put("RELSPEC_CATALOG_URL", catalog.baseUrl());
    common.put("RELSPEC_SCHEDULER_URL", scheduler.baseUrl());
    Map<String, String> executorEnvironment =
        with(
            with(common, "RELSPEC_EXECUTOR_ID", "executor-it"),
            "RELSPEC_DATA_DIR",
            data.toString());
    executor =
        start(
            "executor",
            with(
                executorEnvironment,
                "RELSPEC_FLIGHT_PORT",
                Integer.toString(executorFlightPort = ServiceProcess.freePort())),
            logs);
    for (ServiceProcess process : processes) {
      process.awaitReady();
    }
  }

  @AfterAll
  static void stopSuite() throws Exception {
    for (ServiceProcess process : processes) {
      process.close();
    }
  }

  @Test
  @Order(1)
  void runCrossesEveryServiceBoundaryOverTheBroker() {
    putTask(
        "dist_base",
        "SELECT 1 AS id, 'x' AS label UNION ALL SELECT 2, 'y' UNION ALL SELECT 3, 'z'");
    putTask("dist_derived", "SELECT label, id * 2 AS doubled FROM dist_base WHERE id >= 2");

    await("plan catalog at the compiler")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                given()
                    .auth()
                    .oauth2(TOKEN)
                    .when()
                    .get(compiler.baseUrl() + "/api/v1/plan-catalogs/latest")
                    .then()
                    .statusCode(200)
                    .body("plans.size()", equalTo(2)));

    String runId = startTargetedRun("dist_derived", 2);

    awaitSucceeded(runId);

    JsonPath run = runStatus(runId);
    assertThat(run.getList("tasks.state")).containsOnly("SUCCEEDED");
    assertThat(run.getList("tasks.executorId")).containsOnly("executor-it");
    assertThat(run.getLong("tasks.find { it.task == 'dist_derived' }.rows")).isEqualTo(2L);
  }

  /**
   * The scheduler crashes with a task dispatched and the executor down; the executor then runs it
   * while the scheduler is gone, and the restarted scheduler picks up the result from its durable
   * queue, dispatches the rest and finishes the run: all run state is in PostgreSQL.
   */
  @Test
  @Order(2)
  void aSchedulerKilledMidRunFinishesTheRunAfterRestart() throws Exception {
    putTask("restart_base", "SELECT 1 AS id UNION ALL SELECT 2 UNION ALL SELECT 3");
    putTask("restart_derived", "SELECT id * 10 AS tens FROM restart_base WHERE id > 1");
    executor.kill();
    String runId = startTargetedRun("restart_derived", 2);
    awaitQueueDepth(Messaging.queueName("executor", MessageType.TASK_RUN_REQUESTED));

    scheduler.kill();
    executor = replace(executor, executor.restart()).awaitReady();
    awaitQueueDepth(Messaging.queueName("scheduler", MessageType.TASK_RUN_SUCCEEDED));
    scheduler = replace(scheduler, scheduler.restart()).awaitReady();

    awaitSucceeded(runId);
    JsonPath run = runStatus(runId);
    assertThat(run.getLong("tasks.find { it.task == 'restart_derived' }.rows")).isEqualTo(2L);
    assertThat(run.getInt("tasks.find { it.task == 'restart_base' }.attempt")).isEqualTo(1);
  }

  /**
   * The TPC-H example on two executors: the sources are split between them, so every query that
   * joins lineitem with part or customer must fetch an input from the other executor over Flight.
   * Each query's rows equal the same SQL run directly on DuckDB over the same generated tables.
   */
  @Test
  @Order(3)
  void tpchOnTwoExecutorsMatchesDuckDbAndFetchesInputsAcrossExecutors() throws Exception {
    Path dataB = Files.createDirectories(Path.of("target", "executor-b-data")).toAbsolutePath();
    int flightPortB = ServiceProcess.freePort();
    ServiceProcess executorB =
        startAs(
            "executor-b",
            "executor",
            with(
                with(
                    with(common, "RELSPEC_EXECUTOR_ID", "executor-it-b"),
                    "RELSPEC_DATA_DIR",
                    dataB.toString()),
                "RELSPEC_FLIGHT_PORT",
                Integer.toString(flightPortB)),
            logs);
    Path bundle = Path.of("..", "examples", "tpch");
    // The real CLI, each service at its own URL: the push waits for the compiler and the scheduler.
    assertThat(cli("bundle", "push", bundle.toString())).contains(" plans, 0 failures");
    Path tables = Path.of("target", "tpch-sf001");
    cli("example", "generate", "tpch", "--scale", "0.01", "-o", tables.toString());
    executorB.awaitReady();
    Map<String, URI> flight =
        Map.of(
            "executor-it", URI.create("grpc://localhost:" + executorFlightPort),
            "executor-it-b", URI.create("grpc://localhost:" + flightPortB));
    List<String> onA = List.of("lineitem", "orders", "nation", "region");
    for (String table :
        List.of(
            "customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier")) {
      // Each upload waits until the scheduler has recorded the new version.
      cli(
          "data",
          "put",
          table,
          tables.resolve(table + ".arrow").toString(),
          "--flight",
          flight.get(onA.contains(table) ? "executor-it" : "executor-it-b").toString());
    }
    String runOutput = cli("run", "--full", "--wait");
    assertThat(runOutput).contains("SUCCEEDED");
    String runId = runOutput.lines().findFirst().orElseThrow().split(" ")[1].replace(":", "");
    JsonPath run = runStatus(runId);
    assertThat(run.getString("state")).isEqualTo("SUCCEEDED");

    TpchExpectations expected = new TpchExpectations(bundle, tables);
    List<String> queries = new ArrayList<>();
    for (Map<String, Object> task : run.<Map<String, Object>>getList("tasks")) {
      String name = (String) task.get("task");
      if (!name.matches("q\\d\\d_.*")) {
        continue;
      }
      queries.add(name);
      assertThat(task.get("state")).as(name).isEqualTo("SUCCEEDED");
      URI holder = flight.get((String) task.get("executorId"));
      assertThat(TpchExpectations.fetch(holder, TOKEN, name))
          .as("%s on %s against DuckDB", name, task.get("executorId"))
          .containsExactlyElementsOf(expected.rows(name));
    }
    assertThat(queries).hasSizeGreaterThanOrEqualTo(14);

    // Flight SQL on either executor joins lineitem (held by A) with part (held by B): the one that
    // does not hold an input fetches it over Flight, as a task would.
    String join =
        "SELECT p_type, count(*) AS lines, sum(l_extendedprice) AS revenue"
            + " FROM lineitem JOIN part ON l_partkey = p_partkey GROUP BY p_type";
    List<String> joined = expected.rowsOf(join);
    assertThat(joined).hasSizeGreaterThan(10);
    for (Map.Entry<String, URI> holder : flight.entrySet()) {
      assertThat(TpchExpectations.query(holder.getValue(), TOKEN, join))
          .as("Flight SQL on %s against DuckDB", holder.getKey())
          .containsExactlyElementsOf(joined);
    }
    assertThat(
            cli(
                "sql",
                "SELECT count(*) AS customers FROM customer_orders",
                "--flight",
                flight.get("executor-it").toString()))
        .contains("customers", "(1 of 1 rows)");
    long fetched = fetchedInputs(executor.baseUrl()) + fetchedInputs(executorB.baseUrl());
    assertThat(fetched).as("inputs fetched executor-to-executor over Flight").isPositive();

    // Placement: a pipeline whose inputs all live on A (orders, lineitem, then its own first
    // output) runs on A, each attempt recorded with why, and nothing crosses between executors.
    putTask(
        "local_big_orders",
        "SELECT o_orderkey, o_totalprice FROM orders WHERE o_totalprice > 100000");
    putTask(
        "local_order_lines",
        "SELECT b.o_orderkey, count(*) AS line_count FROM local_big_orders b"
            + " JOIN lineitem l ON l.l_orderkey = b.o_orderkey GROUP BY b.o_orderkey");
    String localRun = startTargetedRun("local_order_lines", 2);
    awaitSucceeded(localRun);
    JsonPath local = runStatus(localRun);
    assertThat(local.getList("tasks.executorId")).containsOnly("executor-it");
    assertThat(local.getList("tasks.placement", String.class))
        .allSatisfy(reason -> assertThat(reason).startsWith("executor-it holds "));
    // ... and one whose inputs live on B (part, partsupp) runs on B.
    putTask(
        "remote_part_costs",
        "SELECT p_type, sum(ps_supplycost) AS cost FROM part"
            + " JOIN partsupp ON ps_partkey = p_partkey GROUP BY p_type");
    String remoteRun = startTargetedRun("remote_part_costs", 1);
    awaitSucceeded(remoteRun);
    JsonPath remote = runStatus(remoteRun);
    assertThat(remote.getList("tasks.executorId")).containsOnly("executor-it-b");
    assertThat(remote.getString("tasks[0].placement")).startsWith("executor-it-b holds ");
    assertThat(fetchedInputs(executor.baseUrl()) + fetchedInputs(executorB.baseUrl()))
        .as("no input crossed between executors for tasks placed where their inputs live")
        .isEqualTo(fetched);

    // Under load: eight tasks read part, which lives on B, and one more unions them (targeting it
    // starts one run of all nine). The first four readers saturate B (saturation 4); A is idle and
    // heard from through its ExecutorHeartbeat, so the other four go to the shared queue. B's
    // consumer of that queue holds at most its two slots' worth, so A takes at least two of them
    // and reads part from B: over Flight, or from its input cache when an earlier task fetched
    // it. Every result still equals DuckDB's.
    List<String> readers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String name = "busy_part_" + i;
      putTask(name, "SELECT p_brand, count(*) + " + i + " AS parts FROM part GROUP BY p_brand");
      readers.add("SELECT * FROM " + name);
    }
    putTask("busy_parts", String.join(" UNION ALL ", readers));
    long remoteReadsByA = remoteInputReads(executor.baseUrl());
    String busyRun = startTargetedRun("busy_parts", 9);
    awaitSucceeded(busyRun);
    Map<String, String> reasons = new TreeMap<>();
    Map<String, String> ranOn = new TreeMap<>();
    for (Map<String, Object> task : runStatus(busyRun).<Map<String, Object>>getList("tasks")) {
      String name = (String) task.get("task");
      if (name.startsWith("busy_part_")) {
        reasons.put(name, (String) task.get("placement"));
        ranOn.put(name, (String) task.get("executorId"));
      }
    }
    assertThat(reasons.values())
        .filteredOn(reason -> !reason.contains("saturation"))
        .hasSize(4)
        .allSatisfy(reason -> assertThat(reason).startsWith("executor-it-b holds "));
    assertThat(reasons.values())
        .filteredOn(reason -> reason.contains("saturation"))
        .hasSize(4)
        .allSatisfy(
            reason ->
                assertThat(reason)
                    .contains("; executor-it has 0 of 2 slots: any executor, fetching"));
    assertThat(ranOn.values()).contains("executor-it");
    assertThat(remoteInputReads(executor.baseUrl()))
        .as("A read part from B (fetched or cached) for the attempts it took off saturated B")
        .isGreaterThan(remoteReadsByA);
    for (Map.Entry<String, String> task : ranOn.entrySet()) {
      int offset = Integer.parseInt(task.getKey().substring("busy_part_".length()));
      assertThat(TpchExpectations.fetch(flight.get(task.getValue()), TOKEN, task.getKey()))
          .as("%s on %s", task.getKey(), task.getValue())
          .containsExactlyElementsOf(
              expected.rowsOf(
                  "SELECT p_brand, count(*) + " + offset + " AS parts FROM part GROUP BY p_brand"));
    }
  }

  /**
   * A consumer bound to the {@code relspec.lineage} exchange sees the OpenLineage of a push and a
   * run: one JobEvent per code-anatomy task, and for the run the parent run first and last with
   * exactly one START and one terminal event of every task run in between.
   */
  @Test
  @Order(4)
  void aCodeAnatomyPushAndRunAreSeenOnTheLineageExchange() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      channel.exchangeDeclare("relspec.lineage", "topic", true);
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, "relspec.lineage", "openlineage.#");

      Path bundle = Path.of("..", "examples", "code-anatomy");
      assertThat(cli("bundle", "push", bundle.toString())).contains(" 0 failures");
      Path evidence = Path.of("target", "code-anatomy-20");
      cli("example", "generate", "code-anatomy", "--files", "20", "-o", evidence.toString());
      cli(
          "data",
          "put",
          "--dir",
          evidence.toString(),
          "--flight",
          "grpc://localhost:" + executorFlightPort);
      String runOutput = cli("run", "--full", "--wait");
      assertThat(runOutput).contains("SUCCEEDED");
      String runId = runOutput.lines().findFirst().orElseThrow().split(" ")[1].replace(":", "");

      List<JsonNode> events = new ArrayList<>();
      List<String> routingKeys = new ArrayList<>();
      ObjectMapper json = new ObjectMapper();
      await("the run's COMPLETE on relspec.lineage")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (var message = channel.basicGet(queue, true);
                    message != null;
                    message = channel.basicGet(queue, true)) {
                  events.add(json.readTree(message.getBody()));
                  routingKeys.add(message.getEnvelope().getRoutingKey());
                }
                return events.stream()
                    .anyMatch(
                        e ->
                            e.path("run").path("runId").asText().equals(runId)
                                && e.path("eventType").asText().equals("COMPLETE"));
              });

      long taskFiles;
      try (var files = Files.list(bundle.resolve("tasks"))) {
        taskFiles = files.filter(f -> f.toString().endsWith(".sql")).count();
      }
      Map<String, Integer> jobEvents = new HashMap<>();
      for (var event : events) {
        if (event.path("schemaURL").asText().endsWith("JobEvent")) {
          jobEvents.merge(event.path("job").path("name").asText(), 1, Integer::sum);
        }
      }
      assertThat(jobEvents.keySet().stream().filter(name -> name.startsWith("code_anatomy.")))
          .hasSize((int) taskFiles);
      assertThat(jobEvents.values()).containsOnly(1);

      List<JsonNode> ofRun = new ArrayList<>();
      for (var event : events) {
        String id = event.path("run").path("runId").asText();
        String parent =
            event.path("run").path("facets").path("parent").path("run").path("runId").asText();
        if (id.equals(runId) || parent.equals(runId)) {
          ofRun.add(event);
        }
      }
      assertThat(ofRun.get(0).path("job").path("name").asText()).isEqualTo("relspec.run");
      assertThat(ofRun.get(0).path("eventType").asText()).isEqualTo("START");
      assertThat(ofRun.get(ofRun.size() - 1).path("job").path("name").asText())
          .isEqualTo("relspec.run");
      assertThat(ofRun.get(ofRun.size() - 1).path("eventType").asText()).isEqualTo("COMPLETE");
      Map<String, List<String>> byTaskRun = new HashMap<>();
      for (var event : ofRun.subList(1, ofRun.size() - 1)) {
        byTaskRun
            .computeIfAbsent(event.path("run").path("runId").asText(), k -> new ArrayList<>())
            .add(event.path("eventType").asText());
      }
      JsonPath run = runStatus(runId);
      long ran = run.<String>getList("tasks.state").stream().filter("SUCCEEDED"::equals).count();
      assertThat(byTaskRun).hasSize((int) ran);
      assertThat(byTaskRun.values()).containsOnly(List.of("START", "COMPLETE"));
      assertThat(routingKeys).contains("openlineage.run.start", "openlineage.run.complete");
      assertThat(routingKeys).contains("openlineage.job.static");
    }
  }

  /** One relspec command with each service at its own URL; fails the test when it fails. */
  private static String cli(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    if (!"example".equals(args[0])) {
      line.addAll(
          List.of(
              "--url", scheduler.baseUrl(),
              "--catalog-url", catalog.baseUrl(),
              "--compiler-url", compiler.baseUrl(),
              "--scheduler-url", scheduler.baseUrl(),
              "--token", TOKEN));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        io.relspec.cli.RelspecCli.execute(
            line.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(status).as("relspec %s%n%s%n%s", String.join(" ", args), out, err).isZero();
    return out.toString();
  }

  /** Inputs the executor read from another executor: fetched over Flight, or hits of its cache. */
  private static long remoteInputReads(String baseUrl) {
    String metrics = given().get(baseUrl + "/q/metrics").asString();
    return fetchedInputs(baseUrl)
        + metrics
            .lines()
            .filter(line -> line.startsWith("relspec_executor_input_cache_total{"))
            .filter(line -> line.contains("result=\"hit\""))
            .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
  }

  /** The executor's relspec_executor_inputs_fetched_total, summed over its sources. */
  private static long fetchedInputs(String baseUrl) {
    String metrics = given().get(baseUrl + "/q/metrics").asString();
    return metrics
        .lines()
        .filter(line -> line.startsWith("relspec_executor_inputs_fetched_total"))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static void putTask(String name, String sql) {
    given()
        .auth()
        .oauth2(TOKEN)
        .contentType(ContentType.JSON)
        .body(java.util.Map.of("sql", sql))
        .when()
        .put(catalog.baseUrl() + "/api/v1/tasks/" + name)
        .then()
        .statusCode(200);
  }

  /**
   * Polls until the scheduler holds a plan catalog producing the target with the expected number of
   * tasks, then starts one run. Targeting makes the POST a 400 (unknown target) until then, so
   * polling starts exactly one run; polling without a target started a run for every earlier plan
   * catalog, and those runs raced this one.
   */
  private static String startTargetedRun(String target, int planSize) {
    return await("scheduler can plan " + target)
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                given()
                    .auth()
                    .oauth2(TOKEN)
                    .contentType(ContentType.JSON)
                    .body("{\"mode\":\"full\",\"targets\":[\"" + target + "\"]}")
                    .when()
                    .post(scheduler.baseUrl() + "/api/v1/runs")
                    .then()
                    .extract(),
            response ->
                response.statusCode() == 202
                    && response.jsonPath().getList("plan").size() == planSize)
        .path("runId");
  }

  private static void awaitSucceeded(String runId) {
    await("run " + runId + " succeeds")
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                given()
                    .auth()
                    .oauth2(TOKEN)
                    .when()
                    .get(scheduler.baseUrl() + "/api/v1/runs/" + runId)
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("SUCCEEDED")));
  }

  private static JsonPath runStatus(String runId) {
    return given()
        .auth()
        .oauth2(TOKEN)
        .get(scheduler.baseUrl() + "/api/v1/runs/" + runId)
        .then()
        .extract()
        .jsonPath();
  }

  private static void awaitQueueDepth(String queue) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      await("a message waiting in " + queue)
          .atMost(Duration.ofSeconds(60))
          .until(() -> channel.queueDeclarePassive(queue).getMessageCount() > 0);
    }
  }

  private static ServiceProcess replace(ServiceProcess old, ServiceProcess started) {
    processes.set(processes.indexOf(old), started);
    return started;
  }

  private static ServiceProcess start(String service, Map<String, String> environment, Path logs)
      throws Exception {
    return startAs(service, service, environment, logs);
  }

  private static ServiceProcess startAs(
      String name, String service, Map<String, String> environment, Path logs) throws Exception {
    ServiceProcess process = ServiceProcess.start(name, service, environment, logs);
    processes.add(process);
    return process;
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> copy = new HashMap<>(base);
    copy.put(key, value);
    return copy;
  }

  static void recreateDatabase(String name) throws Exception {
    try (var connection = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      statement.execute("CREATE DATABASE " + name);
    }
  }

  /** Durable queues outlive runs; start from empty ones so old messages cannot interfere. */
  private static void deleteQueues() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      for (MessageType type : MessageType.values()) {
        for (String consumer : List.of("compiler", "scheduler", "executor")) {
          String queue = Messaging.queueName(consumer, type);
          channel.queueDelete(queue);
          channel.queueDelete(Messaging.deadLetterQueueName(queue));
        }
      }
    }
  }
}
