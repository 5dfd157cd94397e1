package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.duckdb.DuckDbTypes;
import io.relspec.contracts.messaging.RelspecJson;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SQL of version-stamped tables. A row is part of version {@code v} when {@code "relspec:from"
 * <= v} and {@code "relspec:to"} is NULL or greater; a full write creates a table of rows stamped
 * from its version, an upsert ends old rows and appends new ones in the same table. The stamps'
 * names hold a colon, so no column a task or contract declares can clash with them.
 */
final class StampedRows {
  private StampedRows() {}

  /** The version stamps of a stored row. */
  static final String VALID_FROM = "\"relspec:from\"";

  static final String VALID_TO = "\"relspec:to\"";

  /** A new table of {@code relation}'s rows (a parenthesized query), all from {@code version}. */
  static String createStamped(String table, String relation, long version) {
    return "CREATE TABLE "
        + table
        + " AS SELECT *, CAST("
        + version
        + " AS BIGINT) AS "
        + VALID_FROM
        + ", CAST(NULL AS BIGINT) AS "
        + VALID_TO
        + " FROM "
        + relation
        + " AS \"relspec:rows\"";
  }

  /** Appends the rows of {@code select} to {@code table}, by column name, from {@code version}. */
  static String appendStamped(String table, String select, long version) {
    return "INSERT INTO "
        + table
        + " BY NAME SELECT *, CAST("
        + version
        + " AS BIGINT) AS "
        + VALID_FROM
        + " FROM ("
        + select
        + ") AS \"relspec:rows\"";
  }

  /** The rows of {@code table} that belong to {@code version}, as a parenthesized query. */
  static String rows(String table, long version) {
    return stampedRows(
        table,
        VALID_FROM
            + " <= "
            + version
            + " AND ("
            + VALID_TO
            + " IS NULL OR "
            + VALID_TO
            + " > "
            + version
            + ")");
  }

  /** The rows {@code version} appended to {@code table}. */
  static String appended(String table, long version) {
    return stampedRows(table, VALID_FROM + " = " + version);
  }

  /** The rows {@code version} ended in {@code table}. */
  static String ended(String table, long version) {
    return stampedRows(table, VALID_TO + " = " + version);
  }

  /** The rows of {@code table} meeting {@code condition}, without the stamps, parenthesized. */
  static String stampedRows(String table, String condition) {
    return "(SELECT * EXCLUDE ("
        + VALID_FROM
        + ", "
        + VALID_TO
        + ") FROM "
        + table
        + " WHERE "
        + condition
        + ")";
  }

  /**
   * The stored columns with the time zones their version was declared with: DuckDB keeps a
   * TIMESTAMPTZ as an instant and would report every zone as its own session zone.
   */
  static ArrowSchema withDeclaredTimezones(ArrowSchema stored, String declaredJson) {
    if (declaredJson == null) {
      return stored;
    }
    ArrowSchema declared = RelspecJson.read(declaredJson, ArrowSchema.class);
    List<ArrowField> fields = new ArrayList<>();
    for (ArrowField field : stored.fields()) {
      ArrowType type = field.type();
      if (type instanceof ArrowType.Timestamp timestamp && timestamp.timezone() != null) {
        ArrowType declaredType = declared.field(field.name()).map(ArrowField::type).orElse(null);
        if (declaredType instanceof ArrowType.Timestamp zoned && zoned.timezone() != null) {
          type = new ArrowType.Timestamp(timestamp.unit(), zoned.timezone());
        }
      }
      fields.add(new ArrowField(field.name(), type, field.nullable(), field.metadata()));
    }
    return new ArrowSchema(fields);
  }

  /** The columns of a relation (a table or a parenthesized query). */
  static ArrowSchema schemaOf(Connection connection, String relation) throws SQLException {
    List<ArrowField> fields = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
      while (rows.next()) {
        fields.add(
            new ArrowField(
                rows.getString("column_name"),
                DuckDbTypes.toArrow(rows.getString("column_type")),
                "YES".equals(rows.getString("null")),
                Map.of()));
      }
    }
    return new ArrowSchema(fields);
  }
}
