package io.relspec.catalog;

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
}
