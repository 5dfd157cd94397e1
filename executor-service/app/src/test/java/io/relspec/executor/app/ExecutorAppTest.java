package io.relspec.executor.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The executor app booted with its RabbitMQ configuration against the broker on localhost. */
@QuarkusTest
class ExecutorAppTest {

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
}
