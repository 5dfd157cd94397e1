package io.relspec.distributed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The catalog keeps everything across a restart: on PostgreSQL (the catalog app) and on H2 (the
 * standalone jar). Each case registers one of every kind, stops the JVM, starts a new one on the
 * same database and finds the same latest snapshot and the same contents.
 */
class CatalogRestartTest {
  private static final String TOKEN = "restart-test-token-" + Long.toHexString(System.nanoTime());

  @Test
  void catalogAppKeepsItsStateOnPostgresql() throws Exception {
    DistributedSuiteTest.recreateDatabase("relspec_it_catalog_restart");
    Path logs = Files.createDirectories(Path.of("target", "service-logs", "restart-pg"));
    Map<String, String> environment =
        Map.of(
            "RELSPEC_API_TOKEN", TOKEN,
            "RELSPEC_DB_URL", "jdbc:postgresql://localhost:5432/relspec_it_catalog_restart",
            "RELSPEC_MESSAGING_EXCHANGE", "relspec.restart-test-events");
    survivesRestart(() -> start("catalog", null, environment, logs));
  }

  @Test
  void standaloneKeepsItsCatalogOnH2() throws Exception {
    Path data =
        Files.createDirectories(
                Path.of("target", "restart-h2-" + Long.toHexString(System.nanoTime())))
            .toAbsolutePath();
    Files.writeString(data.resolve("api-token"), TOKEN + "\n", StandardCharsets.UTF_8);
    Path logs = Files.createDirectories(Path.of("target", "service-logs", "restart-h2"));
    Map<String, String> environment =
        Map.of("RELSPEC_DATA_DIR", data.toString(), "RELSPEC_EXECUTOR_FLIGHT_PORT", "0");
    survivesRestart(
        () ->
            start(
                "standalone",
                Path.of("..", "standalone", "target", "quarkus-app", "quarkus-run.jar"),
                environment,
                logs));
  }

  private static ServiceProcess start(
      String name, Path jar, Map<String, String> environment, Path logs) {
    try {
      return (jar == null
              ? ServiceProcess.start(name, environment, logs)
              : ServiceProcess.startJar(name, jar, environment, logs))
          .awaitReady();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void survivesRestart(Supplier<ServiceProcess> starter) throws Exception {
    String snapshotBefore;
    String contentBefore;
    try (ServiceProcess first = starter.get()) {
      String url = first.baseUrl() + "/api/v1";
      api()
          .body(
              "{\"parameters\":[{\"name\":\"source\",\"kind\":\"dataset\"}],"
                  + "\"sql\":\"SELECT count(*) AS n FROM {{source}}\"}")
          .put(url + "/templates/row_count")
          .then()
          .statusCode(200);
      api()
          .body(
              "{\"schema\":{\"fields\":[{\"name\":\"file_id\",\"type\":\"utf8\",\"nullable\":false},"
                  + "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false}]},"
                  + "\"fileIdColumn\":\"file_id\",\"metadata\":{\"relspec.templates\":"
                  + "\"[{\\\"template\\\":\\\"row_count\\\",\\\"args\\\":{}}]\"}}")
          .put(url + "/datasets/orders")
          .then()
          .statusCode(200);
      api()
          .body(
              "{\"parameters\":[{\"name\":\"k\",\"type\":\"utf8\"}],\"returns\":\"utf8\","
                  + "\"expression\":\"'t:' || k\"}")
          .put(url + "/functions/tag")
          .then()
          .statusCode(200);
      api()
          .body(
              "{\"name\":\"shop\",\"version\":\"3\",\"domain\":\"sales\",\"tasks\":{"
                  + "\"order_ids\":{\"sql\":\"SELECT id FROM orders\",\"kind\":\"materialization\"}}}")
          .post(url + "/bundles")
          .then()
          .statusCode(200);
      snapshotBefore = api().get(url + "/snapshots/latest").then().extract().path("id");
      contentBefore = api().get(url + "/snapshots/" + snapshotBefore).then().extract().asString();
    }
    try (ServiceProcess second = starter.get()) {
      String url = second.baseUrl() + "/api/v1";
      api()
          .get(url + "/snapshots/latest")
          .then()
          .statusCode(200)
          .body("id", equalTo(snapshotBefore));
      assertThat(api().get(url + "/snapshots/" + snapshotBefore).then().extract().asString())
          .isEqualTo(contentBefore);
      api()
          .get(url + "/tasks")
          .then()
          .body("$", hasKey("orders__row_count"))
          .body("order_ids.bundle", equalTo("shop"));
      api().get(url + "/bundles/shop").then().statusCode(200).body("tasks", hasItem("order_ids"));
      api().get(url + "/functions/tag").then().statusCode(200);
      // The restored state is the live state: re-posting the same bundle changes nothing.
      api()
          .body(
              "{\"name\":\"shop\",\"version\":\"3\",\"domain\":\"sales\",\"tasks\":{"
                  + "\"order_ids\":{\"sql\":\"SELECT id FROM orders\",\"kind\":\"materialization\"}}}")
          .post(url + "/bundles")
          .then()
          .statusCode(200)
          .body("changed", equalTo(false))
          .body("snapshotId", equalTo(snapshotBefore));
    }
  }

  private static RequestSpecification api() {
    return given().auth().oauth2(TOKEN).contentType(ContentType.JSON);
  }
}
