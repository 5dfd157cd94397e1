package io.relspec.scheduler.runs;

import static io.relspec.scheduler.runs.StoreValues.versions;

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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * JDBC access to materializations: the newest version of each task output, where it lives, its
 * content hash and the input versions it was built from; runs inside the caller's transaction.
 */
final class MaterializationStore {
  Map<DatasetName, Materialization> materializations(Connection connection) throws SQLException {
    Map<DatasetName, Materialization> result = new HashMap<>();
    try (PreparedStatement select = connection.prepareStatement(MATERIALIZATION_COLUMNS);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        Materialization materialization = materialization(rows);
        result.put(materialization.dataset(), materialization);
      }
    }
    return result;
  }

  Optional<Materialization> materialization(Connection connection, DatasetName dataset)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(MATERIALIZATION_COLUMNS + " WHERE dataset = ?")) {
      select.setString(1, dataset.value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(materialization(rows)) : Optional.empty();
      }
    }
  }

  private static final String MATERIALIZATION_COLUMNS =
      "SELECT dataset, task, fingerprint, dataset_version, executor_id, flight_uri, row_count, input_versions"
          + " FROM scheduler_materialization";

  private static Materialization materialization(ResultSet rows) throws SQLException {
    return new Materialization(
        DatasetName.of(rows.getString(1)),
        TaskName.of(rows.getString(2)),
        Fingerprint.of(rows.getString(3)),
        rows.getLong(4),
        rows.getString(5),
        rows.getString(6),
        rows.getLong(7),
        versions(rows.getString(8)));
  }

  void saveMaterialization(
      Connection connection, Materialization materialization, String runId, Instant now)
      throws SQLException {
    saveMaterialization(connection, materialization, null, runId, now);
  }

  /** The content hash the executor reported for the output's current version, if any. */
  Optional<String> contentHash(Connection connection, DatasetName dataset) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT content_hash FROM scheduler_materialization WHERE dataset = ?")) {
      select.setString(1, dataset.value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /** The run that built a dataset's current materialization. */
  Optional<String> materializationRunId(Connection connection, DatasetName dataset)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT run_id FROM scheduler_materialization WHERE dataset = ?")) {
      select.setString(1, dataset.value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /** Sets the input versions a materialization is valid for (its content does not change). */
  void updateMaterializationInputs(
      Connection connection, DatasetName dataset, Map<DatasetName, Long> inputVersions)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_materialization SET input_versions = ? WHERE dataset = ?")) {
      update.setString(1, RelspecJson.write(new TreeMap<>(inputVersions)));
      update.setString(2, dataset.value());
      update.executeUpdate();
    }
  }

  void saveMaterialization(
      Connection connection,
      Materialization materialization,
      String contentHash,
      String runId,
      Instant now)
      throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM scheduler_materialization WHERE dataset = ?")) {
      delete.setString(1, materialization.dataset().value());
      delete.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO scheduler_materialization (dataset, task, fingerprint, dataset_version, executor_id, flight_uri, row_count,"
                + " run_id, updated_at, input_versions, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, materialization.dataset().value());
      insert.setString(2, materialization.task().value());
      insert.setString(3, materialization.fingerprint().value());
      insert.setLong(4, materialization.version());
      insert.setString(5, materialization.executorId());
      insert.setString(6, materialization.flightUri());
      insert.setLong(7, materialization.rows());
      insert.setString(8, runId);
      insert.setTimestamp(9, Timestamp.from(now));
      insert.setString(10, RelspecJson.write(new TreeMap<>(materialization.inputVersions())));
      insert.setString(11, contentHash);
      insert.executeUpdate();
    }
  }

  /** The size the executor reported for the output's current version (placement weighs it). */
  void recordBytes(Connection connection, DatasetName dataset, long bytes) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE scheduler_materialization SET byte_count = ? WHERE dataset = ?")) {
      update.setLong(1, bytes);
      update.setString(2, dataset.value());
      update.executeUpdate();
    }
  }

  void deleteMaterialization(Connection connection, DatasetName dataset) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM scheduler_materialization WHERE dataset = ?")) {
      delete.setString(1, dataset.value());
      delete.executeUpdate();
    }
  }
}
