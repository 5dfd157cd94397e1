package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relspec.cli.RelspecCli;
import io.relspec.cli.api.ApiClient;
import io.relspec.cli.data.DataClient;
import io.relspec.executor.ExecutorNode;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.flight.FlightStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What runs is the user's SQL, and it gives exactly what DuckDB gives: the 22 TPC-H and 99 TPC-DS
 * queries of DuckDB's own repository and the 50 faithfulness cases, registered as tasks of one
 * bundle through the real CLI, compiled (each with column lineage), run by standalone on its
 * locked-down DuckDB, and compared row by row with the same SQL run directly on DuckDB over the
 * same tables.
 */
@QuarkusTest
@TestProfile(DifferentialProfile.class)
class DuckDbDifferentialTest {
  /** TPC-H and TPC-DS scale factor (0.01 is the "tiny" size). */
  private static final double SCALE = 0.01;

  @Inject ExecutorNode executor;

  @TempDir Path work;

  @Test
  void everyCorpusQueryCompilesWithLineageRunsAndMatchesDuckDb() throws Exception {
    String token = Files.readString(DifferentialProfile.DATA.resolve("api-token")).strip();
    ApiClient api = new ApiClient(URI.create("http://localhost:18080/"), token);
    try (DifferentialCorpus corpus = DifferentialCorpus.generate(SCALE)) {
      assertThat(corpus.tasks().keySet())
          .filteredOn(task -> !task.startsWith("faithful."))
          .hasSize(121);
      corpus.writeBundle(work.resolve("bundle"));
      corpus.writeParquet(work.resolve("data"));
      cli(token, "bundle", "push", work.resolve("bundle").toString());

      JsonNode catalog = api.get("api/v1/plan-catalogs/latest");
      assertThat(catalog.path("failures")).as("compile failures").isEmpty();
      assertThat(catalog.path("plans").size()).isEqualTo(corpus.tasks().size());
      for (JsonNode plan : catalog.path("plans")) {
        String task = plan.path("task").asText();
        assertThat(plan.path("sql").asText()).as(task).isEqualTo(corpus.tasks().get(task).strip());
        assertThat(plan.path("lineage").size())
            .as("%s: lineage for every output column", task)
            .isEqualTo(plan.path("outputSchema").path("fields").size());
        boolean anyOrigin = false;
        for (JsonNode column : plan.path("lineage")) {
          anyOrigin |= !column.path("origins").isEmpty();
        }
        assertThat(anyOrigin)
            .as("%s: some output column has source columns", task)
            .isEqualTo(!plan.path("logicalInputs").isEmpty());
      }

      cli(token, "data", "put", "--dir", work.resolve("data").toString());
      String run = cli(token, "run", "--full", "--wait", "--quiet");
      assertThat(run).contains("SUCCEEDED");

      Map<String, String> mismatches = new TreeMap<>();
      List<String> empty = new ArrayList<>();
      try (DataClient data = new DataClient(URI.create(executor.flightUri()), token)) {
        for (String task : corpus.tasks().keySet()) {
          ResultRows expected = corpus.expected(task);
          ResultRows actual;
          try (FlightStream stream = data.get(task, null)) {
            actual = ResultRows.of(stream);
          }
          String difference = expected.difference(actual);
          if (difference != null) {
            mismatches.put(task, difference);
          }
          if (expected.size() == 0) {
            empty.add(task);
          }
        }
      }
      assertThat(mismatches).as("outputs that differ from DuckDB run directly").isEmpty();
      // An empty answer proves little; the tiny scale leaves a few, but most queries return rows.
      assertThat(empty).as("queries with no rows at scale %s", SCALE).hasSizeLessThan(20);
    }
  }

  /** One relspec command against this app; fails the test with its output when it fails. */
  private String cli(String token, String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(
        List.of(
            "--url", "http://localhost:18080", "--token", token, "--flight", executor.flightUri()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        RelspecCli.execute(
            line.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(status).as("relspec %s\n%s\n%s", String.join(" ", args), out, err).isZero();
    return out.toString();
  }
}
