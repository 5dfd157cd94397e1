package io.relspec.executor.store;

import static io.relspec.executor.store.StoreDatabase.quote;
import static io.relspec.executor.store.StoreDatabase.quoteInternal;

import io.relspec.contracts.messaging.RelspecJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;

/**
 * The file ids an attempt is scoped to, held in a temporary table on its connection, and the
 * conditions that keep the rows of those partitions. The table's name holds a colon, so it never
 * shadows an input a task reads.
 */
final class ScopedPartitions {
  private ScopedPartitions() {}

  static final String FILE_SCOPE_TABLE = "relspec:file_scope";
  static final String FILE_SCOPE_COLUMN = "file_id";

  /**
   * The partitions a file-scoped task run reads and replaces: those of the attempt's file ids, and
   * the global partition, the rows without a file id. A scoped plan derives its rows without a file
   * id only from its inputs' rows without one and from inputs not keyed by file (read whole), so
   * recomputing that partition on every scoped run keeps it exact (a UNION with global branches
   * writes it; elsewhere it is usually empty).
   */
  static String inScopedPartitions(String fileIdColumn) {
    return inScopedPartitionsOf(quote(fileIdColumn));
  }

  /** {@link #inScopedPartitions} of a column given quoted. */
  static String inScopedPartitionsOf(String quotedColumn) {
    return "(" + quotedColumn + " IS NULL OR " + inFileScopeOf(quotedColumn) + ")";
  }

  /** The condition that keeps the rows of the attempt's file ids. */
  static String inFileScope(String fileIdColumn) {
    return inFileScopeOf(quote(fileIdColumn));
  }

  static String inFileScopeOf(String quotedColumn) {
    return "CAST("
        + quotedColumn
        + " AS VARCHAR) IN (SELECT "
        + quoteInternal(FILE_SCOPE_COLUMN)
        + " FROM temp."
        + quoteInternal(FILE_SCOPE_TABLE)
        + ")";
  }

  static void fillFileScope(Connection connection, Statement statement, Collection<String> fileIds)
      throws SQLException {
    statement.execute(
        "CREATE OR REPLACE TEMP TABLE "
            + quoteInternal(FILE_SCOPE_TABLE)
            + " ("
            + quoteInternal(FILE_SCOPE_COLUMN)
            + " VARCHAR PRIMARY KEY)");
    // One statement per chunk of ids, passed as a JSON array: DuckDB's JDBC batch runs one
    // INSERT per row, which took minutes for an upload of 100,000 files.
    List<String> ids = List.copyOf(fileIds);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO temp."
                + quoteInternal(FILE_SCOPE_TABLE)
                + " SELECT DISTINCT unnest(from_json(?, '[\"VARCHAR\"]')) ON CONFLICT DO NOTHING")) {
      for (int from = 0; from < ids.size(); from += FILE_SCOPE_CHUNK) {
        insert.setString(
            1, RelspecJson.write(ids.subList(from, Math.min(ids.size(), from + FILE_SCOPE_CHUNK))));
        insert.execute();
      }
    }
  }

  static final int FILE_SCOPE_CHUNK = 100_000;
}
