package io.relspec.catalog.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** JDBC access to the catalog tables; every method runs inside the caller's transaction. */
public final class CatalogStore {

  public SortedMap<DatasetName, DatasetContract> datasets(Connection connection)
      throws SQLException {
    SortedMap<DatasetName, DatasetContract> result = new TreeMap<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT name, spec FROM catalog_dataset ORDER BY name");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        result.put(
            DatasetName.of(rows.getString(1)),
            RelspecJson.read(rows.getString(2), DatasetContract.class));
      }
    }
    return result;
  }

  public SortedMap<TaskName, TaskSpec> tasks(Connection connection) throws SQLException {
    SortedMap<TaskName, TaskSpec> result = new TreeMap<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT name, spec FROM catalog_task ORDER BY name");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        result.put(
            TaskName.of(rows.getString(1)), RelspecJson.read(rows.getString(2), TaskSpec.class));
      }
    }
    return result;
  }

  /** Inserts or replaces; returns true when the stored spec changed. */
  public boolean upsert(Connection connection, String table, String name, Object spec)
      throws SQLException {
    String json = RelspecJson.write(spec);
    Optional<String> current = spec(connection, table, name);
    if (current.isPresent() && current.get().equals(json)) {
      return false;
    }
    String sql =
        current.isPresent()
            ? "UPDATE " + table + " SET spec = ?, updated_at = ? WHERE name = ?"
            : "INSERT INTO " + table + " (spec, updated_at, name) VALUES (?, ?, ?)";
    try (PreparedStatement write = connection.prepareStatement(sql)) {
      write.setString(1, json);
      write.setTimestamp(2, Timestamp.from(Instant.now()));
      write.setString(3, name);
      write.executeUpdate();
    }
    return true;
  }

  public boolean delete(Connection connection, String table, String name) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM " + table + " WHERE name = ?")) {
      delete.setString(1, name);
      return delete.executeUpdate() == 1;
    }
  }

  public Optional<String> spec(Connection connection, String table, String name)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT spec FROM " + table + " WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  public Optional<CatalogSnapshot> latestSnapshot(Connection connection) throws SQLException {
    return snapshotWhere(connection, "ORDER BY seq DESC LIMIT 1", null);
  }

  public Optional<CatalogSnapshot> snapshot(Connection connection, String id) throws SQLException {
    return snapshotWhere(connection, "WHERE snapshot_id = ?", id);
  }

  /**
   * Stores a snapshot as the latest. A catalog that returns to an earlier state has that state's id
   * again: the old row is replaced so the id becomes the latest once more.
   */
  public void insertSnapshot(Connection connection, CatalogSnapshot snapshot) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM catalog_snapshot WHERE snapshot_id = ?")) {
      delete.setString(1, snapshot.id());
      delete.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO catalog_snapshot (snapshot_id, previous_id, content, created_at) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, snapshot.id());
      insert.setString(2, snapshot.previousId());
      insert.setString(3, RelspecJson.write(snapshot));
      insert.setTimestamp(4, Timestamp.from(snapshot.createdAt()));
      insert.executeUpdate();
    }
  }

  private Optional<CatalogSnapshot> snapshotWhere(
      Connection connection, String clause, String parameter) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT content FROM catalog_snapshot " + clause)) {
      if (parameter != null) {
        select.setString(1, parameter);
      }
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(RelspecJson.read(rows.getString(1), CatalogSnapshot.class))
            : Optional.empty();
      }
    }
  }

  /** Canonical content of a catalog: sorted keys, no timestamps; its SHA-256 is the snapshot id. */
  public static String canonicalContent(
      SortedMap<DatasetName, DatasetContract> datasets, SortedMap<TaskName, TaskSpec> tasks) {
    try {
      TreeMap<String, Object> content = new TreeMap<>();
      content.put("datasets", datasets);
      content.put("tasks", tasks);
      return RelspecJson.mapper().writeValueAsString(content);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize catalog", e);
    }
  }
}
