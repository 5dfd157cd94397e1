package io.relspec.compiler.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.PlanCatalogCompiled;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.SnapshotPublished;
import io.relspec.contracts.model.TaskName;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * SnapshotPublished in, PlanCatalogCompiled out, on the real broker; then the compiled plans,
 * lineage and ad-hoc compilation over REST.
 */
@QuarkusTest
@QuarkusTestResource(CatalogStub.class)
class CompilationEventsTest {
  private static final String READER = "test-reader-token-0123456789";

  @ConfigProperty(name = "relspec.messaging.exchange")
  String exchange;

  @Test
  void compilesAPublishedSnapshotAndServesItsPlans() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    PlanCatalogCompiled compiled;
    try (Connection connection = factory.newConnection("compilation-events-test");
        Channel channel = connection.createChannel()) {
      BlockingQueue<PlanCatalogCompiled> received = compiledEvents(channel);
      // Snapshots the catalog does not know (another catalog database, or pruned) come first:
      // each is dead-lettered at once. Were they retried, the ordered consumer would wait out at
      // least the first 1 s redelivery backoff of each, past the 60 s this test waits.
      for (int i = 0; i < 70; i++) {
        publish(
            channel,
            new SnapshotPublished(
                UUID.randomUUID(), Instant.now(), "unknown-snapshot-" + i, null, 1, 2));
      }
      publish(
          channel,
          new SnapshotPublished(
              UUID.randomUUID(), Instant.now(), CatalogStub.SNAPSHOT_ID, null, 1, 2));
      compiled = received.poll(60, TimeUnit.SECONDS);
    }
    assertThat(compiled).as("a PlanCatalogCompiled within 60 s").isNotNull();
    assertThat(compiled.snapshotId()).isEqualTo(CatalogStub.SNAPSHOT_ID);
    assertThat(compiled.fingerprints()).containsOnlyKeys(TaskName.of("event_sizes"));
    assertThat(compiled.failures())
        .singleElement()
        .satisfies(
            failure -> {
              assertThat(failure.task().value()).isEqualTo("broken");
              assertThat(failure.code()).isEqualTo("UNKNOWN_COLUMN");
              assertThat(failure.line()).isEqualTo(1);
              assertThat(failure.column()).isEqualTo(8);
            });

    String id = compiled.planCatalogId();
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/plan-catalogs/" + id + "/plans/event_sizes")
        .then()
        .statusCode(200)
        .body(
            "fingerprint", equalTo(compiled.fingerprints().get(TaskName.of("event_sizes")).value()))
        .body("outputSchema.fields.name", hasItem("total"))
        .body("fileScope.scopable", equalTo(true))
        .body("fileScope.fileIdColumn", equalTo("file_id"))
        .body("requiredColumns.'raw.events'.name", hasItem("size"));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/plan-catalogs/" + id + "/plans/broken")
        .then()
        .statusCode(404)
        .body("code", equalTo("PLAN_NOT_FOUND"));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/lineage/event_sizes/total?direction=upstream")
        .then()
        .statusCode(200)
        .body("edges.from.column", hasItem("size"));
    given()
        .auth()
        .oauth2(READER)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT kind, total FROM event_sizes WHERE total > 10\"}")
        .post("/api/v1/compile")
        .then()
        .statusCode(200)
        .body("logicalInputs", hasItem("event_sizes"));
    given()
        .auth()
        .oauth2(READER)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT getenv('HOME') AS home\"}")
        .post("/api/v1/compile")
        .then()
        .statusCode(422)
        .body("code", equalTo("UNKNOWN_FUNCTION"))
        .body("violations[0].line", equalTo(1))
        .body("violations[0].column", equalTo(8));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/lineage/event_sizes/nope")
        .then()
        .statusCode(404)
        .body("code", equalTo("UNKNOWN_LINEAGE_COLUMN"));
  }

  @Test
  void aLateEventForASupersededSnapshotCompilesTheNewestOne() throws Exception {
    CatalogStub.newest = CatalogStub.SNAPSHOT_ID;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("localhost");
    try (Connection connection = factory.newConnection("compilation-events-test-late");
        Channel channel = connection.createChannel()) {
      BlockingQueue<PlanCatalogCompiled> received = compiledEvents(channel);
      // The catalog no longer serves the superseded snapshot; compiling it would fail, and
      // compiling an older one would hand the scheduler a plan catalog older than its latest.
      publish(
          channel,
          new SnapshotPublished(
              UUID.randomUUID(), Instant.now(), "superseded-snapshot", null, 1, 2));
      PlanCatalogCompiled compiled = received.poll(60, TimeUnit.SECONDS);
      assertThat(compiled).as("a PlanCatalogCompiled within 60 s").isNotNull();
      assertThat(compiled.snapshotId()).isEqualTo(CatalogStub.SNAPSHOT_ID);
    } finally {
      CatalogStub.newest = null;
    }
  }

  /** The PlanCatalogCompiled events published from now on, on a queue of the test's own. */
  private BlockingQueue<PlanCatalogCompiled> compiledEvents(Channel channel) throws Exception {
    String queue = channel.queueDeclare().getQueue();
    channel.queueBind(queue, exchange, MessageType.PLAN_CATALOG_COMPILED.routingKey());
    BlockingQueue<PlanCatalogCompiled> received = new LinkedBlockingQueue<>();
    channel.basicConsume(
        queue,
        true,
        (tag, delivery) ->
            received.add(
                RelspecJson.read(
                    new String(delivery.getBody(), StandardCharsets.UTF_8),
                    PlanCatalogCompiled.class)),
        tag -> {});
    return received;
  }

  private void publish(Channel channel, SnapshotPublished event) throws Exception {
    channel.basicPublish(
        exchange,
        MessageType.SNAPSHOT_PUBLISHED.routingKey(),
        new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build(),
        RelspecJson.write(event).getBytes(StandardCharsets.UTF_8));
  }
}
