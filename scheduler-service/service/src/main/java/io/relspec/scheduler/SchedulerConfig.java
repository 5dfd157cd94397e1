package io.relspec.scheduler;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

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

  /** Tasks of one run dispatched at once; the rest wait as READY. */
  @WithDefault("16")
  int maxParallelTasks();

  /** Delay before the first retry of a retryable failure; doubled for every further attempt. */
  @WithDefault("2s")
  Duration retryBackoff();

  @WithDefault("1m")
  Duration retryBackoffMax();

  /** A running attempt without a heartbeat for this long is taken as lost and re-dispatched. */
  @WithDefault("30s")
  Duration heartbeatLease();

  /** A dispatched attempt no executor started within this long is re-dispatched. */
  @WithDefault("10m")
  Duration dispatchLease();

  /**
   * How long a task waits for an executor holding one of its source inputs to come back (an input
   * that is a task output is rebuilt elsewhere instead); retries in this window do not use up the
   * task's attempts.
   */
  @WithDefault("2m")
  Duration lostInputWait();

  /** How often a standby replica tries to become the active one (PostgreSQL advisory lock). */
  @WithDefault("1s")
  Duration leadershipInterval();

  /** How often leases and due retries are checked. */
  @WithDefault("1s")
  Duration sweepInterval();

  /** Base URL of the catalog service, for its structural checks in GET /api/v1/validation. */
  Optional<URI> catalogUrl();

  @WithDefault("1s")
  Duration outboxPollInterval();

  @WithDefault("10s")
  Duration publishConfirmTimeout();
}
