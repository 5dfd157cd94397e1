package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.executor.ExecutorNode;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenLineage from standalone on the shop bundle: static lineage at push, run and task-run events
 * with column lineage, every event valid against the spec's JSON Schema, the events of the run
 * pinned by a golden file, and the HTTP forwarder (an endpoint standing in for Marquez that refuses
 * everything for a while) losing nothing and holding up no run.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDataDirectory.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MarquezStandIn.class, restrictToAnnotatedClass = true)
class OpenLineageTest {
  private static final Path EVENTS =
      FreshDataDirectory.DATA.resolve("lineage").resolve("openlineage.jsonl");
  private static final Path GOLDEN =
      Path.of("src/test/resources/openlineage/shop-run.golden.jsonl");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject ExecutorNode executor;

  @TempDir Path work;

  @Test
  void aRunOfTheShopBundleEmitsValidLineageAndTheForwarderLosesNothing() throws Exception {
    StandaloneHarness harness = new StandaloneHarness(executor.flightUri());
    MarquezStandIn.failing.set(true);
    harness.cli("bundle", "push", Path.of("..", "examples", "bundles", "shop").toString());
    Files.writeString(
        work.resolve("customers.csv"), "file_id,customer_id,country\nf1,1,DE\nf1,2,FR\nf2,3,DE\n");
    Files.writeString(
        work.resolve("orders.csv"),
        """
        file_id,order_id,customer_id,amount,ordered_at
        f1,10,1,150.00,2026-01-02T10:00:00Z
        f1,11,2,99.00,2026-01-02T11:00:00Z
        f2,12,3,420.50,2026-01-03T09:30:00Z
        """);
    harness.cli("data", "put", "--dir", work.toString());
    String run = harness.cli("run", "--full", "--wait");
    assertThat(run).contains("SUCCEEDED");
    // The run finished while the lineage endpoint refused every event: it waited for none.
    assertThat(MarquezStandIn.accepted()).isEmpty();
    await().atMost(Duration.ofSeconds(30)).until(() -> MarquezStandIn.refused.get() > 0);

    List<JsonNode> events = awaitRunComplete();
    OpenLineageSchemas schemas =
        new OpenLineageSchemas(
            Path.of("src/test/resources/openlineage/spec"), Path.of("..", "docs", "openlineage"));
    for (JsonNode event : events) {
      assertThat(schemas.problems(event)).as(event.toString()).isEmpty();
      assertColumnLineageNamesOnlyFieldsInSchemas(event);
    }
    // The validator is not a formality: a run id that is no UUID, a missing producer and a facet
    // without its required field are each reported.
    ObjectNode broken = events.get(events.size() - 1).deepCopy();
    broken.remove("producer");
    ((ObjectNode) broken.path("run")).put("runId", "not-a-uuid");
    ((ObjectNode) broken.path("run").path("facets").path("relspec")).remove("_producer");
    assertThat(String.join("\n", schemas.problems(broken)))
        .contains("producer", "runId", "relspec");

    // Static lineage at push: one JobEvent per task, one DatasetEvent per source.
    Map<String, Integer> jobs = new TreeMap<>();
    Set<String> sources = new TreeSet<>();
    List<JsonNode> runEvents = new ArrayList<>();
    for (JsonNode event : events) {
      String schema = event.path("schemaURL").asText();
      if (schema.endsWith("JobEvent")) {
        jobs.merge(event.path("job").path("name").asText(), 1, Integer::sum);
      } else if (schema.endsWith("DatasetEvent")) {
        sources.add(event.path("dataset").path("name").asText());
      } else {
        runEvents.add(event);
      }
    }
    assertThat(jobs)
        .isEqualTo(
            Map.of(
                "shop.big_orders",
                1,
                "shop.revenue_by_country",
                1,
                "shop.orders__latest_by_key",
                1));
    assertThat(sources).containsExactly("customers", "orders");

    // The parent run first and last; one START and one terminal event per task run.
    assertThat(runEvents.get(0).path("job").path("name").asText()).isEqualTo("relspec.run");
    assertThat(runEvents.get(0).path("eventType").asText()).isEqualTo("START");
    JsonNode last = runEvents.get(runEvents.size() - 1);
    assertThat(last.path("job").path("name").asText()).isEqualTo("relspec.run");
    assertThat(last.path("eventType").asText()).isEqualTo("COMPLETE");
    Map<String, List<String>> byTaskRun = new LinkedHashMap<>();
    for (JsonNode event : runEvents.subList(1, runEvents.size() - 1)) {
      assertThat(event.path("run").path("facets").path("parent").path("run").path("runId").asText())
          .isEqualTo(runEvents.get(0).path("run").path("runId").asText());
      byTaskRun
          .computeIfAbsent(event.path("job").path("name").asText(), k -> new ArrayList<>())
          .add(event.path("eventType").asText());
    }
    assertThat(byTaskRun)
        .isEqualTo(
            Map.of(
                "shop.big_orders",
                List.of("START", "COMPLETE"),
                "shop.revenue_by_country",
                List.of("START", "COMPLETE")));
    JsonNode bigOrders =
        runEvents.stream()
            .filter(e -> e.path("job").path("name").asText().equals("shop.big_orders"))
            .filter(e -> e.path("eventType").asText().equals("COMPLETE"))
            .findFirst()
            .orElseThrow();
    JsonNode output = bigOrders.path("outputs").get(0);
    assertThat(output.path("outputFacets").path("outputStatistics").path("rowCount").asLong())
        .isEqualTo(2);
    JsonNode country = output.path("facets").path("columnLineage").path("fields").path("country");
    assertThat(country.path("inputFields").get(0).path("name").asText()).isEqualTo("customers");
    assertThat(
            country
                .path("inputFields")
                .get(0)
                .path("transformations")
                .get(0)
                .path("subtype")
                .asText())
        .isEqualTo("IDENTITY");
    assertThat(output.path("facets").path("columnLineage").path("dataset").toString())
        .contains("JOIN", "FILTER");

    assertGolden(events);

    // The endpoint recovers: every event arrives, in order, none lost and none twice.
    MarquezStandIn.failing.set(false);
    List<String> lines = Files.readAllLines(EVENTS);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> MarquezStandIn.accepted().size() >= lines.size());
    List<JsonNode> forwarded = new ArrayList<>();
    for (String body : MarquezStandIn.accepted()) {
      forwarded.add(JSON.readTree(body));
    }
    assertThat(forwarded).isEqualTo(events);
  }

  /** Reads the JSON lines until the parent run's COMPLETE has been written. */
  private static List<JsonNode> awaitRunComplete() throws IOException {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Files.exists(EVENTS)
                    && Files.readString(EVENTS).contains("\"eventType\":\"COMPLETE\"")
                    && Files.readAllLines(EVENTS).stream()
                        .anyMatch(
                            line ->
                                line.contains("\"name\":\"relspec.run\"")
                                    && line.contains("\"eventType\":\"COMPLETE\"")));
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(EVENTS)) {
      events.add(JSON.readTree(line));
    }
    return events;
  }

  /** Marquez drops a lineage field its dataset's schema facet lacks (marquez#2998). */
  private static void assertColumnLineageNamesOnlyFieldsInSchemas(JsonNode event) {
    Map<String, Set<String>> schemaFields = new HashMap<>();
    for (String side : List.of("inputs", "outputs")) {
      for (JsonNode dataset : event.path(side)) {
        Set<String> fields = new TreeSet<>();
        dataset
            .path("facets")
            .path("schema")
            .path("fields")
            .forEach(f -> fields.add(f.path("name").asText()));
        schemaFields.put(dataset.path("name").asText(), fields);
      }
    }
    for (JsonNode dataset : event.path("outputs")) {
      JsonNode lineage = dataset.path("facets").path("columnLineage");
      List<JsonNode> named = new ArrayList<>();
      lineage.path("fields").forEach(column -> column.path("inputFields").forEach(named::add));
      lineage.path("dataset").forEach(named::add);
      for (JsonNode field : named) {
        assertThat(schemaFields.getOrDefault(field.path("name").asText(), Set.of()))
            .as("%s in the schema facet of %s", field.path("field"), field.path("name"))
            .contains(field.path("field").asText());
      }
    }
  }

  /** The events with times and generated ids replaced by stable placeholders, against a file. */
  private static void assertGolden(List<JsonNode> events) throws IOException {
    Map<String, String> ids = new HashMap<>();
    Pattern uuid = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    List<String> normalized = new ArrayList<>();
    for (JsonNode event : events) {
      ObjectNode copy = event.deepCopy();
      copy.put("eventTime", "<time>");
      String text = copy.toString();
      text =
          text.replaceAll("\"planCatalogId\":\"[^\"]*\"", "\"planCatalogId\":\"<plan-catalog>\"");
      Matcher matcher = uuid.matcher(text);
      StringBuilder replaced = new StringBuilder();
      while (matcher.find()) {
        String id = ids.computeIfAbsent(matcher.group(), k -> "<id-" + (ids.size() + 1) + ">");
        matcher.appendReplacement(replaced, Matcher.quoteReplacement(id));
      }
      matcher.appendTail(replaced);
      normalized.add(replaced.toString());
    }
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.write(GOLDEN, normalized);
    }
    assertThat(normalized)
        .as("events differ from %s; rerun with -Dgolden.update=true to accept", GOLDEN)
        .containsExactlyElementsOf(Files.readAllLines(GOLDEN));
  }
}
