package io.relspec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionOptionsTest {
  @TempDir Path dir;

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverStandaloneDefaults() throws Exception {
    Files.writeString(dir.resolve("api-token"), "from-file\n");
    ConnectionOptions defaults = new ConnectionOptions(Map.of("RELSPEC_DATA_DIR", dir.toString()));
    assertThat(defaults.restUri()).hasToString("http://localhost:8080/");
    assertThat(defaults.flightUri()).hasToString("grpc://localhost:8815");
    assertThat(defaults.token()).isEqualTo("from-file");

    ConnectionOptions environment =
        new ConnectionOptions(
            Map.of("RELSPEC_URL", "http://relspec.internal:9000", "RELSPEC_TOKEN", "from-env"));
    assertThat(environment.restUri()).hasToString("http://relspec.internal:9000/");
    assertThat(environment.flightUri()).hasToString("grpc://relspec.internal:8815");
    assertThat(environment.token()).isEqualTo("from-env");

    environment.url = "https://other:443";
    environment.token = "from-flag";
    environment.flight = "grpc+tls://exec-1:8815";
    assertThat(environment.restUri()).hasToString("https://other:443/");
    assertThat(environment.token()).isEqualTo("from-flag");
    assertThat(environment.flightUri()).hasToString("grpc+tls://exec-1:8815");
  }

  @Test
  void perServiceUrlsTakeTheirServicesPathsAndTheRestGoesToTheBaseUrl() {
    ConnectionOptions options =
        new ConnectionOptions(
            Map.of(
                "RELSPEC_CATALOG_URL", "http://catalog:8081",
                "RELSPEC_SCHEDULER_URL", "http://scheduler:8083"));
    options.compilerUrl = "http://compiler:8082/";
    var routes = options.routes();
    assertThat(routes.baseFor("api/v1/bundles/archive")).hasToString("http://catalog:8081/");
    assertThat(routes.baseFor("api/v1/validation/catalog")).hasToString("http://catalog:8081/");
    assertThat(routes.baseFor("api/v1/validation")).hasToString("http://scheduler:8083/");
    assertThat(routes.baseFor("api/v1/runs/r1/cancel")).hasToString("http://scheduler:8083/");
    assertThat(routes.baseFor("api/v1/graph?format=dot")).hasToString("http://scheduler:8083/");
    assertThat(routes.baseFor("api/v1/lineage/a/b?direction=upstream"))
        .hasToString("http://compiler:8082/");
    assertThat(routes.baseFor("api/v1/plan-catalogs/latest")).hasToString("http://compiler:8082/");
    assertThat(routes.baseFor("q/health")).hasToString("http://localhost:8080/");
    assertThat(new ConnectionOptions(Map.of()).routes().baseFor("api/v1/runs"))
        .hasToString("http://localhost:8080/");
  }

  @Test
  void noTokenAnywhereIsNullSoTheServerCanSayWhy() {
    assertThat(new ConnectionOptions(Map.of("RELSPEC_DATA_DIR", dir.toString())).token()).isNull();
  }

  @Test
  void aRefusedRequestPrintsTheProblemAndExitsNonZero() {
    var out = new java.io.StringWriter();
    var err = new java.io.StringWriter();
    int status =
        RelspecCli.execute(
            new String[] {"runs", "--url", "http://127.0.0.1:9", "--token", "t"},
            new java.io.PrintWriter(out),
            new java.io.PrintWriter(err));
    assertThat(status).isEqualTo(RelspecCli.FAILED);
    assertThat(err.toString()).startsWith("error: cannot reach Relspec at http://127.0.0.1:9/");
  }
}
