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
  void theWebUiIsServedSignedInWithAnApiTokenAndRefusesAReaderStartingRuns() {
    given()
        .redirects()
        .follow(false)
        .when()
        .get("/ui/runs")
        .then()
        .statusCode(303)
        .header("Location", org.hamcrest.Matchers.endsWith("/ui/login?next=%2Fui%2Fruns"));
    // A sign-in form posted from another site is refused (login CSRF).
    given()
        .redirects()
        .follow(false)
        .header("Origin", "https://elsewhere.example")
        .formParam("token", "test-reader-token-0123456789")
        .when()
        .post("/ui/login")
        .then()
        .statusCode(403);
    String session =
        given()
            .redirects()
            .follow(false)
            .formParam("token", "test-reader-token-0123456789")
            .when()
            .post("/ui/login")
            .then()
            .statusCode(303)
            .header("Set-Cookie", org.hamcrest.Matchers.containsString("HttpOnly"))
            .header("Set-Cookie", org.hamcrest.Matchers.containsString("SameSite=Strict"))
            .extract()
            .cookie("relspec_session");
    String page =
        given()
            .cookie("relspec_session", session)
            .when()
            .get("/ui/runs")
            .then()
            .statusCode(200)
            .header(
                "Content-Security-Policy",
                org.hamcrest.Matchers.containsString("script-src 'self'"))
            .extract()
            .asString();
    String csrf = page.replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    given()
        .cookie("relspec_session", session)
        .formParam("csrf", csrf)
        .formParam("mode", "full")
        .when()
        .post("/ui/runs")
        .then()
        .statusCode(403);
    // The pages' scripts come from WebJars on the classpath: nothing is fetched from elsewhere.
    given().when().get("/webjars/htmx.org/2.0.10/dist/htmx.min.js").then().statusCode(200);
    given().when().get("/webjars/cytoscape/3.33.1/dist/cytoscape.min.js").then().statusCode(200);
    given().when().get("/ui-assets/app.js").then().statusCode(200);
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
