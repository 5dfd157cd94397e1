package io.relspec.scheduler.runs;

import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.messaging.RunState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * JDBC access to runs (one row each in {@code scheduler_run}); runs inside the caller's
 * transaction.
 */
final class RunStore {
  void insertRun(
      Connection connection,
      String runId,
      String planCatalogId,
      RunRequested request,
      RunState state,
      Instant now)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO scheduler_run (run_id, plan_catalog_id, mode, state, request, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, runId);
      insert.setString(2, planCatalogId);
      insert.setString(3, request.mode().name());
      insert.setString(4, state.name());
      insert.setString(5, RelspecJson.write(request));
      insert.setTimestamp(6, Timestamp.from(now));
      insert.executeUpdate();
    }
  }

  boolean runExists(Connection connection, String runId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT 1 FROM scheduler_run WHERE run_id = ?")) {
      select.setString(1, runId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** Locks the run row so completions of one run are applied one at a time. */
  Optional<RunStatus> lockRun(Connection connection, String runId) throws SQLException {
    return runs(connection, "WHERE run_id = ? FOR UPDATE", runId, 1).stream().findFirst();
  }

  Optional<RunStatus> run(Connection connection, String runId) throws SQLException {
    return runs(connection, "WHERE run_id = ?", runId, 1).stream().findFirst();
  }

  /** What a run was asked to do, as it was asked. */
  Optional<RunRequested> request(Connection connection, String runId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT request FROM scheduler_run WHERE run_id = ?")) {
      select.setString(1, runId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(RelspecJson.read(rows.getString(1), RunRequested.class))
            : Optional.empty();
      }
    }
  }

  /**
   * The newest succeeded run of a catalog snapshot (its catalog snapshot id or its plan catalog
   * id), if any.
   */
  Optional<String> newestSucceededRunOf(Connection connection, String snapshot)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT r.run_id FROM scheduler_run r JOIN scheduler_plan_catalog p"
                + " ON p.plan_catalog_id = r.plan_catalog_id"
                + " WHERE (p.snapshot_id = ? OR p.plan_catalog_id = ?) AND r.state = ?"
                + " ORDER BY r.seq DESC LIMIT 1")) {
      select.setString(1, snapshot);
      select.setString(2, snapshot);
      select.setString(3, RunState.SUCCEEDED.name());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  List<RunStatus> recentRuns(Connection connection, int limit) throws SQLException {
    return runs(connection, "ORDER BY seq DESC", null, limit);
  }

  void finishRun(Connection connection, String runId, RunState state, Instant now)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_run SET state = ?, finished_at = ? WHERE run_id = ?")) {
      update.setString(1, state.name());
      update.setTimestamp(2, Timestamp.from(now));
      update.setString(3, runId);
      update.executeUpdate();
    }
  }

  private List<RunStatus> runs(Connection connection, String clause, String parameter, int limit)
      throws SQLException {
    List<RunStatus> result = new ArrayList<>();
    String sql =
        "SELECT run_id, state, mode, plan_catalog_id, created_at, finished_at FROM scheduler_run "
            + clause.replace(" FOR UPDATE", "")
            + " LIMIT "
            + limit
            + (clause.endsWith("FOR UPDATE") ? " FOR UPDATE" : "");
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      if (parameter != null) {
        select.setString(1, parameter);
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Timestamp finished = rows.getTimestamp(6);
          result.add(
              new RunStatus(
                  rows.getString(1),
                  RunState.valueOf(rows.getString(2)),
                  RunMode.valueOf(rows.getString(3)),
                  rows.getString(4),
                  rows.getTimestamp(5).toInstant(),
                  finished == null ? null : finished.toInstant(),
                  List.of()));
        }
      }
    }
    return result;
  }
}
