package io.relspec.catalog.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.relspec.catalog.model.CatalogState;
import io.relspec.contracts.api.BundleSummary;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.platform.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/** JDBC access to the catalog tables; every method runs inside the caller's transaction. */
public final class CatalogStore {

  /** One table of specs keyed by name. */
  private record Table<K extends Comparable<K>, V>(
      String name, Class<V> type, Function<String, K> key, Function<K, String> text) {}

  private static final Table<DatasetName, DatasetContract> DATASETS =
      new Table<>("catalog_dataset", DatasetContract.class, DatasetName::of, DatasetName::value);
  private static final Table<String, FunctionSpec> FUNCTIONS =
      new Table<>("catalog_function", FunctionSpec.class, name -> name, name -> name);
  private static final Table<String, TaskTemplate> TEMPLATES =
      new Table<>("catalog_template", TaskTemplate.class, name -> name, name -> name);
  private static final Table<TaskName, TaskSpec> TASKS =
      new Table<>("catalog_task", TaskSpec.class, TaskName::of, TaskName::value);
  private static final Table<String, BundleSummary> BUNDLES =
      new Table<>("catalog_bundle", BundleSummary.class, name -> name, name -> name);

  /** Serializes changes: blocks until no other transaction is changing the catalog. */
  public void lock(Connection connection) throws SQLException {
    try (PreparedStatement lock =
            connection.prepareStatement("SELECT id FROM catalog_lock WHERE id = 1 FOR UPDATE");
        ResultSet rows = lock.executeQuery()) {
      if (!rows.next()) {
        throw new IllegalStateException("catalog_lock row is missing; migration V101 not applied");
      }
    }
  }

  public CatalogState load(Connection connection) throws SQLException {
    return new CatalogState(
        load(connection, DATASETS),
        load(connection, FUNCTIONS),
        load(connection, TEMPLATES),
        load(connection, TASKS),
        load(connection, BUNDLES));
  }

  /** Writes the rows that differ between {@code before} and {@code after}. */
  public void save(Connection connection, CatalogState before, CatalogState after)
      throws SQLException {
    sync(connection, DATASETS, before.datasets(), after.datasets());
    sync(connection, FUNCTIONS, before.functions(), after.functions());
    sync(connection, TEMPLATES, before.templates(), after.templates());
    sync(connection, TASKS, before.tasks(), after.tasks());
    sync(connection, BUNDLES, before.bundles(), after.bundles());
  }

  private static <K extends Comparable<K>, V> SortedMap<K, V> load(
      Connection connection, Table<K, V> table) throws SQLException {
    SortedMap<K, V> result = new TreeMap<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT name, spec FROM " + table.name() + " ORDER BY name");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        result.put(
            table.key().apply(rows.getString(1)),
            RelspecJson.read(rows.getString(2), table.type()));
      }
    }
    return result;
  }

  private static <K extends Comparable<K>, V> void sync(
      Connection connection, Table<K, V> table, Map<K, V> before, Map<K, V> after)
      throws SQLException {
    Timestamp now = Timestamp.from(Instant.now());
    for (K removed : before.keySet()) {
      if (!after.containsKey(removed)) {
        try (PreparedStatement delete =
            connection.prepareStatement("DELETE FROM " + table.name() + " WHERE name = ?")) {
          delete.setString(1, table.text().apply(removed));
          delete.executeUpdate();
        }
      }
    }
    for (Map.Entry<K, V> entry : after.entrySet()) {
      V previous = before.get(entry.getKey());
      if (Objects.equals(previous, entry.getValue())) {
        continue;
      }
      String sql =
          previous != null
              ? "UPDATE " + table.name() + " SET spec = ?, updated_at = ? WHERE name = ?"
              : "INSERT INTO " + table.name() + " (spec, updated_at, name) VALUES (?, ?, ?)";
      try (PreparedStatement write = connection.prepareStatement(sql)) {
        write.setString(1, RelspecJson.write(entry.getValue()));
        write.setTimestamp(2, now);
        write.setString(3, table.text().apply(entry.getKey()));
        write.executeUpdate();
      }
    }
  }

  public Optional<CatalogSnapshot> latestSnapshot(Connection connection) throws SQLException {
    return snapshotWhere(connection, "ORDER BY seq DESC LIMIT 1", null);
  }

  /** The id of the newest snapshot, without reading its content. */
  public Optional<String> latestSnapshotId(Connection connection) throws SQLException {
    return Jdbc.firstString(
        connection, "SELECT snapshot_id FROM catalog_snapshot ORDER BY seq DESC LIMIT 1");
  }

  public Optional<CatalogSnapshot> snapshot(Connection connection, String id) throws SQLException {
    return snapshotWhere(connection, "WHERE snapshot_id = ?", id);
  }

  /** One line of the snapshot history. */
  public record SnapshotEntry(String id, String previousId, Instant createdAt) {}

  /** The newest {@code limit} snapshots, newest first. */
  public List<SnapshotEntry> history(Connection connection, int limit) throws SQLException {
    List<SnapshotEntry> result = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT snapshot_id, previous_id, created_at FROM catalog_snapshot"
                + " ORDER BY seq DESC LIMIT ?")) {
      select.setInt(1, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          result.add(
              new SnapshotEntry(
                  rows.getString(1), rows.getString(2), rows.getTimestamp(3).toInstant()));
        }
      }
    }
    return result;
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

  /**
   * Canonical content of a catalog: sorted keys, every effective task, no timestamps; its SHA-256
   * is the snapshot id.
   */
  public static String canonicalContent(CatalogState state, SortedMap<TaskName, TaskSpec> tasks) {
    try {
      TreeMap<String, Object> content = new TreeMap<>();
      content.put("bundles", state.bundles());
      content.put("datasets", state.datasets());
      content.put("functions", state.functions());
      content.put("tasks", tasks);
      content.put("templates", state.templates());
      return RelspecJson.mapper().writeValueAsString(content);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize catalog", e);
    }
  }
}
