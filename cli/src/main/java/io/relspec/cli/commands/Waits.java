package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.api.ApiClient;
import io.relspec.cli.api.ProblemException;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for the services to catch up with a change the CLI just made: the compiler with a pushed
 * bundle, the scheduler with an uploaded source version. Without it, a run started right after
 * would plan against the previous catalog or data.
 */
final class Waits {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
  private static final long POLL_MILLIS = 200;

  /**
   * Waits until the latest plan catalog is compiled from {@code snapshotId} and the scheduler plans
   * with it (it loads each catalog when it hears PlanCatalogCompiled); returns the catalog.
   */
  static JsonNode compiled(ApiClient api, String snapshotId, Duration timeout) {
    JsonNode catalog = compiledOnly(api, snapshotId, timeout);
    String catalogId = catalog.path("id").asText();
    until(
        () -> unlessNothingCompiled(api, "api/v1/graph/generations"),
        generations ->
            generations != null && catalogId.equals(generations.path("planCatalogId").asText()),
        timeout,
        "the scheduler to load plan catalog " + catalogId);
    return catalog;
  }

  private static JsonNode compiledOnly(ApiClient api, String snapshotId, Duration timeout) {
    return until(
        () -> unlessNothingCompiled(api, "api/v1/plan-catalogs/latest"),
        catalog -> catalog != null && snapshotId.equals(catalog.path("snapshotId").asText()),
        timeout,
        "the compiler to compile snapshot " + snapshotId);
  }

  /** The answer, or null while the service has no plan catalog yet (nothing compiled so far). */
  private static JsonNode unlessNothingCompiled(ApiClient api, String path) {
    try {
      return api.get(path);
    } catch (ProblemException e) {
      if (e.code().startsWith("NO_PLAN_CATALOG") || e.status() == 404 || e.status() == 503) {
        return null;
      }
      throw e;
    }
  }

  /** Waits until the scheduler has recorded version {@code version} (or newer) of a source. */
  static void sourceVersion(ApiClient api, String dataset, long version, Duration timeout) {
    until(
        () -> api.get("api/v1/source-versions"),
        versions -> {
          for (JsonNode source : versions) {
            if (dataset.equals(source.path("dataset").asText())
                && source.path("version").asLong() >= version) {
              return true;
            }
          }
          return false;
        },
        timeout,
        "the scheduler to record version " + version + " of " + dataset);
  }

  private static <T> T until(Supplier<T> poll, Predicate<T> done, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = poll.get();
      if (done.test(value)) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "gave up after " + timeout.toSeconds() + " s waiting for " + what);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  private Waits() {}
}
