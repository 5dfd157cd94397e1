package io.relspec.executor.store;

import static io.relspec.executor.store.StoreDatabase.META;
import static io.relspec.executor.store.StoreDatabase.quoteInternal;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.duckdb.DuckDbTypes;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.executor.store.VersionLedger.Version;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the store knows of a version's content without reading it again: its totals (rows, a size
 * estimate and the sum of DuckDB's row hashes, which add up across partitions), the same per file
 * id kept as {@code partition_digests}, and the comparison of two versions partition by partition
 * that early cutoff by partition and partition-wise rewrites rest on.
 */
final class VersionMeasures {
  private VersionMeasures() {}

  /**
   * Most file ids a full rewrite reports as changed; beyond it (or beyond half of the partitions)
   * its readers are better off re-reading everything, and the report says "unknown".
   */
  static final int MAX_REPORTED_CHANGED_FILES = 10_000;

  /**
   * How the new version of a full rewrite differs from {@code previous}, partition by partition:
   * which file ids' partitions changed (up to half of the partitions and one more: beyond, it is
   * not worth naming them), whether the rows without a file id changed, and how many partitions the
   * new version has. Both must have the same columns and file id column.
   */
  record PartitionChanges(
      List<String> fileIds, boolean withoutFileId, long partitions, boolean truncated) {
    /** Few enough changes to rewrite only their partitions. */
    boolean fewEnough() {
      return !truncated && fileIds.size() <= Math.max(1, partitions / 2);
    }

    /** The changed file ids as reported to readers, or null for "unknown". */
    List<String> reported() {
      return withoutFileId || !fewEnough() || fileIds.size() > MAX_REPORTED_CHANGED_FILES
          ? null
          : fileIds;
    }
  }

