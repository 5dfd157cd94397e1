package io.relspec.scheduler.runs;

import static io.relspec.scheduler.runs.StoreValues.setLong;

import com.fasterxml.jackson.core.type.TypeReference;
import io.relspec.contracts.api.runs.SelectionReason;
import io.relspec.contracts.api.runs.TaskAction;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.messaging.RelspecJson;
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

/**
 * What each task of a run changed, recorded as its attempt completes and read when its readers are
 * judged for early cutoff: an output equal in content to its previous version, the file ids whose
 * partitions a rewrite changed, the columns it may have changed, and the tasks cut off.
 */
final class RunChanges {
  /**
   * Records which earlier version of its output the task's new version equals in content (null:
   * none known).
   */
  void markContentSameAs(Connection connection, String runId, TaskName task, Long version)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_task_run SET content_same_as = ? WHERE run_id = ? AND task = ?")) {
      setLong(update, 1, version);
      update.setString(2, runId);
      update.setString(3, task.value());
      update.executeUpdate();
    }
  }

  /**
   * Records the file ids whose partitions (values of {@code column}) the task's new version changed
   * against the previous one, as its executor reported them.
   */
  void markChangedPartitions(
      Connection connection, String runId, TaskName task, String column, List<String> fileIds)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_task_run SET changed_partitions_by = ? WHERE run_id = ? AND task = ?")) {
      update.setString(1, column);
      update.setString(2, runId);
      update.setString(3, task.value());
      update.executeUpdate();
    }
    // A task rebuilt again in the same run (its output was lost) reports afresh.
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM scheduler_task_run_changed_file WHERE run_id = ? AND task = ?")) {
      delete.setString(1, runId);
      delete.setString(2, task.value());
      delete.executeUpdate();
    }
    if (column == null) {
      return;
    }
    TaskRunStore.insertFileIds(connection, "scheduler_task_run_changed_file", runId, task, fileIds);
  }

  /** The partitions a task run's new version changed, when its executor reported them. */
  record ChangedPartitions(String column, List<String> fileIds) {}

  Optional<ChangedPartitions> changedPartitions(Connection connection, String runId, TaskName task)
      throws SQLException {
    String column;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT changed_partitions_by FROM scheduler_task_run WHERE run_id = ? AND task = ?")) {
      select.setString(1, runId);
      select.setString(2, task.value());
      try (ResultSet rows = select.executeQuery()) {
        column = rows.next() ? rows.getString(1) : null;
      }
    }
    if (column == null) {
      return Optional.empty();
    }
    List<String> fileIds = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT file_id FROM scheduler_task_run_changed_file WHERE run_id = ? AND task = ?"
                + " ORDER BY file_id")) {
      select.setString(1, runId);
      select.setString(2, task.value());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          fileIds.add(rows.getString(1));
        }
      }
    }
    return Optional.of(new ChangedPartitions(column, fileIds));
  }

  /**
   * Records the output columns the task's new version may have changed against the previous one,
   * with its rows the same (null: unknown, or the rows changed).
   */
  void markChangedColumns(
      Connection connection, String runId, TaskName task, java.util.Set<String> columns)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_task_run SET changed_columns = ? WHERE run_id = ? AND task = ?")) {
      update.setString(
          1, columns == null ? null : RelspecJson.write(new java.util.TreeSet<>(columns)));
      update.setString(2, runId);
      update.setString(3, task.value());
      update.executeUpdate();
    }
  }

  /** For the given tasks of a run whose changed columns are known, those columns. */
  Map<TaskName, java.util.Set<String>> changedColumns(
      Connection connection, String runId, Collection<TaskName> tasks) throws SQLException {
    Map<TaskName, java.util.Set<String>> result = new HashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT changed_columns FROM scheduler_task_run WHERE run_id = ? AND task = ?"
                + " AND changed_columns IS NOT NULL")) {
      for (TaskName task : tasks) {
        select.setString(1, runId);
        select.setString(2, task.value());
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            try {
              result.put(
                  task,
                  java.util.Set.copyOf(
                      RelspecJson.mapper()
                          .readValue(rows.getString(1), new TypeReference<List<String>>() {})));
            } catch (java.io.IOException e) {
              throw new IllegalStateException("unreadable changed columns of " + task, e);
            }
          }
        }
      }
    }
    return result;
  }

  /**
   * The earlier version each given task's new output equals in content, for the tasks of the run
   * that succeeded with an unchanged content.
   */
  Map<TaskName, Long> contentSameAs(Connection connection, String runId, Collection<TaskName> tasks)
      throws SQLException {
    Map<TaskName, Long> result = new HashMap<>();
    if (tasks.isEmpty()) {
      return result;
    }
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT content_same_as FROM scheduler_task_run WHERE run_id = ? AND task = ?"
                + " AND content_same_as IS NOT NULL")) {
      for (TaskName task : tasks) {
        select.setString(1, runId);
        select.setString(2, task.value());
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            result.put(task, rows.getLong(1));
          }
        }
      }
    }
    return result;
  }

  /**
   * A task planned to run because an upstream output was rebuilt, whose rebuilt inputs all came out
   * with the content it was built from: reused, with the reason saying so.
   */
  void markCutOff(
      Connection connection, String runId, TaskName task, SelectionReason reason, Instant now)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_task_run SET state = ?, action = ?, reason = ?, not_before = NULL,"
                + " updated_at = ? WHERE run_id = ? AND task = ?")) {
      update.setString(1, TaskRunState.REUSED.name());
      update.setString(2, TaskAction.REUSE.name());
      update.setString(3, reason.name());
      update.setTimestamp(4, Timestamp.from(now));
      update.setString(5, runId);
      update.setString(6, task.value());
      update.executeUpdate();
    }
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM scheduler_task_run_file WHERE run_id = ? AND task = ?")) {
      delete.setString(1, runId);
      delete.setString(2, task.value());
      delete.executeUpdate();
    }
  }
}
