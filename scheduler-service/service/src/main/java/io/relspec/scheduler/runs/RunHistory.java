package io.relspec.scheduler.runs;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.relspec.contracts.api.runs.SelectionReason;
import io.relspec.contracts.api.runs.TaskAction;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskTiming;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.messaging.RunState;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.jdbc.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only questions about past and running runs that the web UI asks: when each task of a run
 * started and ended, one task's history across runs, task states of several runs at once, and a
 * run's original request (to run it again). Nothing here changes state.
 */
@ApplicationScoped
public class RunHistory {
  /** Most runs one grid or last-state question looks at. */
  public static final int MAX_RUNS = 200;

  private final AgroalDataSource dataSource;
  private final RunStore runs = new RunStore();

  public RunHistory(@DataSource("scheduler") AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One run of one task, newest first in {@link #taskHistory}. */
  public record TaskHistoryEntry(
      String runId,
      Instant runCreatedAt,
      RunState runState,
      TaskRunState state,
      SelectionReason reason,
      TaskAction action,
      int attempt,
      int fileCount,
      Long rows,
      Long durationMillis,
      String errorCode,
      String error) {}

  /** Every task of the run with its dispatch and end times; 404 for an unknown run. */
  public List<TaskTiming> timings(String runId) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          if (!new RunStore().runExists(connection, runId)) {
            throw RunQueries.runNotFound(runId);
          }
          List<TaskTiming> result = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT task, state, dispatched_at, updated_at FROM scheduler_task_run"
                      + " WHERE run_id = ? ORDER BY task")) {
            select.setString(1, runId);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                Timestamp dispatched = rows.getTimestamp(3);
                result.add(
                    new TaskTiming(
                        TaskName.of(rows.getString(1)),
                        TaskRunState.valueOf(rows.getString(2)),
                        dispatched == null ? null : dispatched.toInstant(),
                        rows.getTimestamp(4).toInstant()));
              }
            }
          }
          return result;
        });
  }

  /** The task's newest {@code limit} task runs, newest run first. */
  public List<TaskHistoryEntry> taskHistory(TaskName task, int limit) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          List<TaskHistoryEntry> result = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT r.run_id, r.created_at, r.state, t.state, t.reason, t.action, t.attempt,"
                      + " (SELECT COUNT(*) FROM scheduler_task_run_file f WHERE f.run_id = t.run_id AND f.task = t.task),"
                      + " t.row_count, t.duration_ms, t.error_code, t.error_message"
                      + " FROM scheduler_task_run t JOIN scheduler_run r ON r.run_id = t.run_id"
                      + " WHERE t.task = ? ORDER BY r.seq DESC LIMIT "
                      + Math.max(1, Math.min(limit, MAX_RUNS)))) {
            select.setString(1, task.value());
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                result.add(
                    new TaskHistoryEntry(
                        rows.getString(1),
                        rows.getTimestamp(2).toInstant(),
                        RunState.valueOf(rows.getString(3)),
                        TaskRunState.valueOf(rows.getString(4)),
                        SelectionReason.valueOf(rows.getString(5)),
                        TaskAction.valueOf(rows.getString(6)),
                        rows.getInt(7),
                        rows.getInt(8),
                        nullableLong(rows, 9),
                        nullableLong(rows, 10),
                        rows.getString(11),
                        rows.getString(12)));
              }
            }
          }
          return result;
        });
  }

  /** Per run id, the state of each of its tasks (the run grid). */
  public Map<String, Map<TaskName, TaskRunState>> states(List<String> runIds) {
    Map<String, Map<TaskName, TaskRunState>> result = new HashMap<>();
    if (runIds.isEmpty()) {
      return result;
    }
    List<String> ids = runIds.subList(0, Math.min(runIds.size(), MAX_RUNS));
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT run_id, task, state FROM scheduler_task_run WHERE run_id IN ("
                      + marks
                      + ")")) {
            for (int i = 0; i < ids.size(); i++) {
              select.setString(i + 1, ids.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                result
                    .computeIfAbsent(rows.getString(1), id -> new HashMap<>())
                    .put(TaskName.of(rows.getString(2)), TaskRunState.valueOf(rows.getString(3)));
              }
            }
          }
          return result;
        });
  }

  /** Each task's state in the newest of the last {@code runs} runs that included it. */
  public Map<TaskName, TaskRunState> lastStates(int runs) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          Map<TaskName, TaskRunState> result = new HashMap<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT t.task, t.state FROM scheduler_task_run t JOIN"
                      + " (SELECT run_id, seq FROM scheduler_run ORDER BY seq DESC LIMIT "
                      + Math.max(1, Math.min(runs, MAX_RUNS))
                      + ") r ON r.run_id = t.run_id ORDER BY r.seq")) {
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                result.put(TaskName.of(rows.getString(1)), TaskRunState.valueOf(rows.getString(2)));
              }
            }
          }
          return result;
        });
  }

  /** What a run was asked to do, as it was asked. */
  public Optional<RunRequested> request(String runId) {
    return Jdbc.inTransaction(dataSource, connection -> runs.request(connection, runId));
  }

  private static Long nullableLong(ResultSet rows, int index) throws java.sql.SQLException {
    long value = rows.getLong(index);
    return rows.wasNull() ? null : value;
  }
}
