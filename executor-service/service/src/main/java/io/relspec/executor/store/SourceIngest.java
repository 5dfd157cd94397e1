package io.relspec.executor.store;

import static io.relspec.executor.store.ArrowImports.closeAll;
import static io.relspec.executor.store.ArrowImports.importStream;
import static io.relspec.executor.store.ScopedPartitions.fillFileScope;
import static io.relspec.executor.store.ScopedPartitions.inFileScope;
import static io.relspec.executor.store.StampedRows.appendStamped;
import static io.relspec.executor.store.StampedRows.createStamped;
import static io.relspec.executor.store.StoreDatabase.inTransaction;
import static io.relspec.executor.store.StoreDatabase.quote;
import static io.relspec.executor.store.StoreDatabase.quoteInternal;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.executor.store.DatasetStore.Ingested;
import io.relspec.executor.store.VersionLedger.Version;
import io.relspec.executor.store.VersionMeasures.Totals;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Source data written by uploads and removed by file-id deletes: each a new version in one
 * transaction with its outbox event, checked against the dataset's contract.
 */
final class SourceIngest {
  private final StoreDatabase database;
  private final VersionLedger ledger;

  SourceIngest(StoreDatabase database, VersionLedger ledger) {
    this.database = database;
    this.ledger = ledger;
  }

  /**
   * Ingests uploaded source data: the rows of {@code reader}, in the contract's column order.
   * Without a file-id column the dataset is replaced; with one, the partitions of the file ids
   * present are replaced and the others kept. The contract holds: a NULL in a column it declares
   * not nullable refuses the whole upload, naming the column and the first such row. {@code event}
   * builds the outbox message committed with the data.
   */
  Ingested ingest(
      DatasetName dataset,
      ArrowReader reader,
      DatasetContract contract,
      Function<Ingested, RelspecMessage> event)
      throws SQLException {
    List<String> columns = contract.schema().fields().stream().map(ArrowField::name).toList();
    String fileIdColumn = contract.fileIdColumn();
    return database.lockedData(
        dataset,
        () -> {
          List<AutoCloseable> streams = new ArrayList<>();
          try (Connection connection = database.connect();
              Statement statement = connection.createStatement()) {
            // With file ids the upload is read twice (its ids, then its rows): copy it first.
            // Without, it is read once into the new version, straight from the stream.
            streams.add(
                importStream(
                    database.allocator(),
                    connection,
                    statement,
                    "relspec_upload",
                    reader,
                    fileIdColumn != null));
            List<String> fileIds = new ArrayList<>();
            if (fileIdColumn != null) {
              try (ResultSet rows =
                  statement.executeQuery(
                      "SELECT DISTINCT CAST("
                          + quote(fileIdColumn)
                          + " AS VARCHAR) AS f FROM temp.relspec_upload ORDER BY f NULLS FIRST")) {
                while (rows.next()) {
                  String fileId = rows.getString(1);
                  if (fileId == null) {
                    throw StoreException.invalidData(
                        "column '" + fileIdColumn + "' holds the file id and must not be null");
                  }
                  fileIds.add(fileId);
                }
              }
              fillFileScope(connection, statement, fileIds);
            }
            String projection =
                String.join(", ", columns.stream().map(StoreDatabase::quote).toList());
            Optional<Version> held = ledger.latest(connection, dataset);
            long version = held.map(Version::version).orElse(0L) + 1;
            boolean partial = fileIdColumn != null && held.isPresent();
            // An upload of some files continues the newest version's table, unless the contract's
            // columns changed since: then the kept partitions are copied into a new table and
            // given the new columns, so the earlier version keeps reading its own.
            Version continued =
                partial && sameColumns(statement, held.get(), columns) ? held.get() : null;
            String table =
                continued != null ? continued.table() : database.physical(dataset, version);
            return inTransaction(
                statement,
                () -> {
                  Totals ended = null;
                  if (partial) {
                    if (continued != null) {
                      ended =
                          ledger.endPartitions(
                              connection, statement, continued, inFileScope(fileIdColumn), version);
                    } else {
                      statement.execute(
                          createStamped(
                              table,
                              "(SELECT * FROM "
                                  + held.get().relation()
                                  + " WHERE "
                                  + quote(fileIdColumn)
                                  + " IS NULL OR NOT "
                                  + inFileScope(fileIdColumn)
                                  + ")",
                              version));
                      conformColumns(statement, table, columns);
                    }
                    statement.execute(
                        appendStamped(
                            table, "SELECT " + projection + " FROM temp.relspec_upload", version));
                    requireValues(statement, "temp.relspec_upload", contract);
                  } else {
                    statement.execute(
                        createStamped(
                            table,
                            "(SELECT " + projection + " FROM temp.relspec_upload)",
                            version));
                    requireValues(statement, table, contract);
                  }
                  return commitIngest(
                      connection,
                      dataset,
                      version,
                      table,
                      continued,
                      ended,
                      fileIdColumn,
                      contract.schema(),
                      fileIds,
                      event);
                });
          } finally {
            closeAll(streams);
          }
        });
  }

