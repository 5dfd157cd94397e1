package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.RelspecCli;
import io.relspec.cli.api.ApiClient;
import io.relspec.cli.data.DataClient;
import io.relspec.cli.examples.CodeAnatomyGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * What the standalone tests do as a user would: the real {@code relspec} CLI and REST client
 * against the app under test, example evidence, and every output read back over Flight.
 */
final class StandaloneHarness {
  static final URI REST = URI.create("http://localhost:18080/");

  private final String token;
  private final String flightUri;
  private final ApiClient api;

  StandaloneHarness(String flightUri) throws IOException {
    this.token = Files.readString(FreshDataDirectory.DATA.resolve("api-token")).strip();
    this.flightUri = flightUri;
    this.api = new ApiClient(REST, token);
  }

  String token() {
    return token;
  }

  ApiClient api() {
    return api;
  }

  /** Runs one relspec command against this app; fails the test with its output when it fails. */
  String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = execute(args, out, err);
    assertThat(status).as("relspec %s\n%s\n%s", String.join(" ", args), out, err).isZero();
    return out.toString();
  }

  /** Runs a relspec command that must fail; returns what it printed on stderr. */
  String cliFailure(String... args) {
    StringWriter err = new StringWriter();
    int status = execute(args, new StringWriter(), err);
    assertThat(status).as("relspec %s fails", String.join(" ", args)).isNotZero();
    return err.toString();
  }

  private int execute(String[] args, StringWriter out, StringWriter err) {
    List<String> line = new ArrayList<>(List.of(args));
    if (!"example".equals(args[0])) {
      line.addAll(
          List.of("--url", "http://localhost:18080", "--token", token, "--flight", flightUri));
    }
    return RelspecCli.execute(
        line.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** Writes code-anatomy evidence to {@code dir}; returns the change it applied. */
  static CodeAnatomyGenerator.Change generate(
      Path dir,
      int files,
      long seed,
      CodeAnatomyGenerator.Variant variant,
      double changed,
      double deleted)
      throws IOException {
    try (RootAllocator allocator = new RootAllocator()) {
      CodeAnatomyGenerator.Result result =
          CodeAnatomyGenerator.write(
              new CodeAnatomyGenerator.Options(files, seed, changed, deleted, variant),
              dir,
              allocator);
      Files.write(dir.resolve("deleted-file-ids.txt"), result.change().deleted());
      return result.change();
    }
  }

  /** Every materialized output of the current plan catalog, rows rendered and sorted. */
  Map<String, List<String>> snapshot() throws Exception {
    Map<String, List<String>> rows = new TreeMap<>();
    try (DataClient data = new DataClient(URI.create(flightUri), token)) {
      for (String output : outputs()) {
        List<String> lines = new ArrayList<>();
        try (FlightStream stream = data.get(output, null)) {
          while (stream.next()) {
            for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
              StringBuilder line = new StringBuilder();
              for (FieldVector vector : stream.getRoot().getFieldVectors()) {
                line.append(vector.getField().getName())
                    .append('=')
                    .append(vector.getObject(row))
                    .append('|');
              }
              lines.add(line.toString());
            }
          }
        }
        lines.sort(Comparator.naturalOrder());
        rows.put(output, lines);
      }
    }
    return rows;
  }

  /** The outputs of the newest plan catalog that are materialized (not views). */
  List<String> outputs() {
    JsonNode catalog = api.get("api/v1/plan-catalogs/latest");
    List<String> outputs = new ArrayList<>();
    catalog
        .path("plans")
        .forEach(
            plan -> {
              if (!"view".equals(plan.path("kind").asText())) {
                outputs.add(plan.path("output").asText());
              }
            });
    return outputs;
  }

  /** The newest run with its tasks. */
  JsonNode latestRun() {
    String runId = api.get("api/v1/runs").get(0).path("runId").asText();
    return api.get("api/v1/runs/" + runId);
  }

  static void edit(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    assertThat(text).as("%s contains the text to replace", file).contains(from);
    Files.writeString(file, text.replace(from, to));
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
