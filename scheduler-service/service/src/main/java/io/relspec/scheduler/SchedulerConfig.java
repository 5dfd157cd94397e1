package io.relspec.scheduler;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;

/** Scheduler service settings. */
@ConfigMapping(prefix = "relspec.scheduler")
public interface SchedulerConfig {
  /** Base URL of the compiler service, where plan catalogs are fetched by id. */
  URI compilerUrl();

  @WithDefault("30s")
  Duration compilerTimeout();

  /** Attempts per task before a retryable failure becomes final. */
  @WithDefault("3")
  int maxAttempts();

  /** Deadline given to an executor for one task attempt. */
  @WithDefault("1h")
  Duration taskTimeout();

  @WithDefault("1s")
  Duration outboxPollInterval();

  @WithDefault("10s")
  Duration publishConfirmTimeout();
}
