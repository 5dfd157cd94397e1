package io.relspec.scheduler.runs;

import io.relspec.contracts.messaging.SourceDataUpdated;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.model.DatasetName;
import io.relspec.scheduler.runs.PlanningState.FileChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Source versions and the file ids each version changed, from {@code SourceDataUpdated}: what lets
 * an incremental run re-compute only the files that changed since an output was built.
 */
final class SourceStore {

  /**
   * Records an update; returns false when this version was already recorded (a duplicate). An
   * update without a version gets the next one after the newest known.
   */
  boolean record(Connection connection, SourceDataUpdated update, Instant now) throws SQLException {
    DatasetName dataset = update.dataset();
    Long known = versions(connection).get(dataset);
    long version =
        update.datasetVersion() != null ? update.datasetVersion() : (known == null ? 1 : known + 1);
    try (PreparedStatement exists =
        connection.prepareStatement(
            "SELECT 1 FROM scheduler_source_update WHERE dataset = ? AND version = ?")) {
      exists.setString(1, dataset.value());
      exists.setLong(2, version);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return false;
        }
      }
    }
    boolean whole = update.changedFileIds().isEmpty() && update.removedFileIds().isEmpty();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO scheduler_source_update (dataset, version, whole, received_at) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, dataset.value());
      insert.setLong(2, version);
      insert.setBoolean(3, whole);
      insert.setTimestamp(4, Timestamp.from(now));
      insert.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO scheduler_source_file_change (dataset, version, file_id, removed) VALUES (?, ?, ?, ?)")) {
      int batched = 0;
      Set<String> removed = new TreeSet<>(update.removedFileIds());
      Set<String> all = new TreeSet<>(update.changedFileIds());
      all.addAll(removed);
      for (String fileId : all) {
        insert.setString(1, dataset.value());
        insert.setLong(2, version);
        insert.setString(3, fileId);
        insert.setBoolean(4, removed.contains(fileId));
        insert.addBatch();
        if (++batched % 1000 == 0) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
    if (known == null || version > known) {
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM scheduler_source_version WHERE dataset = ?")) {
        delete.setString(1, dataset.value());
        delete.executeUpdate();
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO scheduler_source_version (dataset, version, updated_at, executor_id, flight_uri,"
                  + " byte_count) VALUES (?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, dataset.value());
        insert.setLong(2, version);
        insert.setTimestamp(3, Timestamp.from(now));
        insert.setString(4, update.executorId());
        insert.setString(5, update.flightUri());
        StoreValues.setLong(insert, 6, update.datasetBytes());
        insert.executeUpdate();
      }
    }
    return true;
  }

  Map<DatasetName, Long> versions(Connection connection) throws SQLException {
    Map<DatasetName, Long> result = new HashMap<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT dataset, version FROM scheduler_source_version");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        result.put(DatasetName.of(rows.getString(1)), rows.getLong(2));
      }
    }
    return result;
  }

  /** The newest version of each source and the executor holding it (when an executor does). */
  Map<DatasetName, InputLocation> locations(Connection connection) throws SQLException {
    Map<DatasetName, InputLocation> result = new HashMap<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT dataset, version, executor_id, flight_uri FROM scheduler_source_version");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        DatasetName dataset = DatasetName.of(rows.getString(1));
        result.put(
            dataset,
            new InputLocation(dataset, rows.getLong(2), rows.getString(3), rows.getString(4)));
      }
    }
    return result;
  }

  /**
   * The files changed after {@code fromExclusive} up to {@code toInclusive}: the whole dataset when
   * the starting version is unknown, when no update in the range was recorded, or when one of them
   * named no file ids.
   */
  FileChanges between(Connection connection, DatasetName dataset, Long fromExclusive, long to)
      throws SQLException {
    if (fromExclusive == null) {
      return FileChanges.WHOLE;
    }
    int updates = 0;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT whole FROM scheduler_source_update WHERE dataset = ? AND version > ? AND version <= ?")) {
      select.setString(1, dataset.value());
      select.setLong(2, fromExclusive);
      select.setLong(3, to);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          updates++;
          if (rows.getBoolean(1)) {
            return FileChanges.WHOLE;
          }
        }
      }
    }
    if (updates == 0) {
      return FileChanges.WHOLE;
    }
    Set<String> files = new TreeSet<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT DISTINCT file_id FROM scheduler_source_file_change WHERE dataset = ? AND version > ? AND version <= ?")) {
      select.setString(1, dataset.value());
      select.setLong(2, fromExclusive);
      select.setLong(3, to);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          files.add(rows.getString(1));
        }
      }
    }
    return new FileChanges(false, files);
  }

  /** Planning state backed by this connection; source changes are read on demand. */
  PlanningState planningState(
      Connection connection, Map<DatasetName, Materialization> materializations)
      throws SQLException {
    return new PlanningState(
        materializations,
        versions(connection),
        (dataset, from, to) -> {
          try {
            return between(connection, dataset, from, to);
          } catch (SQLException e) {
            throw new IllegalStateException("cannot read source changes of " + dataset, e);
          }
        });
  }
}
