package io.relspec.catalog;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Catalog service settings. */
@ConfigMapping(prefix = "relspec.catalog")
public interface CatalogConfig {
  /** How often the outbox relay retries messages the broker has not confirmed. */
  @WithDefault("1s")
  Duration outboxPollInterval();

  /** How long to wait for a publisher confirm before retrying. */
  @WithDefault("10s")
  Duration publishConfirmTimeout();

  /** Largest JSON request body (PUT and POST /bundles); larger gets 413. */
  @WithDefault("4M")
  MemorySize maxRequestSize();

  /** Limits on POST /bundles/archive. */
  Archive archive();

  interface Archive {
    /** Largest archive upload; larger gets 413. */
    @WithDefault("16M")
    MemorySize maxSize();

    /** Most files an archive may hold. */
    @WithDefault("5000")
    int maxEntries();

    /** Largest single file once expanded. */
    @WithDefault("1M")
    MemorySize maxEntrySize();

    /** Most bytes all files may expand to together. */
    @WithDefault("64M")
    MemorySize maxExpandedSize();
  }
}
