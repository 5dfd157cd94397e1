package io.relspec.compiler;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;

/** Compiler service settings. */
@ConfigMapping(prefix = "relspec.compiler")
public interface CompilerConfig {
  /** Base URL of the catalog service, where snapshots are fetched by id. */
  URI catalogUrl();

  /** Timeout for calls to the catalog. */
  @WithDefault("30s")
  Duration catalogTimeout();

  /** How many plan catalogs to keep in memory for GET and diffs. */
  @WithDefault("20")
  int retainedPlanCatalogs();

  /** The longest one task's compile may take before it fails with TIMEOUT. */
  @WithDefault("10s")
  Duration compileTimeout();

  /** Compiled queries kept for reuse by later snapshots (one per distinct task and inputs). */
  @WithDefault("20000")
  int cacheSize();

  /** Compile the catalog's latest snapshot at start, so the API answers after a restart. */
  @WithDefault("true")
  boolean compileLatestAtStart();

  /** How long to wait for the broker's confirm of PlanCatalogCompiled. */
  @WithDefault("10s")
  Duration publishConfirmTimeout();
}
