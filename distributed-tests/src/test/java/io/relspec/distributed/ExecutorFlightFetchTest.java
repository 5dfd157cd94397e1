package io.relspec.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two executor processes on their own exchanges (so this test decides which one runs what, playing
 * the scheduler over the real broker): executor B runs tasks on executor A's output, fetching it
 * over Arrow Flight, and upserts file partitions into a version that only A holds.
 */
class ExecutorFlightFetchTest {
  private static final String TOKEN =
      "flight-fetch-test-token-" + Long.toHexString(System.nanoTime());
  private static Executor a;
  private static Executor b;
  private static Connection broker;

  private record Executor(String id, String exchange, ServiceProcess process, int flightPort) {
    String flightUri() {
      return "grpc://localhost:" + flightPort;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    broker = factory.newConnection();
    Path logs = Files.createDirectories(Path.of("target", "service-logs", "flight-fetch"));
    a = start("exec-a", logs);
    b = start("exec-b", logs);
    a.process().awaitReady();
    b.process().awaitReady();
  }

  private static Executor start(String id, Path logs) throws Exception {
    String exchange = "relspec.flight-fetch-test." + id;
    Path data = Files.createDirectories(Path.of("target", "flight-fetch", id)).toAbsolutePath();
    try (var files = Files.walk(data)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .filter(path -> !path.equals(data))
          .forEach(path -> path.toFile().delete());
    }
    int flightPort = ServiceProcess.freePort();
    Map<String, String> environment = new HashMap<>();
    environment.put("RELSPEC_API_TOKEN", TOKEN);
    environment.put("RELSPEC_EXECUTOR_ID", id);
    environment.put("RELSPEC_DATA_DIR", data.toString());
    environment.put("RELSPEC_FLIGHT_PORT", Integer.toString(flightPort));
    environment.put("RELSPEC_MESSAGING_EXCHANGE", exchange);
    environment.put("RELSPEC_MESSAGING_QUEUE_PREFIX", "relspec.flight-fetch-test." + id);
    ServiceProcess process =
        ServiceProcess.startJar(
            id,
            Path.of("..", "executor-service", "app", "target", "quarkus-app", "quarkus-run.jar"),
            environment,
            logs);
    return new Executor(id, exchange, process, flightPort);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Executor executor : new Executor[] {a, b}) {
      if (executor != null) {
        executor.process().close();
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void executorBRunsATaskOnExecutorAsOutputFetchedOverFlight() throws Exception {
    DatasetName events = DatasetName.of("fetch_events");
    TaskRunSucceeded onA =
        run(
            a,
            request(
                "fetch_events",
                "SELECT range AS n, 'f' || (range % 10) AS file_id FROM range(100000)",
                List.of(),
                TaskRunRequested.WriteMode.REPLACE,
                List.of(),
                null));
    assertThat(onA.executorId()).isEqualTo("exec-a");
    assertThat(onA.flightUri()).isEqualTo(a.flightUri());
    assertThat(onA.rows()).isEqualTo(100_000);

    // B holds nothing: it must fetch A's version over Flight. The self-join reads the input twice.
    InputLocation onAEvents =
        new InputLocation(events, onA.datasetVersion(), "exec-a", a.flightUri());
    TaskRunSucceeded onB =
        run(
            b,
            request(
                "fetch_totals",
                "SELECT e.file_id, SUM(e.n) AS total, COUNT(*) AS events"
                    + " FROM \"fetch_events\" e JOIN (SELECT DISTINCT file_id FROM \"fetch_events\") f"
                    + " ON e.file_id = f.file_id GROUP BY e.file_id",
                List.of(onAEvents),
                TaskRunRequested.WriteMode.REPLACE,
                List.of(),
                null));
    assertThat(onB.executorId()).isEqualTo("exec-b");
    assertThat(onB.rows()).isEqualTo(10);
    Map<String, Long> totals = read(b, "fetch_totals", "total");
    assertThat(totals).hasSize(10);
    // file f3 holds n = 3, 13, ..., 99993: 10,000 values summing to 3 * 10,000 + 10 * (0 + ... +
    // 9,999)
    assertThat(totals.get("f3")).isEqualTo(3L * 10_000 + 10L * (9_999L * 10_000 / 2));
    assertThat(b.process().logTail()).contains("1 inputs fetched");
    assertThat(inputCache(b, "miss")).isEqualTo(1);

    // A second task (any run) reading the same version on B finds it in B's input cache: nothing
    // crosses from A, and the result is what the fetched stream gave.
    TaskRunSucceeded again =
        run(
            b,
            request(
                "fetch_totals",
                "SELECT e.file_id, SUM(e.n) AS total, COUNT(*) AS events"
                    + " FROM \"fetch_events\" e GROUP BY e.file_id",
                List.of(onAEvents),
                TaskRunRequested.WriteMode.REPLACE,
                List.of(),
                null));
    assertThat(again.rows()).isEqualTo(10);
    assertThat(read(b, "fetch_totals", "total")).isEqualTo(totals);
    assertThat(inputCache(b, "hit")).isEqualTo(1);
    assertThat(inputCache(b, "miss")).isEqualTo(1);
    assertThat(fetched(b)).as("fetches from A in all").isEqualTo(1);

    // A scoped re-run of fetch_events lands on B, which does not hold the output: it builds on A's
    // version, fetched over Flight, instead of failing with OUTPUT_NOT_HELD.
    TaskRunSucceeded upserted =
        run(
            b,
            request(
                "fetch_events",
                "SELECT 1 AS n, 'f3' AS file_id",
                List.of(),
                TaskRunRequested.WriteMode.UPSERT_FILES,
                List.of("f3"),
                onAEvents));
    assertThat(upserted.executorId()).isEqualTo("exec-b");
    assertThat(upserted.datasetVersion()).isGreaterThan(onA.datasetVersion());
    assertThat(upserted.rows()).isEqualTo(90_000 + 1);
  }

  private static TaskRunRequested request(
      String task,
      String sql,
      List<InputLocation> inputs,
      TaskRunRequested.WriteMode mode,
      List<String> fileIds,
      InputLocation previous) {
    String runId = "flight-fetch-" + UUID.randomUUID();
    ArrowSchema schema =
        task.equals("fetch_events")
            ? new ArrowSchema(
                List.of(
                    new ArrowField("n", ArrowType.parse("int64"), true, Map.of()),
                    new ArrowField("file_id", ArrowType.parse("utf8"), true, Map.of())))
            : new ArrowSchema(
                List.of(
                    new ArrowField("file_id", ArrowType.parse("utf8"), true, Map.of()),
                    new ArrowField("total", ArrowType.parse("int64"), true, Map.of()),
                    new ArrowField("events", ArrowType.parse("int64"), true, Map.of())));
    return new TaskRunRequested(
        UUID.randomUUID(),
        Instant.now(),
        runId,
        runId + "/" + task,
        TaskName.of(task),
        1,
        DatasetName.of(task),
        sql,
        Fingerprint.sha256(sql),
        inputs,
        List.of(),
        List.of(),
        mode,
        task.equals("fetch_events") ? "file_id" : null,
        fileIds,
        Map.of(),
        Instant.now().plusSeconds(120),
        schema,
        previous,
        false);
  }

  /** Publishes the attempt on the executor's exchange and returns its success. */
  private static TaskRunSucceeded run(Executor executor, TaskRunRequested request)
      throws Exception {
    try (Channel channel = broker.createChannel()) {
      String results = channel.queueDeclare().getQueue();
      channel.queueBind(results, executor.exchange(), MessageType.TASK_RUN_SUCCEEDED.routingKey());
      channel.queueBind(results, executor.exchange(), MessageType.TASK_RUN_FAILED.routingKey());
      channel.basicPublish(
          executor.exchange(),
          MessageType.TASK_RUN_REQUESTED.routingKey(),
          new AMQP.BasicProperties.Builder()
              .contentType("application/json")
              .type(MessageType.TASK_RUN_REQUESTED.typeName())
              .deliveryMode(2)
              .build(),
          RelspecJson.write(request).getBytes(StandardCharsets.UTF_8));
      AtomicReference<String> outcome = new AtomicReference<>();
      AtomicReference<String> type = new AtomicReference<>();
      Awaitility.await(request.task() + " on " + executor.id())
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                GetResponse response = channel.basicGet(results, true);
                while (response != null) {
                  String body = new String(response.getBody(), StandardCharsets.UTF_8);
                  if (body.contains(request.taskRunId())) {
                    outcome.set(body);
                    type.set(response.getEnvelope().getRoutingKey());
                    return true;
                  }
                  response = channel.basicGet(results, true);
                }
                return false;
              });
      if (type.get().equals(MessageType.TASK_RUN_FAILED.routingKey())) {
        TaskRunFailed failed = RelspecJson.read(outcome.get(), TaskRunFailed.class);
        throw new AssertionError(
            request.task()
                + " failed on "
                + executor.id()
                + ": "
                + failed.errorCode()
                + " "
                + failed.message()
                + "\n"
                + executor.process().logTail());
      }
      return RelspecJson.read(outcome.get(), TaskRunSucceeded.class);
    }
  }

