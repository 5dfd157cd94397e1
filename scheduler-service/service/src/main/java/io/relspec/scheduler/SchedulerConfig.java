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

  /**
   * Tasks dispatched or running at once across all runs; the rest wait as READY, and a freed slot
   * goes to the first waiting task by priority, then oldest run, then name.
   */
  @WithDefault("16")
  int maxParallelTasks();

  /** Where attempts run: on the executor holding most of their input bytes ({@code Placement}). */
  PlacementConfig placement();

  /** Locality-aware dispatch. */
  interface PlacementConfig {
    /**
     * Place each attempt on the executor holding most of its input bytes (its own queue); false
     * sends every attempt to the shared work queue.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Attempts dispatched to or running on one executor at which it counts as saturated: a task
     * whose inputs live there then goes to the shared queue, and the first free executor takes it
     * and fetches its inputs.
     */
    @WithDefault("4")
    int saturation();

    /**
     * The most bytes of its inputs an attempt may leave behind when its saturated holder is passed
     * over; a larger input is waited for on its holder instead of fetched. Default 128 MiB.
     */
    @WithDefault("134217728")
    long maxFetchBytes();
  }

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
