package io.relspec.distributed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.Messaging;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  @BeforeAll
  static void startSuite() throws Exception {
    recreateDatabase("relspec_it_catalog");
    recreateDatabase("relspec_it_scheduler");
    deleteQueues();
    Path logs = Files.createDirectories(Path.of("target", "service-logs"));
    Path data = Files.createDirectories(Path.of("target", "executor-data")).toAbsolutePath();
    Map<String, String> common = new HashMap<>(Map.of("RELSPEC_API_TOKEN", TOKEN));
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
                Integer.toString(ServiceProcess.freePort())),
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
    ServiceProcess process = ServiceProcess.start(service, environment, logs);
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
