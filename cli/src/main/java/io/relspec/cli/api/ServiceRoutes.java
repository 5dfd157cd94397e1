package io.relspec.cli.api;

import java.net.URI;
import java.util.Set;

/**
 * Which service answers an {@code /api/v1} path. Standalone (or an ingress routing by path) serves
 * every path from one base URL; the distributed suite run as bare processes has one URL per
 * service, and each override here takes the paths of its service.
 */
public record ServiceRoutes(URI base, URI catalog, URI compiler, URI scheduler) {
  private static final Set<String> CATALOG =
      Set.of("datasets", "tasks", "functions", "templates", "bundles", "snapshots", "coverage");
  private static final Set<String> COMPILER = Set.of("plan-catalogs", "lineage", "compile");
  private static final Set<String> SCHEDULER =
      Set.of("runs", "graph", "impact", "provenance", "validation", "source-versions", "locations");

  public static ServiceRoutes single(URI base) {
    return new ServiceRoutes(base, null, null, null);
  }

  /** The base URL for a path such as {@code api/v1/runs/x}. */
  public URI baseFor(String path) {
    String rest = path.startsWith("/") ? path.substring(1) : path;
    if (!rest.startsWith("api/v1/")) {
      return base;
    }
    rest = rest.substring("api/v1/".length());
    int end = indexOfAny(rest);
    String first = end < 0 ? rest : rest.substring(0, end);
    if (rest.startsWith("validation/catalog")) {
      return or(catalog);
    }
    if (CATALOG.contains(first)) {
      return or(catalog);
    }
    if (COMPILER.contains(first)) {
      return or(compiler);
    }
    if (SCHEDULER.contains(first)) {
      return or(scheduler);
    }
    return base;
  }

  private URI or(URI override) {
    return override != null ? override : base;
  }

  private static int indexOfAny(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '/' || c == '?') {
        return i;
      }
    }
    return -1;
  }
}
