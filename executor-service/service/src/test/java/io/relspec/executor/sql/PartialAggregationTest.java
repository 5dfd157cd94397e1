package io.relspec.executor.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The final query over the partials returns what the task's SQL returns over the rows, with DuckDB
 * as the oracle; and after the partials of some files are recomputed from changed rows, it returns
 * what the SQL returns over the changed table.
 */
class PartialAggregationTest {
  private Connection connection;

  @BeforeEach
  void tables() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE defs AS SELECT 'f' || (i % 37) AS file_id, 'k' || (i % 5) AS kind,"
              + " i % 11 AS size, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 3 % 101 END AS weight,"
              + " (i % 13)::DECIMAL(10, 2) / 4 AS price FROM range(2000) t(i)");
      statement.execute(
          "CREATE TABLE kinds AS SELECT 'k' || i AS kind, 'group ' || (i % 2) AS family"
              + " FROM range(5) t(i)");
    }
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT kind, count(*) AS n, sum(size) AS total, min(weight) AS lo, max(weight) AS hi"
            + " FROM defs GROUP BY kind",
        "SELECT kind, count(weight), avg(size) AS mean FROM defs GROUP BY 1 ORDER BY mean DESC",
        "SELECT upper(kind) AS k, sum(size) * 2 + count(*) AS score FROM defs d"
            + " WHERE size > 2 GROUP BY upper(kind) HAVING count(*) > 10",
        "SELECT count(*) AS n, sum(size) AS s, avg(price) AS p FROM defs",
        "SELECT count(*) AS n, sum(size) AS s FROM defs WHERE size > 100",
        "SELECT k.family, d.kind, sum(d.size) FILTER (WHERE d.weight > 50) AS heavy,"
            + " count(*) AS n FROM defs d JOIN kinds k ON d.kind = k.kind GROUP BY ALL",
        "SELECT kind, sum(price) AS total, max(price) AS top FROM defs GROUP BY kind"
            + " HAVING total > 0 ORDER BY kind",
        "WITH big AS (SELECT * FROM defs WHERE size > 3) SELECT kind, count(*) AS n FROM big"
            + " GROUP BY kind",
        // GROUP BY an alias of the select list; and a name that is both (DuckDB takes the column)
        "SELECT size % 3 AS bucket, count(*) AS n, max(weight) AS hi FROM defs GROUP BY bucket",
        "SELECT upper(kind) AS kind, count(*) AS n FROM defs GROUP BY kind"
      })
  void theFinalQueryOverPartialsEqualsTheSql(String sql) throws Exception {
    String keyTable = sql.contains("FROM big") ? "big" : "defs";
    PartialAggregation split =
        PartialAggregation.of(
            connection,
            sql,
            keyTable,
            "file_id",
            probe -> {
              try (Statement statement = connection.createStatement()) {
                statement.execute("DESCRIBE " + probe);
                return true;
              } catch (SQLException e) {
                return false;
              }
            });
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TEMP TABLE \"relspec:partials\" AS SELECT * FROM (" + split.partialSql() + ")");
      assertThat(rows("SELECT * FROM (" + split.finalSql() + ")"))
          .as(split.finalSql())
          .containsExactlyInAnyOrderElementsOf(rows(sql));

      // Files change (rows of some files deleted, others altered): only their partials are
      // recomputed, from the rows of those files, and the final query equals the SQL again.
      statement.execute("DELETE FROM defs WHERE file_id IN ('f1', 'f2')");
      statement.execute("UPDATE defs SET size = size + 40, weight = NULL WHERE file_id = 'f3'");
      statement.execute("INSERT INTO defs SELECT 'f99', 'k9', 7, 70, 1.25 FROM range(3)");
      statement.execute(
          "DELETE FROM \"relspec:partials\" WHERE \"relspec:file\" IN ('f1', 'f2', 'f3', 'f99')");
      statement.execute(
          "INSERT INTO \"relspec:partials\" SELECT * FROM ("
              + split.partialSql()
              + ") WHERE \"relspec:file\" IN ('f1', 'f2', 'f3', 'f99')");
      assertThat(rows("SELECT * FROM (" + split.finalSql() + ")"))
          .as(split.finalSql())
          .containsExactlyInAnyOrderElementsOf(rows(sql));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT kind, count(DISTINCT size) FROM defs GROUP BY kind",
        "SELECT kind, string_agg(file_id, ',') FROM defs GROUP BY kind",
        "SELECT kind, size FROM defs GROUP BY kind",
        "SELECT kind, count(*) FROM defs GROUP BY ROLLUP (kind)",
        "SELECT kind, count(*) FROM defs GROUP BY kind LIMIT 2",
        "SELECT kind, rank() OVER (ORDER BY count(*)) FROM defs GROUP BY kind",
        "SELECT kind, count(*) FROM defs d1 JOIN defs d2 USING (file_id) GROUP BY kind",
        "SELECT kind, count(*) FROM (SELECT * FROM defs) GROUP BY kind",
        "SELECT kind FROM defs UNION ALL SELECT kind FROM kinds",
        // without a probe, an alias in GROUP BY cannot be told from a column
        "SELECT size % 3 AS bucket, count(*) FROM defs GROUP BY bucket"
      })
  void whatCannotBeSplitIsRefusedWithItsReason(String sql) {
    assertThatThrownBy(() -> PartialAggregation.of(connection, sql, "defs", "file_id"))
        .isInstanceOf(PartialAggregation.Unsupported.class)
        .hasMessageNotContaining("cannot serialize");
  }

  /** Rows as text, doubles to 12 significant digits (partial sums add in another order). */
  private List<String> rows(String sql) throws SQLException {
    List<String> result = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          Object value = rows.getObject(i);
          row.append(value instanceof Double d ? String.format("%.12g", d) : String.valueOf(value))
              .append('|');
        }
        result.add(row.toString());
      }
    }
    return result;
  }
}