  /** The executor's relspec_executor_input_cache_total{result=...}. */
  private static long inputCache(Executor executor, String result) {
    return metric(executor, "relspec_executor_input_cache_total{", "result=\"" + result + "\"");
  }

  /** The executor's relspec_executor_inputs_fetched_total, summed over its sources. */
  private static long fetched(Executor executor) {
    return metric(executor, "relspec_executor_inputs_fetched_total", "");
  }

  private static long metric(Executor executor, String prefix, String label) {
    return io.restassured.RestAssured.given()
        .get(executor.process().baseUrl() + "/q/metrics")
        .asString()
        .lines()
        .filter(line -> line.startsWith(prefix) && line.contains(label))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** file_id → the given int64 column, read from the executor over Flight DoGet. */
  private static Map<String, Long> read(Executor executor, String dataset, String column)
      throws Exception {
    Map<String, Long> values = new TreeMap<>();
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client =
            FlightClient.builder(
                    allocator, Location.forGrpcInsecure("localhost", executor.flightPort()))
                .build();
        FlightStream stream =
            client.getStream(
                new Ticket(("{\"dataset\":\"" + dataset + "\"}").getBytes(StandardCharsets.UTF_8)),
                new CredentialCallOption(new BearerCredentialWriter(TOKEN)))) {
      while (stream.next()) {
        VarCharVector files = (VarCharVector) stream.getRoot().getVector("file_id");
        BigIntVector numbers = (BigIntVector) stream.getRoot().getVector(column);
        for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
          values.put(new String(files.get(i), StandardCharsets.UTF_8), numbers.get(i));
        }
      }
    }
    return values;
  }
}
