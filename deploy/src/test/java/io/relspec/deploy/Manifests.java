package io.relspec.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** One rendered overlay, indexed by kind and name. */
record Manifests(String overlay, List<JsonNode> objects) {
  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  Optional<JsonNode> find(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
  }

  JsonNode get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " named " + name));
  }

  /** Deployments and StatefulSets. */
  List<JsonNode> workloads() {
    List<JsonNode> workloads = new ArrayList<>(ofKind("Deployment"));
    workloads.addAll(ofKind("StatefulSet"));
    return workloads;
  }

  /** The workload of a Relspec service (a StatefulSet for executors, else a Deployment). */
  JsonNode workload(String service) {
    return get(service.equals("executor") ? "StatefulSet" : "Deployment", "relspec-" + service);
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  static JsonNode podSpec(JsonNode workload) {
    return workload.path("spec").path("template").path("spec");
  }

  static Map<String, String> podLabels(JsonNode workload) {
    return strings(workload.path("spec").path("template").path("metadata").path("labels"));
  }

  static List<JsonNode> containers(JsonNode workload) {
    return list(podSpec(workload).path("containers"));
  }

  static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  static Map<String, String> strings(JsonNode object) {
    Map<String, String> result = new LinkedHashMap<>();
    object
        .fields()
        .forEachRemaining(field -> result.put(field.getKey(), field.getValue().asText()));
    return result;
  }

  /** Whether a label selector (matchLabels only, as these manifests use) selects the labels. */
  static boolean selects(JsonNode matchLabels, Map<String, String> labels) {
    Map<String, String> wanted = strings(matchLabels);
    return !wanted.isEmpty()
        && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** A container's environment variable with a literal value. */
  static Optional<String> env(JsonNode container, String name) {
    return list(container.path("env")).stream()
        .filter(e -> name.equals(e.path("name").asText()) && e.has("value"))
        .map(e -> e.path("value").asText())
        .findFirst();
  }

  static Optional<JsonNode> port(JsonNode container, String name) {
    return list(container.path("ports")).stream()
        .filter(p -> name.equals(p.path("name").asText()))
        .findFirst();
  }
}
