package io.relspec.catalog.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** The catalog app against the real PostgreSQL and RabbitMQ on localhost. */
@QuarkusTest
class CatalogAppTest {
  private static final String ADMIN = "test-admin-token-0123456789";
  private static final String READER = "test-reader-token-0123456789";

  @Test
  void readinessIncludesDatabaseAndBroker() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name.contains('Database') }.status", equalTo("UP"))
        .body("checks.find { it.name.contains('Messaging') }.status", equalTo("UP"));
    given()
        .when()
        .get("/q/health/live")
        .then()
        .statusCode(200)
        .body("checks.find { it.name.contains('Database') }", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void apiNeedsATokenAndTheRightRole() {
    given()
        .when()
        .get("/api/v1/tasks")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("code", equalTo("UNAUTHENTICATED"))
        .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"));
    given().auth().oauth2(READER).when().get("/api/v1/tasks").then().statusCode(200);
    given()
        .auth()
        .oauth2(READER)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT 1 AS x\"}")
        .when()
        .put("/api/v1/tasks/app_test_task")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("code", equalTo("FORBIDDEN"));
  }

  @Test
  void registeringATaskPublishesASnapshotThroughTheOutbox() {
    given()
        .auth()
        .oauth2(ADMIN)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT 1 AS x\"}")
        .when()
        .put("/api/v1/tasks/app_test_task")
        .then()
        .statusCode(200)
        .body("snapshotId", notNullValue());
    String latest =
        given()
            .auth()
            .oauth2(ADMIN)
            .when()
            .get("/api/v1/snapshots/latest")
            .then()
            .statusCode(200)
            .body("tasks.app_test_task.output", equalTo("app_test_task"))
            .extract()
            .path("id");
    given()
        .auth()
        .oauth2(ADMIN)
        .when()
        .get("/api/v1/snapshots/" + latest)
        .then()
        .statusCode(200)
        .body("id", equalTo(latest));
    given()
        .auth()
        .oauth2(ADMIN)
        .when()
        .get("/api/v1/snapshots/nope")
        .then()
        .statusCode(404)
        .body("code", equalTo("SNAPSHOT_NOT_FOUND"));
  }

  @Test
  void openApiAndMetricsAreOpen() {
    given().when().get("/q/openapi").then().statusCode(200);
    given().when().get("/q/metrics").then().statusCode(200);
  }
}
