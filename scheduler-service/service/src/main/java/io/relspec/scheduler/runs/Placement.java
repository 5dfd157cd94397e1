package io.relspec.scheduler.runs;

import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.model.DatasetName;
import io.relspec.scheduler.SchedulerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Where an attempt runs. The scheduler knows where every version lives (sources from the executor
 * that ingested them, task outputs from the executor that wrote them) and how large it is; an
 * attempt goes to the executor holding the most bytes of its inputs (the versions it reads, and the
 * output an upsert builds on), through that executor's own queue, so the bytes do not cross over
 * Flight. An executor with {@code placement.saturation} attempts dispatched to it or running on it
 * already is passed over when what it holds of the attempt's inputs is at most {@code
 * placement.max-fetch-bytes} and another executor heard from within the heartbeat lease ({@link
 * LiveExecutors}) has a free slot (fewer attempts than the slots it advertised, or than the
 * saturation bound when it has not said): the attempt goes to the shared queue, where the first
 * free executor takes it and fetches. When every executor is as busy, it waits for its holder:
 * moving it then would add a fetch to the same wait (measured: 16.3 ms per trivial task distributed
 * against 13.5 ms when never passing over). A larger input is waited for rather than moved
 * (fetching TPC-H SF 1's lineitem took 20–30 s on the bench machine, while a slot frees in
 * seconds). Ties go to the executor whose id sorts first, so the choice is the same on every run.
 * The decision and its reason are recorded on the task run ({@code relspec run show}).
 */
final class Placement {
  /** The executor an attempt is placed on (null: the shared queue) and why, for the task run. */
  record Decision(String executorId, String reason) {
    static final Decision SHARED = new Decision(null, null);
  }

  private final SchedulerConfig.PlacementConfig config;
  private final LiveExecutors live;

  Placement(SchedulerConfig.PlacementConfig config, LiveExecutors live) {
    this.config = config;
    this.live = live;
  }

  Decision place(Connection connection, List<InputLocation> inputs, InputLocation previousOutput)
      throws SQLException {
    if (!config.enabled()) {
      return Decision.SHARED;
    }
    List<InputLocation> read = new ArrayList<>(inputs);
    if (previousOutput != null) {
      read.add(previousOutput);
    }
    Map<String, Long> held = new TreeMap<>();
    long total = 0;
    for (InputLocation input : read) {
      long bytes = Math.max(1, bytesOf(connection, input.dataset()));
      total += bytes;
      if (input.executorId() != null) {
        held.merge(input.executorId(), bytes, Long::sum);
      }
    }
    if (held.isEmpty()) {
      return new Decision(
          null, read.isEmpty() ? "reads no stored input" : "no executor holds its inputs");
    }
    return decide(held, total, executor -> load(connection, executor));
  }

  /** Attempts placed on or running on an executor now. */
  @FunctionalInterface
  interface Loads {
    long of(String executorId) throws SQLException;
  }

  /**
   * The decision for an attempt whose input bytes are {@code held} per executor (not empty) out of
   * {@code total}.
   */
  Decision decide(Map<String, Long> bytesHeld, long total, Loads loads) throws SQLException {
    Map<String, Long> held = new TreeMap<>(bytesHeld); // ties go to the first id
    String best = null;
    for (Map.Entry<String, Long> candidate : held.entrySet()) {
      if (best == null || candidate.getValue() > held.get(best)) {
        best = candidate.getKey();
      }
    }
    String share =
        best
            + " holds "
            + size(held.get(best))
            + " of the "
            + size(total)
            + " its inputs take ("
            + Math.round(100.0 * held.get(best) / total)
            + "%)";
    long load = loads.of(best);
    if (load < config.saturation()) {
      return new Decision(best, share);
    }
    // Saturated. Whoever takes it instead fetches at least what the holder holds: worth it only
    // when that is small and another executor has a free slot now; otherwise the attempt waits for
    // the holder (a fetch while every executor is busy only adds the fetch to the wait).
    String busy =
        "; it has " + load + " attempts placed or running (saturation " + config.saturation() + ")";
    if (held.get(best) > config.maxFetchBytes()) {
      return new Decision(
          best,
          share
              + busy
              + ", but moving it would fetch "
              + size(held.get(best))
              + " (max-fetch-bytes "
              + size(config.maxFetchBytes())
              + "): placed there anyway");
    }
    for (Map.Entry<String, OptionalInt> other : live.others(best).entrySet()) {
      // An executor that advertised its slots has room below them; one known only from its
      // messages, below the saturation bound.
      int room = other.getValue().orElse(config.saturation());
      long otherLoad = loads.of(other.getKey());
      if (otherLoad < room) {
        return new Decision(
            null,
            share
                + busy
                + "; "
                + other.getKey()
                + " has "
                + otherLoad
                + (other.getValue().isPresent() ? " of " + room + " slots" : "")
                + ": any executor, fetching "
                + size(held.get(best)));
      }
    }
    return new Decision(
        best, share + busy + ", and no other live executor has a free slot: placed there anyway");
  }

  /** The size recorded for a dataset's current version: a task output's, else a source's; 0. */
  private static long bytesOf(Connection connection, DatasetName dataset) throws SQLException {
    for (String table : List.of("scheduler_materialization", "scheduler_source_version")) {
      try (PreparedStatement select =
          connection.prepareStatement("SELECT byte_count FROM " + table + " WHERE dataset = ?")) {
        select.setString(1, dataset.value());
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            return rows.getLong(1);
          }
        }
      }
    }
    return 0;
  }

  /** Attempts placed on the executor and not finished, or running there after the shared queue. */
  private static long load(Connection connection, String executorId) throws SQLException {
    long count = 0;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT COUNT(*) FROM scheduler_task_run WHERE state = ?"
                + " AND (placed_on = ? OR executor_id = ?)")) {
      for (TaskRunState state : List.of(TaskRunState.DISPATCHED, TaskRunState.RUNNING)) {
        select.setString(1, state.name());
        select.setString(2, executorId);
        select.setString(3, executorId);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          count += rows.getLong(1);
        }
      }
    }
    return count;
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
