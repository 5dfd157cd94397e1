package io.relspec.executor.store;

import static io.relspec.executor.store.StampedRows.VALID_TO;
import static io.relspec.executor.store.StampedRows.appended;
import static io.relspec.executor.store.StampedRows.ended;
import static io.relspec.executor.store.StampedRows.rows;
import static io.relspec.executor.store.StampedRows.schemaOf;
import static io.relspec.executor.store.StampedRows.stampedRows;
import static io.relspec.executor.store.StampedRows.withDeclaredTimezones;
import static io.relspec.executor.store.StoreDatabase.META;
import static io.relspec.executor.store.VersionMeasures.insertMeasured;
import static io.relspec.executor.store.VersionMeasures.measure;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.contracts.model.DatasetName;
import io.relspec.executor.store.VersionMeasures.Totals;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The versions of every dataset held here: one row each in {@code relspec_meta.versions}, kept in
 * memory per dataset after the first read (every change commits through {@link #commitVersion},
 * under the dataset's write lock), with the view that shows the newest version, retention, and the
 * outbox of events committed with the data.
 *
 * <p>Over 400 lines on purpose: a version's commit (measure, row, view, pruning, outbox) is one
 * transaction whose steps must agree on the same rows, and its reads share the in-memory versions.
 */
final class VersionLedger {
  private final StoreDatabase database;
  private final StoreOutbox outbox;
  private final Map<DatasetName, List<Version>> versionCache = new ConcurrentHashMap<>();

  VersionLedger(StoreDatabase database, StoreOutbox outbox) {
    this.database = database;
    this.outbox = outbox;
  }

  /**
   * Measures the new version, records it, points the dataset's view at it, prunes versions beyond
   * the retention, writes the outbox event and commits.
   *
   * @param continued the version whose table this one continues (an upsert), measured as that
   *     version plus the rows appended minus the rows ended; null when {@code table} is new
   * @param ended the totals of the rows the upsert ended, when they were deleted rather than
   *     stamped (null: measured from their stamps)
   */
  StoredDataset commitVersion(
      Connection connection,
      DatasetName dataset,
      long version,
      String table,
      Version continued,
      Totals known,
      String fileIdColumn,
      ArrowSchema declared,
      Function<StoredDataset, RelspecMessage> event)
      throws SQLException {
    List<Version> held = versions(connection, dataset);
    String declaredJson = declared == null ? null : RelspecJson.write(declared);
    String rows = rows(table, version);
    ArrowSchema schema = withDeclaredTimezones(schemaOf(connection, rows), declaredJson);
    Totals totals;
    boolean measuredByInsert = false;
    if (continued != null && continued.hashSum() != null) {
      totals =
          new Totals(continued.rows(), continued.bytes(), continued.hashSum())
              .plus(measure(connection, appended(table, version), schema))
              .minus(known != null ? known : measure(connection, ended(table, version), schema));
    } else if (known != null) {
      totals = known;
    } else {
      // A new table: its row goes in with the scan that measures it (one statement, not two).
      totals =
          insertMeasured(
              connection, dataset, version, table, fileIdColumn, declaredJson, rows, schema);
      measuredByInsert = true;
    }
    StoredDataset stored =
        new StoredDataset(
            dataset,
            version,
            totals.rows(),
            totals.bytes(),
            schema,
            fileIdColumn,
            totals.contentHash(schema),
            null);
    if (!measuredByInsert) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + META
                  + ".versions (dataset, version, table_name, row_count, byte_count,"
                  + " file_id_column, created_at, declared_schema, row_hash_sum)"
                  + " VALUES (?, ?, ?, ?, ?, ?, current_timestamp, ?, ?)")) {
        insert.setString(1, dataset.value());
        insert.setLong(2, version);
        insert.setString(3, table);
        insert.setLong(4, stored.rows());
        insert.setLong(5, stored.bytes());
        insert.setString(6, fileIdColumn);
        insert.setString(7, declaredJson);
        insert.setString(8, totals.hashSum().toString());
        insert.execute();
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE OR REPLACE VIEW " + database.datasetView(dataset) + " AS SELECT * FROM " + rows);
      List<Version> kept = new ArrayList<>();
      kept.add(
          new Version(
              version,
              table,
              stored.rows(),
              stored.bytes(),
              fileIdColumn,
              declaredJson,
              totals.hashSum()));
      kept.addAll(held);
      kept = prune(connection, statement, dataset, kept);
      RelspecMessage message = event == null ? null : event.apply(stored);
      if (message != null) {
        outbox.append(connection, message);
      }
      statement.execute("COMMIT");
      // Only a committed version is visible to readers of the cache.
      versionCache.put(dataset, List.copyOf(kept));
    }
    return stored;
  }

  /**
   * Drops versions beyond the retention: each table no kept version still points at, and in a table
   * kept versions share, the rows only pruned versions read. Returns the kept versions, newest
   * first.
   */
  List<Version> prune(
      Connection connection, Statement statement, DatasetName dataset, List<Version> versions)
      throws SQLException {
    if (versions.size() <= database.retainVersions()) {
      return versions;
    }
    List<Version> kept = versions.subList(0, database.retainVersions());
    List<Version> pruned = versions.subList(database.retainVersions(), versions.size());
    // Newest first: every version at or below the newest pruned one is pruned, in one statement
    // per table of the ledger (partition digests only where a pruned version is partitioned).
    long newestPruned = pruned.get(0).version();
    deleteUpTo(connection, "versions", dataset, newestPruned);
    if (pruned.stream().anyMatch(old -> old.fileIdColumn() != null)) {
      deleteUpTo(connection, "partition_digests", dataset, newestPruned);
    }
    for (Version old : pruned) {
      if (kept.stream().noneMatch(version -> version.table().equals(old.table()))) {
        statement.execute("DROP TABLE IF EXISTS " + old.table());
      }
    }
    Map<String, Long> oldestKept = new LinkedHashMap<>();
    for (Version version : kept) {
      oldestKept.merge(version.table(), version.version(), Math::min);
    }
    for (Version old : pruned) {
      Long oldest = oldestKept.remove(old.table());
      if (oldest != null) {
        // Rows ended at or before the oldest kept version of the table belong to none kept.
        statement.execute("DELETE FROM " + old.table() + " WHERE " + VALID_TO + " <= " + oldest);
      }
    }
    return kept;
  }

  /**
   * One stored version: its physical table (possibly shared with the versions before and after it),
   * partitioning, and the sum of its row hashes (null for versions stored before it was kept).
   */
  record Version(
      long version,
      String table,
      long rows,
      long bytes,
      String fileIdColumn,
      String declaredSchema,
      BigInteger hashSum) {
    /** The version's rows, without the stamps, as a parenthesized query. */
    String relation() {
      return StampedRows.rows(table, version);
    }
  }

  /**
   * The versions held of a dataset, newest first. Read from the store once per dataset, then kept
   * here: every change goes through {@link #commitVersion}, which replaces the entry after its
   * commit, under the dataset's write lock. (Each lookup used to be a query, several per task.)
   */
  List<Version> versions(Connection connection, DatasetName dataset) throws SQLException {
    List<Version> cached = versionCache.get(dataset);
    if (cached != null) {
      return cached;
    }
    List<Version> loaded = List.copyOf(loadVersions(connection, dataset));
    List<Version> raced = versionCache.putIfAbsent(dataset, loaded);
    return raced == null ? loaded : raced;
  }

  private static List<Version> loadVersions(Connection connection, DatasetName dataset)
      throws SQLException {
    List<Version> versions = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT version, table_name, row_count, byte_count, file_id_column, declared_schema,"
                + " row_hash_sum FROM "
                + META
                + ".versions WHERE dataset = ? ORDER BY version DESC")) {
      select.setString(1, dataset.value());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          versions.add(
              new Version(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getLong(3),
                  rows.getLong(4),
                  rows.getString(5),
                  rows.getString(6),
                  rows.getString(7) == null ? null : new BigInteger(rows.getString(7))));
        }
      }
    }
    return versions;
  }

  Optional<Version> latest(Connection connection, DatasetName dataset) throws SQLException {
    return versions(connection, dataset).stream().findFirst();
  }

  Optional<Version> version(Connection connection, DatasetName dataset, long version)
      throws SQLException {
    return versions(connection, dataset).stream()
        .filter(stored -> stored.version() == version)
        .findFirst();
  }

  /**
   * Whether a version is held (the newest when {@code version} is null), from the versions kept in
   * memory: a connection is opened only for a dataset not read since the store opened.
   */
  Optional<Long> heldVersion(DatasetName dataset, Long version) throws SQLException {
    List<Version> versions = versionCache.get(dataset);
    if (versions == null) {
      try (Connection connection = database.connect()) {
        versions = versions(connection, dataset);
      }
    }
    return versions.stream()
        .map(Version::version)
        .filter(held -> version == null || held == version.longValue())
        .findFirst();
  }

  /** The newest version of a dataset held here. */
  Optional<StoredDataset> describe(DatasetName dataset) throws SQLException {
    try (Connection connection = database.connect()) {
      Optional<Version> held = latest(connection, dataset);
      return held.isEmpty()
          ? Optional.empty()
          : Optional.of(stored(connection, dataset, held.get()));
    }
  }

  /** One version of a dataset, if still held. */
  Optional<StoredDataset> describe(DatasetName dataset, long version) throws SQLException {
    try (Connection connection = database.connect()) {
      Optional<Version> held = version(connection, dataset, version);
      return held.isEmpty()
          ? Optional.empty()
          : Optional.of(stored(connection, dataset, held.get()));
    }
  }

  /** Deletes a dataset's rows of versions up to {@code version} from a ledger table. */
  private static void deleteUpTo(
      Connection connection, String ledgerTable, DatasetName dataset, long version)
      throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM " + META + "." + ledgerTable + " WHERE dataset = ? AND version <= ?")) {
      delete.setString(1, dataset.value());
      delete.setLong(2, version);
      delete.execute();
    }
  }

  /** The versions held of one dataset, newest first. */
  List<StoredDataset> history(DatasetName dataset) throws SQLException {
    try (Connection connection = database.connect()) {
      List<StoredDataset> result = new ArrayList<>();
      for (Version version : versions(connection, dataset)) {
        result.add(stored(connection, dataset, version));
      }
      return result;
    }
  }

  static StoredDataset stored(Connection connection, DatasetName dataset, Version version)
      throws SQLException {
    return new StoredDataset(
        dataset,
        version.version(),
        version.rows(),
        version.bytes(),
        withDeclaredTimezones(schemaOf(connection, version.relation()), version.declaredSchema()),
        version.fileIdColumn(),
        null,
        null);
  }

  /** The newest version of every dataset held here, by name. */
  List<StoredDataset> list() throws SQLException {
    Map<DatasetName, Version> newest = new LinkedHashMap<>();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT dataset, version, table_name, row_count, byte_count, file_id_column,"
                    + " declared_schema, row_hash_sum FROM "
                    + META
                    + ".versions ORDER BY dataset, version DESC")) {
      while (rows.next()) {
        newest.putIfAbsent(
            DatasetName.of(rows.getString(1)),
            new Version(
                rows.getLong(2),
                rows.getString(3),
                rows.getLong(4),
                rows.getLong(5),
                rows.getString(6),
                rows.getString(7),
                rows.getString(8) == null ? null : new BigInteger(rows.getString(8))));
      }
      List<StoredDataset> result = new ArrayList<>();
      for (Map.Entry<DatasetName, Version> entry : newest.entrySet()) {
        result.add(stored(connection, entry.getKey(), entry.getValue()));
      }
      return result;
    }
  }

  /**
   * Ends, as of {@code version}, the live rows of {@code continued} (the newest version) in {@code
   * partitions} (a condition on the file id column): they stay in the table for the versions before
   * it. A store that keeps one version deletes them at once, since no kept version would read them,
   * and returns their totals, measured before; otherwise null (they are measured from their
   * stamps).
   */
  Totals endPartitions(
      Connection connection,
      Statement statement,
      Version continued,
      String partitions,
      long version)
      throws SQLException {
    String table = continued.table();
    String live = VALID_TO + " IS NULL AND " + partitions;
    if (database.retainVersions() == 1) {
      Totals ended =
          measure(connection, stampedRows(table, live), schemaOf(connection, continued.relation()));
      statement.execute("DELETE FROM " + table + " WHERE " + live);
      return ended;
    }
    statement.execute("UPDATE " + table + " SET " + VALID_TO + " = " + version + " WHERE " + live);
    return null;
  }
}