  /**
   * Refuses an upload with a NULL in a column the contract declares not nullable, naming the column
   * and the first row (in upload order) that holds one.
   */
  private static void requireValues(Statement statement, String rows, DatasetContract contract)
      throws SQLException {
    for (ArrowField field : contract.schema().fields()) {
      if (field.nullable()) {
        continue;
      }
      try (ResultSet first =
          statement.executeQuery(
              // Row ids of rows written in this transaction start at an offset: count from it.
              "SELECT min(rowid) FILTER (WHERE "
                  + quoteInternal(field.name())
                  + " IS NULL) - min(rowid) FROM "
                  + rows)) {
        first.next();
        long row = first.getLong(1);
        if (!first.wasNull()) {
          throw StoreException.invalidData(
              "column '"
                  + field.name()
                  + "' is not nullable in the contract, but row "
                  + (row + 1)
                  + " of the upload holds NULL");
        }
      }
    }
  }

  /**
   * Gives the kept partitions the upload's columns when the contract changed since they were
   * stored: a column the contract gained is added (NULL in the kept rows), one it lost is dropped.
   * The upload was already checked against the current contract, so its columns are the truth.
   */
  private static void conformColumns(Statement statement, String table, List<String> columns)
      throws SQLException {
    Map<String, String> uploaded = describe(statement, "temp.relspec_upload");
    Map<String, String> stored = describe(statement, table);
    stored.remove("relspec:from");
    stored.remove("relspec:to");
    for (String column : columns) {
      if (!stored.containsKey(column)) {
        statement.execute(
            "ALTER TABLE " + table + " ADD COLUMN " + quote(column) + " " + uploaded.get(column));
      }
    }
    for (String column : stored.keySet()) {
      if (!columns.contains(column)) {
        statement.execute("ALTER TABLE " + table + " DROP COLUMN " + quote(column));
      }
    }
  }

  /** Whether a stored version has exactly {@code columns} (by name, in any order). */
  private static boolean sameColumns(Statement statement, Version held, List<String> columns)
      throws SQLException {
    Map<String, String> stored = describe(statement, "SELECT * FROM " + held.relation());
    return stored.keySet().equals(new HashSet<>(columns));
  }

  private static Map<String, String> describe(Statement statement, String relation)
      throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    try (ResultSet rows = statement.executeQuery("DESCRIBE " + relation)) {
      while (rows.next()) {
        columns.put(rows.getString(1), rows.getString(2));
      }
    }
    return columns;
  }

  /**
   * Removes the partitions of {@code fileIds} as a new version; {@code event} builds the outbox
   * message committed with it. When the newest version holds none of them nothing is written and
   * the answer names no file id.
   *
   * @throws StoreException ({@code NOT_HELD}) when this store does not hold the dataset
   * @throws StoreException ({@code INVALID_DATA}) when the dataset has no file-id column
   */
  Ingested deleteFiles(
      DatasetName dataset, List<String> fileIds, Function<Ingested, RelspecMessage> event)
      throws SQLException {
    return database.lockedData(
        dataset,
        () -> {
          try (Connection connection = database.connect();
              Statement statement = connection.createStatement()) {
            Version held =
                ledger
                    .latest(connection, dataset)
                    .orElseThrow(() -> StoreException.notHeld(dataset));
            if (held.fileIdColumn() == null) {
              throw StoreException.invalidData(
                  "dataset '" + dataset + "' has no file-id column, so it has no file partitions");
            }
            fillFileScope(connection, statement, fileIds);
            // Only the file ids the version holds are removed; none held changes nothing (no new
            // version, no event), so a retried or mistaken call costs nothing downstream.
            List<String> sorted = new ArrayList<>();
            try (ResultSet rows =
                statement.executeQuery(
                    "SELECT DISTINCT CAST("
                        + quote(held.fileIdColumn())
                        + " AS VARCHAR) AS f FROM "
                        + held.relation()
                        + " WHERE "
                        + inFileScope(held.fileIdColumn())
                        + " ORDER BY f")) {
              while (rows.next()) {
                sorted.add(rows.getString(1));
              }
            }
            if (sorted.isEmpty()) {
              return new Ingested(VersionLedger.stored(connection, dataset, held), List.of());
            }
            fillFileScope(connection, statement, sorted);
            long version = held.version() + 1;
            return inTransaction(
                statement,
                () -> {
                  Totals ended =
                      ledger.endPartitions(
                          connection, statement, held, inFileScope(held.fileIdColumn()), version);
                  return commitIngest(
                      connection,
                      dataset,
                      version,
                      held.table(),
                      held,
                      ended,
                      held.fileIdColumn(),
                      held.declaredSchema() == null
                          ? null
                          : RelspecJson.read(held.declaredSchema(), ArrowSchema.class),
                      sorted,
                      event);
                });
          }
        });
  }

  private Ingested commitIngest(
      Connection connection,
      DatasetName dataset,
      long version,
      String table,
      Version continued,
      Totals ended,
      String fileIdColumn,
      ArrowSchema declared,
      List<String> fileIds,
      Function<Ingested, RelspecMessage> event)
      throws SQLException {
    StoredDataset[] stored = new StoredDataset[1];
    ledger.commitVersion(
        connection,
        dataset,
        version,
        table,
        continued,
        ended,
        fileIdColumn,
        declared,
        written -> {
          stored[0] = written;
          return event.apply(new Ingested(written, fileIds));
        });
    return new Ingested(stored[0], fileIds);
  }
}
