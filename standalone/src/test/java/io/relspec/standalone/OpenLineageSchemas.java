package io.relspec.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Validates OpenLineage events with a real JSON Schema (draft 2020-12) validator against the spec
 * 2-0-2 and its facet schemas (copied into src/test/resources/openlineage/spec), and Relspec's own
 * run facet against docs/openlineage: the event, then every facet against the schema its {@code
 * _schemaURL} names. Format assertions (uri, uuid, date-time) are on.
 */
final class OpenLineageSchemas {
  private final JsonSchemaFactory factory;
  private final SchemaValidatorsConfig config =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  private final Map<String, JsonSchema> schemas = new HashMap<>();

  OpenLineageSchemas(Path spec, Path customFacets) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    Map<String, String> mappings = new HashMap<>();
    try (Stream<Path> files =
        Stream.concat(
            Stream.of(spec.resolve("OpenLineage.json")),
            Stream.concat(Files.list(spec.resolve("facets")), Files.list(customFacets)))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        String id = mapper.readTree(file.toFile()).path("$id").asText();
        mappings.put(id, file.toAbsolutePath().toUri().toString());
      }
    }
    this.factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mappings(mappings)));
  }

  /** Every violation in one event and its facets, as "where: message" lines; empty when valid. */
  List<String> problems(JsonNode event) {
    List<String> problems = new ArrayList<>();
    check(event.path("schemaURL").asText(), event, "event", problems);
    facets(event.path("run").path("facets"), "run", problems);
    facets(event.path("job").path("facets"), "job", problems);
    facets(event.path("dataset").path("facets"), "dataset", problems);
    for (String side : List.of("inputs", "outputs")) {
      for (JsonNode dataset : event.path(side)) {
        String where = side + "/" + dataset.path("name").asText();
        facets(dataset.path("facets"), where, problems);
        facets(dataset.path("inputFacets"), where, problems);
        facets(dataset.path("outputFacets"), where, problems);
      }
    }
    return problems;
  }

  private void facets(JsonNode facets, String where, List<String> problems) {
    facets
        .properties()
        .forEach(
            facet -> {
              String url = facet.getValue().path("_schemaURL").asText("");
              if (url.isEmpty()) {
                problems.add(where + "/" + facet.getKey() + ": no _schemaURL");
              } else {
                check(url, facet.getValue(), where + "/" + facet.getKey(), problems);
              }
            });
  }

  private void check(String url, JsonNode node, String where, List<String> problems) {
    JsonSchema schema =
        schemas.computeIfAbsent(url, u -> factory.getSchema(SchemaLocation.of(u), config));
    for (ValidationMessage message : schema.validate(node)) {
      problems.add(where + ": " + message.getMessage());
    }
  }
}
