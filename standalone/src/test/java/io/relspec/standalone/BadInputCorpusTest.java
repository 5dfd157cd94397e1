package io.relspec.standalone;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.executor.ExecutorNode;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * Bad input, as a hostile or careless client sends it: the REST cases of {@code
 * bad-inputs/rest.json} (SQL, function bodies, contracts, archives, runs, sizes, tokens) and Flight
 * calls. Each gets its typed answer and never a 5xx; a refused request changes no snapshot and no
 * dataset version; afterwards the app is ready and a canary task still compiles.
 */
@QuarkusTest
@TestProfile(BadInputCorpusTest.Profile.class)
class BadInputCorpusTest {
  static final Path DATA = Path.of("target", "relspec-bad-input-data");
  private static final String READER = "bad-input-reader-token-0123456789";
  private static final Pattern GENERATOR = Pattern.compile("\\$\\{(repeat|seq)\\((.*?)\\)\\}");

  /** Its own data directory, and a reader token besides the generated admin one. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "relspec.data-dir",
          "./" + DATA,
          "relspec.security.tokens.reader.secret",
          READER,
          "relspec.security.tokens.reader.roles",
          "reader");
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(
          new TestResourceEntry(FreshDataDirectory.class, Map.of("dir", DATA.toString()), true));
    }
  }

  @Inject ExecutorNode executor;

  private String admin;

  @Test
  void everyBadInputGetsItsTypedAnswerAndChangesNothing() throws Exception {
    admin = Files.readString(DATA.resolve("api-token")).strip();
    setUp();
    List<String> failures = new ArrayList<>();
    JsonNode cases;
    try (InputStream in = getClass().getResourceAsStream("/bad-inputs/rest.json")) {
      cases = RelspecJson.mapper().readTree(in);
    }
    for (JsonNode test : cases) {
      String name = test.path("name").asText();
      String before = latestSnapshot();
      Response response = send(test);
      int status = response.statusCode();
      int expected = test.path("status").asInt();
      if (status >= 500) {
        failures.add(name + ": " + status + " " + abbreviate(response.asString()));
        continue;
      }
      if (status != expected) {
        failures.add(
            name
                + ": expected "
                + expected
                + ", got "
                + status
                + " "
                + abbreviate(response.asString()));
        continue;
      }
      if (test.has("code") && !test.path("code").asText().equals(response.path("code"))) {
        failures.add(
            name
                + ": expected code "
                + test.path("code").asText()
                + ", got "
                + response.path("code"));
      }
      if (test.has("violations")) {
        List<String> expectedFields = new ArrayList<>();
        test.path("violations").forEach(field -> expectedFields.add(field.asText()));
        List<String> fields = response.jsonPath().getList("violations.field", String.class);
        if (!expectedFields.equals(fields)) {
          failures.add(name + ": expected violations of " + expectedFields + ", got " + fields);
        }
      }
      if (status >= 400 && !before.equals(latestSnapshot())) {
        failures.add(name + ": refused, yet the catalog's snapshot changed");
      }
    }
    assertThat(failures).as("REST cases that got another answer").isEmpty();

    flightCases();

    given().when().get("/q/health/ready").then().statusCode(200);
    given()
        .auth()
        .oauth2(admin)
        .contentType("application/json")
        .body("{\"sql\":\"SELECT id, file_id FROM canary_src WHERE id > 1\"}")
        .put("/api/v1/tasks/canary_after")
        .then()
        .statusCode(200);
    JsonNode compiled = awaitPlan("canary_after");
    assertThat(compiled.path("plans").has("big_in_list")).as("the 1,500-literal IN list").isTrue();
    assertThat(failureCode(compiled, "leaky")).isEqualTo("INVALID_FUNCTION");
  }

  // ------------------------------------------------------------------ setup and REST

  /** A source with data and a task over it, so runs and lineage have something to refuse. */
  private void setUp() throws Exception {
    given()
        .auth()
        .oauth2(admin)
        .contentType("application/json")
        .body(
            "{\"schema\":{\"fields\":[{\"name\":\"file_id\",\"type\":\"utf8\",\"nullable\":false},"
                + "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false}]},\"fileIdColumn\":\"file_id\"}")
        .put("/api/v1/datasets/canary_src")
        .then()
        .statusCode(200);
    given()
        .auth()
        .oauth2(admin)
        .contentType("application/json")
        .body("{\"sql\":\"SELECT file_id, id FROM canary_src\"}")
        .put("/api/v1/tasks/canary")
        .then()
        .statusCode(200);
    awaitPlan("canary");
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = client(allocator)) {
      put(client, upload(allocator, false), "canary_src", admin);
    }
  }

  private Response send(JsonNode test) {
    RequestSpecification request = given().urlEncodingEnabled(false);
    switch (test.path("token").asText("admin")) {
      case "admin" -> request = request.auth().oauth2(admin);
      case "reader" -> request = request.auth().oauth2(READER);
      case "wrong" -> request = request.auth().oauth2("not-a-token-of-this-app-0123456789");
      default -> {}
    }
    if (test.has("body")) {
      request =
          request
              .contentType(test.path("contentType").asText("application/json"))
              .body(expand(test.path("body").asText()).getBytes(StandardCharsets.UTF_8));
    }
    String path = test.path("path").asText();
    return switch (test.path("method").asText()) {
      case "GET" -> request.get(path);
      case "PUT" -> request.put(path);
      case "POST" -> request.post(path);
      case "DELETE" -> request.delete(path);
      default -> throw new IllegalArgumentException(test.toString());
    };
  }

  /** {@code ${repeat(text|n|sep)}} and {@code ${seq(prefix|n|sep)}} (prefix0 sep prefix1 …). */
  static String expand(String body) {
    Matcher matcher = GENERATOR.matcher(body);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String[] args = matcher.group(2).split("\\|", -1);
      int count = Integer.parseInt(args[1]);
      StringJoiner joined = new StringJoiner(args[2]);
      for (int i = 0; i < count; i++) {
        joined.add(matcher.group(1).equals("repeat") ? args[0] : args[0] + i);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(joined.toString()));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private String latestSnapshot() {
    return given()
        .auth()
        .oauth2(admin)
        .get("/api/v1/snapshots?limit=1")
        .then()
        .extract()
        .path("[0].id");
  }

  private JsonNode awaitPlan(String task) {
    return await("plan of " + task)
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                RelspecJson.mapper()
                    .readTree(
                        given()
                            .auth()
                            .oauth2(admin)
                            .get("/api/v1/plan-catalogs/latest")
                            .asString()),
            catalog ->
                catalog.path("plans").has(task)
                    && catalog.path("snapshotId").asText().equals(latestSnapshot()));
  }

  private static String failureCode(JsonNode catalog, String task) {
    for (JsonNode failure : catalog.path("failures")) {
      if (failure.path("task").asText().equals(task)) {
        return failure.path("code").asText();
      }
    }
    return null;
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  // ------------------------------------------------------------------ Flight

  private void flightCases() throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = client(allocator)) {
      long version = version(client);
      CallOption auth = bearer(admin);
      refused(
          () ->
              drain(
                  client.getStream(new Ticket("not json".getBytes(StandardCharsets.UTF_8)), auth)),
          FlightStatusCode.INVALID_ARGUMENT);
      refused(
          () ->
              drain(
                  client.getStream(
                      new Ticket("{\"dataset\":\"nowhere\"}".getBytes(StandardCharsets.UTF_8)),
                      auth)),
          FlightStatusCode.NOT_FOUND);
      refused(
          () ->
              drain(
                  client.getStream(
                      new Ticket("{\"dataset\":\"canary_src\"}".getBytes(StandardCharsets.UTF_8)))),
          FlightStatusCode.UNAUTHENTICATED);
      FlightRuntimeException longName =
          refused(
              () -> client.doAction(new Action("x".repeat(100_000), new byte[0]), auth).next(),
              FlightStatusCode.UNIMPLEMENTED);
      assertThat(longName.status().description()).hasSizeLessThan(200);
      refused(
          () ->
              client
                  .doAction(
                      new Action(
                          "delete-files",
                          "{\"dataset\":\"canary_src\",\"fileIds\":[\"f1\"]}"
                              .getBytes(StandardCharsets.UTF_8)),
                      bearer(READER))
                  .next(),
          FlightStatusCode.UNAUTHORIZED);
      refused(
          () -> put(client, upload(allocator, false), "nowhere", admin),
          FlightStatusCode.NOT_FOUND);
      refused(
          () -> put(client, upload(allocator, true), "canary_src", admin),
          FlightStatusCode.INVALID_ARGUMENT);
      refused(
          () -> put(client, caseTwins(allocator), "canary_src", admin),
          FlightStatusCode.INVALID_ARGUMENT);
      // ids the dataset does not hold: answered, and nothing is written
      String none =
          new String(
              client
                  .doAction(
                      new Action(
                          "delete-files",
                          "{\"dataset\":\"canary_src\",\"fileIds\":[\"no-such-file\"]}"
                              .getBytes(StandardCharsets.UTF_8)),
                      auth)
                  .next()
                  .getBody(),
              StandardCharsets.UTF_8);
      assertThat(none).contains("\"removedFileIds\":0");
      assertThat(version(client)).as("no refused Flight call wrote a version").isEqualTo(version);
    }
  }

  private FlightClient client(RootAllocator allocator) {
    return FlightClient.builder(allocator, new Location(URI.create(executor.flightUri()))).build();
  }

  private static CallOption bearer(String token) {
    return new CredentialCallOption(new BearerCredentialWriter(token));
  }

  private long version(FlightClient client) {
    var info = client.getInfo(FlightDescriptor.path("canary_src"), bearer(admin));
    return RelspecJson.read(
            new String(info.getAppMetadata(), StandardCharsets.UTF_8), JsonNode.class)
        .path("version")
        .asLong();
  }

  @FunctionalInterface
  private interface FlightCall {
    void run() throws Exception;
  }

  private static FlightRuntimeException refused(FlightCall call, FlightStatusCode code) {
    FlightRuntimeException[] caught = new FlightRuntimeException[1];
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            FlightRuntimeException.class,
            e -> {
              assertThat(e.status().code()).as(e.getMessage()).isEqualTo(code);
              caught[0] = e;
            });
    return caught[0];
  }

  private static void drain(FlightStream stream) {
    try (stream) {
      while (stream.next()) {
        // read it all
      }
    } catch (Exception e) {
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e);
    }
  }

  /** Three rows of canary_src; with {@code nullId} the second has no id, which is not nullable. */
  private static VectorSchemaRoot upload(RootAllocator allocator, boolean nullId) {
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("file_id", ArrowType.Utf8.INSTANCE),
                Field.nullable("id", new ArrowType.Int(64, true))));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    for (int i = 0; i < 3; i++) {
      ((VarCharVector) root.getVector("file_id"))
          .setSafe(i, ("f" + i).getBytes(StandardCharsets.UTF_8));
      if (nullId && i == 1) {
        ((BigIntVector) root.getVector("id")).setNull(i);
      } else {
        ((BigIntVector) root.getVector("id")).setSafe(i, i + 1);
      }
    }
    root.setRowCount(3);
    return root;
  }

  /** An upload whose columns id and ID differ only in case. */
  private static VectorSchemaRoot caseTwins(RootAllocator allocator) {
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("file_id", ArrowType.Utf8.INSTANCE),
                Field.nullable("id", new ArrowType.Int(64, true)),
                Field.nullable("ID", new ArrowType.Int(64, true))));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    root.setRowCount(0);
    return root;
  }

  private static void put(FlightClient client, VectorSchemaRoot rows, String dataset, String token)
      throws Exception {
    try (VectorSchemaRoot root = rows) {
      SyncPutListener listener = new SyncPutListener();
      FlightClient.ClientStreamListener stream =
          client.startPut(FlightDescriptor.path(dataset), root, listener, bearer(token));
      stream.putNext();
      stream.completed();
      stream.getResult();
      listener.read().close();
    }
  }
}
