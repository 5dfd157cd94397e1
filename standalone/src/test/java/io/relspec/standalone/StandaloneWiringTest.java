package io.relspec.standalone;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole suite in one JVM: a task registered in the catalog is compiled, scheduled, executed on
 * DuckDB and reported back, with every service boundary crossed by a real (in-process) message.
 */
@QuarkusTest
@io.quarkus.test.common.QuarkusTestResource(
    value = FreshDataDirectory.class,
    restrictToAnnotatedClass = true)
class StandaloneWiringTest {
  private String token;

  /** The token the app generated on first start (read after boot, not before). */
  @BeforeEach
  void readGeneratedToken() throws Exception {
    token = Files.readString(Path.of("target/relspec-test-data/api-token")).strip();
  }

  @Test
  void eventCrossesEveryServiceBoundary() {
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT 1 AS id, 'a' AS label UNION ALL SELECT 2, 'b'\"}")
        .when()
        .put("/api/v1/tasks/wiring_base")
        .then()
        .statusCode(200);
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT id * 10 AS score, label FROM wiring_base WHERE id > 1\"}")
        .when()
        .put("/api/v1/tasks/wiring_derived")
        .then()
        .statusCode(200);

    // catalog -> compiler -> scheduler: the plan catalog with both tasks reaches the scheduler.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .auth()
                    .oauth2(token)
                    .when()
                    .get("/api/v1/plan-catalogs/latest")
                    .then()
                    .statusCode(200)
                    .body("plans.wiring_derived.logicalInputs", hasItem("wiring_base")));

    // scheduler -> executor -> scheduler: the run completes with real rows.
    String runId =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    given()
                        .auth()
                        .oauth2(token)
                        .contentType(ContentType.JSON)
                        .body("{\"mode\":\"full\",\"targets\":[\"wiring_derived\"]}")
                        .when()
                        .post("/api/v1/runs")
                        .then()
                        .extract(),
                response -> response.statusCode() == 202)
            .path("runId");

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                given()
                    .auth()
                    .oauth2(token)
                    .when()
                    .get("/api/v1/runs/" + runId)
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("SUCCEEDED")));

    JsonPath run =
        given()
            .auth()
            .oauth2(token)
            .when()
            .get("/api/v1/runs/" + runId)
            .then()
            .extract()
            .jsonPath();
    org.assertj.core.api.Assertions.assertThat(run.getList("tasks.task"))
        .containsExactly("wiring_base", "wiring_derived");
    org.assertj.core.api.Assertions.assertThat(
            run.getLong("tasks.find { it.task == 'wiring_derived' }.rows"))
        .isEqualTo(1L);
    org.assertj.core.api.Assertions.assertThat(
            run.getString("tasks.find { it.task == 'wiring_derived' }.executorId"))
        .isEqualTo("standalone");

    // One validation report joins the catalog's checks (reached in-process) with the graph's.
    JsonPath validation =
        given().auth().oauth2(token).when().get("/api/v1/validation").then().extract().jsonPath();
    org.assertj.core.api.Assertions.assertThat(validation.getList("diagnostics.code"))
        .as(validation.prettify())
        .doesNotContain("CATALOG_UNAVAILABLE");
    org.assertj.core.api.Assertions.assertThat(validation.getString("graphSignature")).hasSize(64);
  }

  @Test
  void everyApiEndpointRefusesAMissingToken() {
    for (String path :
        new String[] {
          "/api/v1/tasks",
          "/api/v1/datasets",
          "/api/v1/snapshots/latest",
          "/api/v1/plan-catalogs/latest",
          "/api/v1/runs"
        }) {
      given()
          .when()
          .get(path)
          .then()
          .statusCode(401)
          .contentType("application/problem+json")
          .body("code", equalTo("UNAUTHENTICATED"));
    }
    given()
        .auth()
        .oauth2("not-a-valid-token-at-all")
        .when()
        .get("/api/v1/tasks")
        .then()
        .statusCode(401);
  }

  @Test
  void healthMetricsAndOpenApiStayOpen() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().when().get("/q/health/live").then().statusCode(200);
    given().when().get("/q/openapi").then().statusCode(200);
    given().when().get("/q/metrics").then().statusCode(200);
  }

  @Test
  void nonSelectSqlIsRefusedAtTheCatalogAndNeverStored() {
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"DELETE FROM wiring_base\"}")
        .when()
        .put("/api/v1/tasks/wiring_evil")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("NOT_A_QUERY"))
        .body("violations[0].field", equalTo("sql"));
    given().auth().oauth2(token).when().get("/api/v1/tasks/wiring_evil").then().statusCode(404);
  }

  @Test
  void badInputGetsProblemDetails() {
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT 1\",\"kind\":\"table\"}")
        .when()
        .put("/api/v1/tasks/bad_kind")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("INVALID_REQUEST"))
        .body("detail", org.hamcrest.Matchers.containsString("view, compute, materialization"));
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT 1\",\"priorty\":5}")
        .when()
        .put("/api/v1/tasks/typo_field")
        .then()
        .statusCode(400)
        .body("code", equalTo("MALFORMED_REQUEST"))
        .body("detail", org.hamcrest.Matchers.containsString("priorty"));
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body("{\"sql\":\"SELECT 1\"}")
        .when()
        .put("/api/v1/tasks/not-an-identifier")
        .then()
        .statusCode(400)
        .body("code", equalTo("INVALID_REQUEST"));
    given()
        .auth()
        .oauth2(token)
        .when()
        .get("/api/v1/runs/does-not-exist")
        .then()
        .statusCode(404)
        .body("code", equalTo("RUN_NOT_FOUND"));
  }
}
