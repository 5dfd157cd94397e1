package io.relspec.scheduler.runs;

import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.model.TaskName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The global bound on running tasks: at most {@code max-parallel-tasks} task runs are DISPATCHED or
 * RUNNING across all runs, and a freed slot goes to the waiting (READY) task that comes first by
 * priority, then by its run's age (oldest run first), then by name.
 *
 * <p>Every transaction that dispatches takes {@link #lockGate} first, before it locks any run:
 * counting the slots in use and filling them is then one step for all scheduler replicas and
 * threads, and the fixed lock order (gate, then runs) cannot deadlock.
 */
final class DispatchSlots {
  /** A task waiting for a slot, with what orders it among the waiting tasks of every run. */
  record Waiting(
      String runId, TaskName task, int priority, Instant runCreatedAt, String planCatalogId) {}

  /** Priority (lower first), then the oldest run, then name: fair between concurrent runs. */
  static final Comparator<Waiting> ORDER =
      Comparator.comparingInt(Waiting::priority)
          .thenComparing(Waiting::runCreatedAt)
          .thenComparing(Waiting::runId)
          .thenComparing(Waiting::task);

  /** Serializes dispatching: a row lock on the one row of {@code scheduler_dispatch_gate}. */
  void lockGate(Connection connection) throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT id FROM scheduler_dispatch_gate WHERE id = 1 FOR UPDATE");
        ResultSet rows = select.executeQuery()) {
      if (!rows.next()) {
        throw new SQLException(
            "scheduler_dispatch_gate has no row 1; the V109 migration did not run");
      }
    }
  }

  /** Task runs holding a slot: DISPATCHED or RUNNING, in any run. */
  long inUse(Connection connection) throws SQLException {
    long count = 0;
    // One indexed lookup per state through scheduler_task_run_global_state.
    try (PreparedStatement select =
        connection.prepareStatement("SELECT COUNT(*) FROM scheduler_task_run WHERE state = ?")) {
      for (TaskRunState state : List.of(TaskRunState.DISPATCHED, TaskRunState.RUNNING)) {
        select.setString(1, state.name());
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          count += rows.getLong(1);
        }
      }
    }
    return count;
  }

  /** The first {@code limit} READY tasks of running runs, in {@link #ORDER}. */
  List<Waiting> waiting(Connection connection, int limit) throws SQLException {
    List<Waiting> result = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT t.run_id, t.task, t.priority, r.created_at, r.plan_catalog_id"
                + " FROM scheduler_task_run t JOIN scheduler_run r ON r.run_id = t.run_id"
                + " WHERE t.state = 'READY' AND r.state = 'RUNNING'"
                + " ORDER BY t.priority, r.created_at, t.run_id, t.task LIMIT ?")) {
      select.setInt(1, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          result.add(
              new Waiting(
                  rows.getString(1),
                  TaskName.of(rows.getString(2)),
                  rows.getInt(3),
                  rows.getTimestamp(4).toInstant(),
                  rows.getString(5)));
        }
      }
    }
    return result;
  }
}
