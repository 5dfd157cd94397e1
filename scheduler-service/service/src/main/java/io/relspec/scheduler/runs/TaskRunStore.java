package io.relspec.scheduler.runs;

import static io.relspec.scheduler.runs.StoreValues.getLong;
import static io.relspec.scheduler.runs.StoreValues.setLong;
import static io.relspec.scheduler.runs.StoreValues.truncate;
import static io.relspec.scheduler.runs.StoreValues.versions;

import io.relspec.contracts.api.runs.SelectionReason;
import io.relspec.contracts.api.runs.TaskAction;
import io.relspec.contracts.api.runs.TaskAttemptState;
import io.relspec.contracts.api.runs.TaskRunDefinition;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * JDBC access to the task runs of a run: their state and attempts, the file ids a scoped task runs
 * for, the input versions it read, and the progress the dispatcher reads; runs inside the caller's
 * transaction.
 *
 * <p>Over 400 lines on purpose: the SQL of one table and its two satellites (file ids, input
 * versions), each statement next to the reader of its rows.
 */
final class TaskRunStore {
  void insertTaskRun(Connection connection, String runId, TaskRunStatus task, Instant now)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO scheduler_task_run (run_id, task, output, fingerprint, priority, action, reason, state, attempt, updated_at,"
                + " kind, error_code, error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, runId);
      insert.setString(2, task.task().value());
      insert.setString(3, task.output().value());
      insert.setString(4, task.fingerprint().value());
      insert.setInt(5, task.priority());
      insert.setString(6, task.action().name());
      insert.setString(7, task.reason().name());
      insert.setString(8, task.state().name());
      insert.setInt(9, task.attempt());
      insert.setTimestamp(10, Timestamp.from(now));
      insert.setString(11, task.kind());
      insert.setString(12, task.errorCode());
      insert.setString(13, truncate(task.error()));
      insert.executeUpdate();
    }
  }

  void insertFileIds(Connection connection, String runId, TaskName task, List<String> fileIds)
      throws SQLException {
    if (fileIds.isEmpty()) {
      return;
    }
    insertFileIds(connection, "scheduler_task_run_file", runId, task, fileIds);
  }

  /** Inserts one row per file id of a task run into {@code table}, in batches of 1,000. */
  static void insertFileIds(
      Connection connection, String table, String runId, TaskName task, List<String> fileIds)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO " + table + " (run_id, task, file_id) VALUES (?, ?, ?)")) {
      int batched = 0;
      for (String fileId : fileIds) {
        insert.setString(1, runId);
        insert.setString(2, task.value());
        insert.setString(3, fileId);
        insert.addBatch();
        if (++batched % 1000 == 0) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
  }

  List<String> fileIds(Connection connection, String runId, TaskName task) throws SQLException {
    List<String> result = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT file_id FROM scheduler_task_run_file WHERE run_id = ? AND task = ? ORDER BY file_id")) {
      select.setString(1, runId);
      select.setString(2, task.value());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          result.add(rows.getString(1));
        }
      }
    }
    return result;
  }

  /** Records an attempt handed to the work queue, with the input versions it was given. */
  void markDispatched(
      Connection connection,
      String runId,
      TaskName task,
      int attempt,
      Map<DatasetName, Long> inputVersions,
      Placement.Decision placement,
      Instant now)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_task_run SET state = 'DISPATCHED', attempt = ?, executor_id = NULL, dispatched_at = ?,"
                + " heartbeat_at = NULL, not_before = NULL, input_versions = ?, updated_at = ?, placed_on = ?,"
                + " placement = ? WHERE run_id = ? AND task = ?")) {
      update.setInt(1, attempt);
      update.setTimestamp(2, Timestamp.from(now));
      update.setString(3, RelspecJson.write(new TreeMap<>(inputVersions)));
      update.setTimestamp(4, Timestamp.from(now));
      update.setString(5, placement.executorId());
      update.setString(6, truncate(placement.reason()));
      update.setString(7, runId);
      update.setString(8, task.value());
      update.executeUpdate();
    }
  }

  /** A heartbeat of the current attempt: it is running, and its lease is renewed. */
  boolean markHeartbeat(
      Connection connection,
      String runId,
      TaskName task,
      int attempt,
      String executorId,
      Instant now)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_task_run SET state = 'RUNNING', executor_id = ?, heartbeat_at = ?, updated_at = ?"
                + " WHERE run_id = ? AND task = ? AND attempt = ? AND state IN ('DISPATCHED', 'RUNNING')")) {
      update.setString(1, executorId);
      update.setTimestamp(2, Timestamp.from(now));
      update.setTimestamp(3, Timestamp.from(now));
      update.setString(4, runId);
      update.setString(5, task.value());
      update.setInt(6, attempt);
      return update.executeUpdate() > 0;
    }
  }

  void scheduleRetry(Connection connection, String runId, TaskName task, Instant notBefore)
      throws SQLException {
    updateTask(connection, "not_before = ?", notBefore, runId, task);
  }

  /**
   * Since when a task has been waiting for an unreachable source input; records {@code now} when it
   * was not waiting yet.
   */
  Instant waitingForInputsSince(Connection connection, String runId, TaskName task, Instant now)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT input_wait_since FROM scheduler_task_run WHERE run_id = ? AND task = ?")) {
      select.setString(1, runId);
      select.setString(2, task.value());
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next() && rows.getTimestamp(1) != null) {
          return rows.getTimestamp(1).toInstant();
        }
      }
    }
    updateTask(connection, "input_wait_since = ?", now, runId, task);
    return now;
  }

  /** Forgets a task's file ids: it re-runs whole (a rebuild of an output that was lost). */
  void clearFileIds(Connection connection, String runId, TaskName task) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM scheduler_task_run_file WHERE run_id = ? AND task = ?")) {
      delete.setString(1, runId);
      delete.setString(2, task.value());
      delete.executeUpdate();
    }
  }

  /** Sets {@code assignments} (with one timestamp parameter, {@code at}) on one task of a run. */
  private static void updateTask(
      Connection connection, String assignments, Instant at, String runId, TaskName task)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_task_run SET " + assignments + " WHERE run_id = ? AND task = ?")) {
      update.setTimestamp(1, Timestamp.from(at));
      update.setString(2, runId);
      update.setString(3, task.value());
      update.executeUpdate();
    }
  }

  Map<DatasetName, Long> inputVersions(Connection connection, String runId, TaskName task)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT input_versions FROM scheduler_task_run WHERE run_id = ? AND task = ?")) {
      select.setString(1, runId);
      select.setString(2, task.value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? versions(rows.getString(1)) : Map.of();
      }
    }
  }

  /** An attempt whose lease ran out: no heartbeat for too long, or never picked up. */
  record ExpiredAttempt(
      String runId, TaskName task, int attempt, String executorId, boolean started) {}

  List<ExpiredAttempt> expiredAttempts(
      Connection connection, Instant dispatchedBefore, Instant heartbeatBefore)
      throws SQLException {
    List<ExpiredAttempt> result = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT run_id, task, attempt, executor_id, state FROM scheduler_task_run"
                + " WHERE (state = 'DISPATCHED' AND dispatched_at < ?) OR (state = 'RUNNING' AND heartbeat_at < ?)"
                + " ORDER BY run_id, task")) {
      select.setTimestamp(1, Timestamp.from(dispatchedBefore));
      select.setTimestamp(2, Timestamp.from(heartbeatBefore));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          result.add(
              new ExpiredAttempt(
                  rows.getString(1),
                  TaskName.of(rows.getString(2)),
                  rows.getInt(3),
                  rows.getString(4),
                  "RUNNING".equals(rows.getString(5))));
        }
      }
    }
    return result;
  }

  /** Runs with a retry whose backoff has passed. */
  List<String> runsWithDueRetries(Connection connection, Instant now) throws SQLException {
    List<String> result = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT DISTINCT run_id FROM scheduler_task_run WHERE state = 'PENDING' AND not_before IS NOT NULL"
                + " AND not_before <= ? ORDER BY run_id")) {
      select.setTimestamp(1, Timestamp.from(now));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          result.add(rows.getString(1));
        }
      }
    }
    return result;
  }

  /** Durations of the newest successful attempt of each task, for the critical path. */
  Map<TaskName, Long> lastDurations(Connection connection) throws SQLException {
    Map<TaskName, Long> result = new HashMap<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT task, duration_ms FROM scheduler_task_run WHERE state = 'SUCCEEDED' AND duration_ms IS NOT NULL"
                    + " ORDER BY updated_at");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        result.put(TaskName.of(rows.getString(1)), rows.getLong(2));
      }
    }
    return result;
  }

  void updateTaskRun(Connection connection, String runId, TaskRunStatus task, Instant now)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_task_run SET state = ?, attempt = ?, executor_id = ?, row_count = ?, duration_ms = ?,"
                + " dataset_version = ?, error_code = ?, error_message = ?, updated_at = ? WHERE run_id = ? AND task = ?")) {
      update.setString(1, task.state().name());
      update.setInt(2, task.attempt());
      update.setString(3, task.executorId());
      setLong(update, 4, task.rows());
      setLong(update, 5, task.durationMillis());
      setLong(update, 6, task.datasetVersion());
      update.setString(7, task.errorCode());
      update.setString(8, truncate(task.error()));
      update.setTimestamp(9, Timestamp.from(now));
      update.setString(10, runId);
      update.setString(11, task.task().value());
      update.executeUpdate();
    }
  }

  private static final String TASK_RUN_COLUMNS =
      "SELECT task, output, fingerprint, priority, action, reason, state, attempt, executor_id, row_count, duration_ms,"
          + " dataset_version, error_code, error_message, kind, not_before,"
          + " (SELECT COUNT(*) FROM scheduler_task_run_file f WHERE f.run_id = t.run_id AND f.task = t.task),"
          + " placement"
          + " FROM scheduler_task_run t WHERE run_id = ?";

  List<TaskRunStatus> taskRuns(Connection connection, String runId) throws SQLException {
    List<TaskRunStatus> result = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(TASK_RUN_COLUMNS + " ORDER BY task")) {
      select.setString(1, runId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          result.add(taskRun(rows));
        }
      }
    }
    return result;
  }

  /** One task of a run: a completion reads only its own row, not the run's thousands. */
  Optional<TaskRunStatus> taskRun(Connection connection, String runId, TaskName task)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(TASK_RUN_COLUMNS + " AND task = ?")) {
      select.setString(1, runId);
      select.setString(2, task.value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(taskRun(rows)) : Optional.empty();
      }
    }
  }

  private static TaskRunStatus taskRun(ResultSet rows) throws SQLException {
    return new TaskRunStatus(
        new TaskRunDefinition(
            TaskName.of(rows.getString(1)),
            DatasetName.of(rows.getString(2)),
            rows.getString(15),
            Fingerprint.of(rows.getString(3)),
            rows.getInt(4),
            TaskAction.valueOf(rows.getString(5)),
            SelectionReason.valueOf(rows.getString(6)),
            rows.getInt(17)),
        new TaskAttemptState(
            TaskRunState.valueOf(rows.getString(7)),
            rows.getInt(8),
            rows.getString(9),
            getLong(rows, 10),
            getLong(rows, 11),
            getLong(rows, 12),
            rows.getString(13),
            rows.getString(14),
            rows.getTimestamp(16) == null ? null : rows.getTimestamp(16).toInstant(),
            rows.getString(18)));
  }

  /** What advancing a run needs of each of its tasks: state, priority and retry time. */
  record TaskProgress(TaskName task, TaskRunState state, int priority, Instant retryAt) {}

  /**
   * Every task of a run, reduced to what {@link TaskProgress} holds: the scheduler reads this after
   * each completion, so it skips the fingerprints, messages and file counts of the full rows.
   */
  List<TaskProgress> taskProgress(Connection connection, String runId) throws SQLException {
    List<TaskProgress> result = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT task, state, priority, not_before FROM scheduler_task_run WHERE run_id = ?")) {
      select.setString(1, runId);
      readProgress(select, result);
    }
    return result;
  }

  /**
   * The given tasks of a run (those present), reduced to their {@link TaskProgress}: one
   * primary-key lookup each, as an IN list over the key's second column would scan the whole run.
   */
  List<TaskProgress> taskProgress(Connection connection, String runId, Collection<TaskName> tasks)
      throws SQLException {
    List<TaskProgress> result = new ArrayList<>(tasks.size());
    if (tasks.isEmpty()) {
      return result;
    }
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT task, state, priority, not_before FROM scheduler_task_run WHERE run_id = ? AND task = ?")) {
      for (TaskName task : tasks) {
        select.setString(1, runId);
        select.setString(2, task.value());
        readProgress(select, result);
      }
    }
    return result;
  }

  /** The tasks of a run in one state (through the (run_id, state) index). */
  List<TaskProgress> taskProgress(Connection connection, String runId, TaskRunState state)
      throws SQLException {
    List<TaskProgress> result = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT task, state, priority, not_before FROM scheduler_task_run WHERE run_id = ? AND state = ?")) {
      select.setString(1, runId);
      select.setString(2, state.name());
      readProgress(select, result);
    }
    return result;
  }

  private static void readProgress(PreparedStatement select, List<TaskProgress> into)
      throws SQLException {
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        Timestamp retryAt = rows.getTimestamp(4);
        into.add(
            new TaskProgress(
                TaskName.of(rows.getString(1)),
                TaskRunState.valueOf(rows.getString(2)),
                rows.getInt(3),
                retryAt == null ? null : retryAt.toInstant()));
      }
    }
  }

  /** How many tasks of a run are in any of the given states. */
  long countInStates(Connection connection, String runId, TaskRunState... states)
      throws SQLException {
    long count = 0;
    // One indexed lookup per state: an IN list would not use the (run_id, state) index everywhere.
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT COUNT(*) FROM scheduler_task_run WHERE run_id = ? AND state = ?")) {
      for (TaskRunState state : states) {
        select.setString(1, runId);
        select.setString(2, state.name());
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          count += rows.getLong(1);
        }
      }
    }
    return count;
  }

  /** A pending task whose inputs exist but which waits for a free slot. */
  void markReady(Connection connection, String runId, TaskName task, Instant now)
      throws SQLException {
    updateTask(connection, "state = 'READY', updated_at = ?", now, runId, task);
  }
}