  /**
   * Compares per partition by row count and the sum of the row hashes (the multiset hash of the
   * content, per file id). The new version's digests are in {@code partition_digests} ({@link
   * #digest}); the previous version's too when its writer asked for them, otherwise they are
   * computed from its rows here.
   */
  static PartitionChanges partitionChanges(
      Connection connection,
      DatasetName dataset,
      Version previous,
      long version,
      ArrowSchema schema,
      String fileIdColumn)
      throws SQLException {
    long partitions;
    try (PreparedStatement count =
        connection.prepareStatement(
            "SELECT COUNT(*) FROM "
                + META
                + ".partition_digests WHERE dataset = ? AND version = ? AND file_id IS NOT NULL")) {
      count.setString(1, dataset.value());
      count.setLong(2, version);
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        partitions = rows.getLong(1);
      }
    }
    String digests =
        " (SELECT file_id AS f, row_count AS n, hash_sum AS h FROM "
            + META
            + ".partition_digests WHERE dataset = ? AND version = %d) ";
    boolean previousDigested = hasDigests(connection, dataset, previous.version());
    String was =
        previousDigested
            ? digests.formatted(previous.version())
            : " (SELECT CAST("
                + quoteInternal(fileIdColumn)
                + " AS VARCHAR) AS f, COUNT(*) AS n, "
                + hashSum(schema)
                + " AS h FROM "
                + previous.relation()
                + " AS \"relspec:partitioned\" GROUP BY 1) ";
    long limit = Math.max(1, partitions / 2) + 1;
    String sql =
        "SELECT COALESCE(now.f, was.f) AS file_id FROM"
            + digests.formatted(version)
            + "AS now FULL OUTER JOIN"
            + was
            + "AS was ON now.f IS NOT DISTINCT FROM was.f"
            + " WHERE now.n IS DISTINCT FROM was.n OR now.h IS DISTINCT FROM was.h"
            + " ORDER BY 1 NULLS FIRST LIMIT "
            + (limit + 1);
    List<String> changed = new ArrayList<>();
    boolean withoutFileId = false;
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      // the new version's digests, the previous version's if kept
      select.setString(1, dataset.value());
      if (previousDigested) {
        select.setString(2, dataset.value());
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String fileId = rows.getString(1);
          if (fileId == null) {
            withoutFileId = true;
          } else {
            changed.add(fileId);
          }
        }
      }
    }
    boolean truncated = changed.size() > limit;
    return new PartitionChanges(List.copyOf(changed), withoutFileId, partitions, truncated);
  }

  private static boolean hasDigests(Connection connection, DatasetName dataset, long version)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT 1 FROM "
                + META
                + ".partition_digests WHERE dataset = ? AND version = ? LIMIT 1")) {
      select.setString(1, dataset.value());
      select.setLong(2, version);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** The sum of the row hashes of every column of {@code schema}, as DuckDB computes it. */
  static String hashSum(ArrowSchema schema) {
    List<String> columns = new ArrayList<>();
    for (ArrowField field : schema.fields()) {
      columns.add(quoteInternal(field.name()));
    }
    return columns.isEmpty()
        ? "CAST(0 AS HUGEINT)"
        : "COALESCE(SUM(CAST(hash(" + String.join(", ", columns) + ") AS HUGEINT)), 0)";
  }

  /**
   * Measures a new version partition by partition in one scan: writes its digests (rows, size and
   * row-hash sum per file id) to {@code partition_digests} and returns their totals, which equal
   * what {@link #measure} returns for the whole version.
   */
  static Totals digest(
      Connection connection,
      DatasetName dataset,
      long version,
      String relation,
      ArrowSchema schema,
      String fileIdColumn)
      throws SQLException {
    String bytes = bytesEstimate(schema);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + META
                + ".partition_digests SELECT ?, ?, CAST("
                + quoteInternal(fileIdColumn)
                + " AS VARCHAR), COUNT(*), "
                + bytes
                + ", "
                + hashSum(schema)
                + " FROM "
                + relation
                + " AS \"relspec:digested\" GROUP BY 3")) {
      insert.setString(1, dataset.value());
      insert.setLong(2, version);
      insert.execute();
    }
    try (PreparedStatement totals =
        connection.prepareStatement(
            "SELECT COALESCE(SUM(row_count), 0), COALESCE(SUM(byte_count), 0),"
                + " CAST(COALESCE(SUM(hash_sum), 0) AS VARCHAR) FROM "
                + META
                + ".partition_digests WHERE dataset = ? AND version = ?")) {
      totals.setString(1, dataset.value());
      totals.setLong(2, version);
      try (ResultSet rows = totals.executeQuery()) {
        rows.next();
        return new Totals(rows.getLong(1), rows.getLong(2), new BigInteger(rows.getString(3)));
      }
    }
  }

  /**
   * Rows, size estimate and the sum of the row hashes of a set of rows; the three add up, so an
   * upsert's totals are its base version's plus what it appended minus what it ended.
   */
  record Totals(long rows, long bytes, BigInteger hashSum) {
    Totals plus(Totals other) {
      return new Totals(rows + other.rows, bytes + other.bytes, hashSum.add(other.hashSum));
    }

    Totals minus(Totals other) {
      return new Totals(rows - other.rows, bytes - other.bytes, hashSum.subtract(other.hashSum));
    }

    /**
     * The content hash: the row-hash sum (a multiset hash, independent of row order) with the count
     * and the schema. An output rebuilt with the same rows and types hashes the same on any
     * executor, which is what early cutoff compares.
     */
    String contentHash(ArrowSchema schema) {
      return Fingerprint.sha256(RelspecJson.write(schema) + "\n" + rows + "\n" + hashSum).value();
    }
  }

  /**
   * Counts rows, estimates bytes and sums DuckDB's {@code hash} of every row (as a 128-bit integer)
   * of {@code relation} in one scan.
   */
  static Totals measure(Connection connection, String relation, ArrowSchema schema)
      throws SQLException {
    long fixedPerRow = fixedWidthPerRow(schema);
    List<String> variable = variableWidthColumns(schema);
    StringBuilder sql = new StringBuilder("SELECT COUNT(*), ");
    sql.append("CAST(").append(hashSum(schema)).append(" AS VARCHAR)");
    for (String column : variable) {
      sql.append(", COALESCE(SUM(strlen(CAST(").append(column).append(" AS VARCHAR))), 0)");
    }
    sql.append(" FROM ").append(relation).append(" AS \"relspec:measured\"");
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql.toString())) {
      rows.next();
      long count = rows.getLong(1);
      long bytes = count * fixedPerRow;
      for (int i = 0; i < variable.size(); i++) {
        bytes += rows.getLong(i + 3) + 4 * count;
      }
      return new Totals(count, bytes, new BigInteger(rows.getString(2)));
    }
  }

  /**
   * Records a new version's row in {@code versions} with the scan that measures it (what {@link
   * #measure} computes), in one statement, and returns the totals.
   */
  static Totals insertMeasured(
      Connection connection,
      DatasetName dataset,
      long version,
      String table,
      String fileIdColumn,
      String declaredJson,
      String relation,
      ArrowSchema schema)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + META
                + ".versions (dataset, version, table_name, row_count, byte_count, file_id_column,"
                + " created_at, declared_schema, row_hash_sum) SELECT ?, ?, ?, COUNT(*), "
                + bytesEstimate(schema)
                + ", ?, current_timestamp, ?, CAST("
                + hashSum(schema)
                + " AS VARCHAR) FROM "
                + relation
                + " AS \"relspec:measured\" RETURNING row_count, byte_count, row_hash_sum")) {
      insert.setString(1, dataset.value());
      insert.setLong(2, version);
      insert.setString(3, table);
      insert.setString(4, fileIdColumn);
      insert.setString(5, declaredJson);
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        return new Totals(rows.getLong(1), rows.getLong(2), new BigInteger(rows.getString(3)));
      }
    }
  }

  /** The size estimate of a relation's rows as an aggregate expression (see {@link #measure}). */
  private static String bytesEstimate(ArrowSchema schema) {
    StringBuilder bytes = new StringBuilder("COUNT(*) * ").append(fixedWidthPerRow(schema));
    for (String column : variableWidthColumns(schema)) {
      bytes
          .append(" + COALESCE(SUM(strlen(CAST(")
          .append(column)
          .append(" AS VARCHAR))), 0) + 4 * COUNT(*)");
    }
    return bytes.toString();
  }

  /** The bytes a row takes in the size estimate, its variable-width columns aside. */
  private static long fixedWidthPerRow(ArrowSchema schema) {
    long fixedPerRow = 0;
    for (ArrowField field : schema.fields()) {
      int width = DuckDbTypes.fixedWidth(DuckDbTypes.toDuckDb(field.type()));
      fixedPerRow += Math.max(width, 0);
    }
    return fixedPerRow;
  }

  /** The quoted columns whose size the estimate takes from their text length. */
  private static List<String> variableWidthColumns(ArrowSchema schema) {
    List<String> variable = new ArrayList<>();
    for (ArrowField field : schema.fields()) {
      if (DuckDbTypes.fixedWidth(DuckDbTypes.toDuckDb(field.type())) < 0) {
        variable.add(quoteInternal(field.name()));
      }
    }
    return variable;
  }
}
