package io.relspec.scheduler.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.TaskRunRequested;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plays the executors on the real broker: receives the scheduler's TaskRunRequested commands and
 * RunFinished events on its own queues, and publishes whatever results a test scripts.
 */
final class ScriptedExecutor implements AutoCloseable {
  private final String exchange;
  private final Connection connection;
  private final Channel channel;
  private final BlockingQueue<TaskRunRequested> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<RunFinished> finished = new LinkedBlockingQueue<>();

  /** The routing key each message arrived with, by its message id. */
  private final java.util.Map<String, String> routingKeys =
      new java.util.concurrent.ConcurrentHashMap<>();

  ScriptedExecutor(String exchange) throws IOException, TimeoutException {
    this.exchange = exchange;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    connection = factory.newConnection("scheduler-scripted-executor");
    channel = connection.createChannel();
    listen(MessageType.TASK_RUN_REQUESTED, TaskRunRequested.class, requests);
    listen(MessageType.RUN_FINISHED, RunFinished.class, finished);
  }

  private <T> void listen(MessageType type, Class<T> recordType, BlockingQueue<T> into)
      throws IOException {
    String queue = channel.queueDeclare().getQueue();
    channel.queueBind(queue, exchange, type.routingKey());
    // Messages addressed to one consumer (an attempt placed on an executor) too.
    channel.queueBind(queue, exchange, type.routingKey() + ".*");
    channel.basicConsume(
        queue,
        true,
        (tag, delivery) -> {
          if (delivery.getProperties().getMessageId() != null) {
            routingKeys.put(
                delivery.getProperties().getMessageId(), delivery.getEnvelope().getRoutingKey());
          }
          into.add(
              RelspecJson.read(new String(delivery.getBody(), StandardCharsets.UTF_8), recordType));
        },
        tag -> {});
  }

  /** The next request of this run (requests of other runs are dropped). */
  TaskRunRequested next(String runId) throws InterruptedException {
    return next(runId, Duration.ofSeconds(30));
  }

  TaskRunRequested next(String runId, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      TaskRunRequested request =
          requests.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(request).as("a TaskRunRequested of run %s within %s", runId, within).isNotNull();
      if (request.runId().equals(runId)) {
        return request;
      }
    }
  }

  /** The routing key a request arrived with. */
  String routingKeyOf(TaskRunRequested request) {
    return routingKeys.get(request.eventId().toString());
  }

  /** The next request of any run. */
  TaskRunRequested nextOfAnyRun() throws InterruptedException {
    TaskRunRequested request = requests.poll(30, TimeUnit.SECONDS);
    assertThat(request).as("a TaskRunRequested within 30 s").isNotNull();
    return request;
  }

  /** The next request for this task, of any run (others are dropped). */
  TaskRunRequested nextOfTask(String task) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      TaskRunRequested request =
          requests.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(request).as("a TaskRunRequested for task %s", task).isNotNull();
      if (request.task().value().equals(task)) {
        return request;
      }
    }
  }

  /** Requests of this run already received and not yet taken. */
  List<TaskRunRequested> pending(String runId) {
    List<TaskRunRequested> result = new ArrayList<>();
    requests.stream().filter(request -> request.runId().equals(runId)).forEach(result::add);
    return result;
  }

  RunFinished finished(String runId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      RunFinished event =
          finished.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(event).as("RunFinished of run %s", runId).isNotNull();
      if (event.runId().equals(runId)) {
        return event;
      }
    }
  }

  /** The run's next request, or its RunFinished, whichever comes first (null when neither). */
  RelspecMessage nextOrFinished(String runId, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      RunFinished event = finished.poll(20, TimeUnit.MILLISECONDS);
      if (event != null && event.runId().equals(runId)) {
        return event;
      }
      TaskRunRequested request = requests.poll(20, TimeUnit.MILLISECONDS);
      if (request != null && request.runId().equals(runId)) {
        return request;
      }
    }
    return null;
  }

  void publish(RelspecMessage message) throws IOException {
    channel.basicPublish(
        exchange,
        MessageType.of(message.getClass()).routingKey(),
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(2)
            .messageId(message.eventId().toString())
            .build(),
        RelspecJson.write(message).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException, TimeoutException {
    connection.close();
  }
}
