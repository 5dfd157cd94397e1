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
import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunRequested;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM (what Kubernetes sends before deleting a pod) drains an executor: a task that can finish
 * within the shutdown grace finishes and reports success; one that cannot is interrupted and handed
 * back as a retryable EXECUTOR_STOPPING failure, so the scheduler runs it elsewhere. The process
 * exits on its own, before the stop script would kill it.
 */
class ExecutorGracefulShutdownTest {
  private static final String TOKEN = "drain-test-token-" + Long.toHexString(System.nanoTime());
  private static final String EXCHANGE = "relspec.drain-test";

  @Test
  void sigtermLetsShortTasksFinishAndHandsLongOnesBack() throws Exception {
    Path logs = Files.createDirectories(Path.of("target", "service-logs", "drain"));
    Path data = Files.createDirectories(Path.of("target", "drain-data")).toAbsolutePath();
    Map<String, String> environment = new HashMap<>();
    environment.put("RELSPEC_API_TOKEN", TOKEN);
    environment.put("RELSPEC_EXECUTOR_ID", "drain");
    environment.put("RELSPEC_DATA_DIR", data.toString());
    environment.put("RELSPEC_FLIGHT_PORT", Integer.toString(ServiceProcess.freePort()));
    environment.put("RELSPEC_MESSAGING_EXCHANGE", EXCHANGE);
    environment.put("RELSPEC_MESSAGING_QUEUE_PREFIX", EXCHANGE + "." + UUID.randomUUID());
    environment.put("RELSPEC_EXECUTOR_SHUTDOWN_GRACE", "20s");
    environment.put("RELSPEC_EXECUTOR_HEARTBEAT_INTERVAL", "200ms");
    environment.put("RELSPEC_EXECUTOR_SLOTS", "2");
    ServiceProcess executor = ServiceProcess.start("drain", "executor", environment, logs);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    try (Connection broker = factory.newConnection();
        Channel channel = broker.createChannel()) {
      executor.awaitReady();
      String results = channel.queueDeclare().getQueue();
      for (MessageType type :
          List.of(
              MessageType.TASK_RUN_SUCCEEDED,
              MessageType.TASK_RUN_FAILED,
              MessageType.TASK_RUN_HEARTBEAT)) {
        channel.queueBind(results, EXCHANGE, type.routingKey());
      }
      // ~2 s alone on these machines: 400 million joined rows.
      TaskRunRequested finishes =
          request(
              "drain_short",
              "SELECT sum(a.range * b.range) AS total" + " FROM range(20000) a, range(20000) b");
      // Hours: a million squared.
      TaskRunRequested handedBack =
          request(
              "drain_long",
              "SELECT sum(a.range * b.range) AS total"
                  + " FROM range(1000000) a, range(1000000) b");
      publish(channel, finishes);
      publish(channel, handedBack);

      Map<String, String> outcomes = new ConcurrentHashMap<>();
      Set<String> beating = ConcurrentHashMap.newKeySet();
      Awaitility.await("both attempts running")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  collect(channel, results, beating, outcomes)
                      .containsAll(Set.of(finishes.taskRunId(), handedBack.taskRunId())));
      assertThat(outcomes).as("nothing finished before SIGTERM").isEmpty();

      String stopped = executor.stop(60);
      assertThat(stopped).doesNotContain("did not stop");
      assertThat(executor.isAlive()).isFalse();

      Awaitility.await("both results")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                collect(channel, results, beating, outcomes);
                return outcomes.size() == 2;
              });
      TaskRunSucceeded succeeded =
          RelspecJson.read(outcomes.get(finishes.taskRunId()), TaskRunSucceeded.class);
      assertThat(succeeded.rows()).isEqualTo(1);
      TaskRunFailed failed =
          RelspecJson.read(outcomes.get(handedBack.taskRunId()), TaskRunFailed.class);
      assertThat(failed.errorCode()).isEqualTo(TaskFailureCode.EXECUTOR_STOPPING);
      assertThat(failed.retryable()).isTrue();
      assertThat(executor.logTail())
          .contains("waiting up to 20000 ms for 2 running task attempt(s)")
          .contains("handing 1 unfinished task attempt(s) back to the scheduler");
    } finally {
      executor.close();
    }
  }

  /** Drains the result queue: heartbeats mark attempts running, results are kept by attempt id. */
  private static Set<String> collect(
      Channel channel, String queue, Set<String> beating, Map<String, String> outcomes)
      throws Exception {
    for (GetResponse response = channel.basicGet(queue, true);
        response != null;
        response = channel.basicGet(queue, true)) {
      String body = new String(response.getBody(), StandardCharsets.UTF_8);
      String attempt = RelspecJson.mapper().readTree(body).path("taskRunId").asText();
      if (response
          .getEnvelope()
          .getRoutingKey()
          .equals(MessageType.TASK_RUN_HEARTBEAT.routingKey())) {
        beating.add(attempt);
      } else {
        outcomes.put(attempt, body);
      }
    }
    return beating;
  }

  private static void publish(Channel channel, TaskRunRequested request) throws Exception {
    channel.basicPublish(
        EXCHANGE,
        MessageType.TASK_RUN_REQUESTED.routingKey(),
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .type(MessageType.TASK_RUN_REQUESTED.typeName())
            .deliveryMode(2)
            .build(),
        RelspecJson.write(request).getBytes(StandardCharsets.UTF_8));
  }

  private static TaskRunRequested request(String task, String sql) {
    String runId = "drain-" + UUID.randomUUID();
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
        List.of(),
        List.of(),
        List.of(),
        TaskRunRequested.WriteMode.REPLACE,
        null,
        List.of(),
        Map.of(),
        Instant.now().plusSeconds(600),
        new ArrowSchema(List.of(new ArrowField("total", ArrowType.parse("int64"), true, Map.of()))),
        null,
        false);
  }
}
