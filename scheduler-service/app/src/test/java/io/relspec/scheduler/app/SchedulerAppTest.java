package io.relspec.scheduler.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The scheduler app booted with its RabbitMQ configuration against the broker on localhost. */
@QuarkusTest
class SchedulerAppTest {

  @Test
  void readyWithTheBrokerConnected() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void openEndpointsNeedNoToken() {
    given().when().get("/q/openapi").then().statusCode(200);
    given().when().get("/q/metrics").then().statusCode(200);
  }

  @Test
  void apiRefusesAMissingOrWrongToken() {
    given()
        .when()
        .get("/api/v1/runs")
        .then()
        .statusCode(401)
        .body("code", equalTo("UNAUTHENTICATED"));
    given()
        .auth()
        .oauth2("wrong-token-0123456789")
        .when()
        .get("/api/v1/runs")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2("test-reader-token-0123456789")
        .when()
        .get("/api/v1/runs")
        .then()
        .statusCode(org.hamcrest.Matchers.not(401));
  }
}
