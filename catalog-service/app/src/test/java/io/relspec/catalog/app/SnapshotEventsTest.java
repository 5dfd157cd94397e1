package io.relspec.catalog.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.SnapshotPublished;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Exactly one SnapshotPublished per effective change and none for a no-op, observed on the real
 * broker through a queue of the test's own bound to the events exchange.
 */
@QuarkusTest
class SnapshotEventsTest {
  @ConfigProperty(name = "relspec.messaging.exchange")
  String exchange;

  @Test
  void oneEventPerEffectiveChangeAndNoneForANoOp() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    try (Connection connection = factory.newConnection("snapshot-events-test");
        Channel channel = connection.createChannel()) {
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, exchange, MessageType.SNAPSHOT_PUBLISHED.routingKey());
      BlockingQueue<SnapshotPublished> received = new LinkedBlockingQueue<>();
      channel.basicConsume(
          queue,
          true,
          (tag, delivery) ->
              received.add(
                  RelspecJson.read(
                      new String(delivery.getBody(), StandardCharsets.UTF_8),
                      SnapshotPublished.class)),
          tag -> {});

      String name = CatalogApiTest.unique("evented");
      String body = CatalogApiTest.task("SELECT 1 AS x");
      String first = put(name, body);
      assertThat(next(received).snapshotId()).isEqualTo(first);

      // A no-op: same spec again. Nothing may be published for it, which the next event proves:
      // it must be the one for the following change, not a second one for the first.
      assertThat(put(name, body)).isEqualTo(first);
      String second = put(name, CatalogApiTest.task("SELECT 2 AS x"));
      SnapshotPublished event = next(received);
      assertThat(event.snapshotId()).isEqualTo(second);
      assertThat(event.previousSnapshotId()).isEqualTo(first);

      // A refused change publishes nothing either.
      CatalogApiTest.admin()
          .body(CatalogApiTest.task("DROP TABLE x"))
          .put("/api/v1/tasks/" + name)
          .then()
          .statusCode(400);
      String deleted =
          CatalogApiTest.admin()
              .delete("/api/v1/tasks/" + name)
              .then()
              .statusCode(200)
              .extract()
              .path("snapshotId");
      assertThat(next(received).snapshotId()).isEqualTo(deleted);
    }
  }

  private static String put(String name, String body) {
    return CatalogApiTest.admin()
        .body(body)
        .put("/api/v1/tasks/" + name)
        .then()
        .statusCode(200)
        .extract()
        .path("snapshotId");
  }

  private static SnapshotPublished next(BlockingQueue<SnapshotPublished> received)
      throws InterruptedException {
    SnapshotPublished event = received.poll(30, TimeUnit.SECONDS);
    assertThat(event).as("a SnapshotPublished within 30 s").isNotNull();
    return event;
  }
}
