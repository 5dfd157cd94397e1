package io.relspec.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one DuckDB statement costs on this machine, alone: the floor under figure 5's dispatch
 * overhead, where a trivial task's output is a sequence of such statements in the executor's store
 * ({@code BEGIN}, {@code CREATE TABLE AS}, the measured version row, the view, the pruning, {@code
 * COMMIT}). Single-threaded, on a database file as the store's, after one untimed round; mean
 * microseconds per statement.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.relspec.bench.StatementCostBench [out.md] [n]</pre>
 */
public final class StatementCostBench {
  private StatementCostBench() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "bench/target/statement-cost.md");
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Path dir = Files.createTempDirectory("relspec-statement-cost");
    Map<String, Long> nanos = new LinkedHashMap<>();
    try (Connection connection =
        DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("store.duckdb"))) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE versions (dataset VARCHAR, version BIGINT, row_count BIGINT,"
                + " row_hash_sum HUGEINT)");
        statement.execute("CREATE TABLE t AS SELECT 1::BIGINT AS v");
      }
      for (int round = 0; round < 2; round++) {
        nanos.clear();
        for (int i = 0; i < n; i++) {
          writeOneOutput(connection, round * n + i, nanos);
        }
      }
    }
    StringBuilder table =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "DuckDB statement cost, single thread, %,d repetitions after one untimed round%n%n"
                    + "| statement | mean µs |%n|---|---|%n",
                n));
    long total = 0;
    for (Map.Entry<String, Long> entry : nanos.entrySet()) {
      table.append(
          String.format(
              Locale.ROOT, "| %s | %.0f |%n", entry.getKey(), entry.getValue() / 1e3 / n));
      total += entry.getValue();
    }
    table.append(String.format(Locale.ROOT, "| all of the above | %.0f |%n", total / 1e3 / n));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, table);
    System.out.print(table);
  }

  /** One trivial task's output, statement by statement, as the store writes it. */
  private static void writeOneOutput(Connection connection, int i, Map<String, Long> nanos)
      throws SQLException {
    String table = "out_" + i;
    try (Statement statement = connection.createStatement()) {
      timed(nanos, "SELECT 1", () -> statement.execute("SELECT 1"));
      timed(nanos, "BEGIN", () -> statement.execute("BEGIN TRANSACTION"));
      timed(
          nanos,
          "CREATE TABLE AS (one row, cast)",
          () ->
              statement.execute(
                  "CREATE TABLE "
                      + table
                      + " AS SELECT CAST(r.v AS BIGINT) AS v FROM (SELECT v + 1 AS v FROM t) AS"
                      + " r(v)"));
      timed(
          nanos,
          "DESCRIBE SELECT * FROM the table",
          () -> {
            try (ResultSet rows = statement.executeQuery("DESCRIBE SELECT * FROM " + table)) {
              while (rows.next()) {
                rows.getString("column_type");
              }
            }
          });
      timed(
          nanos,
          "prepare SELECT * FROM the table (metadata only)",
          () -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table)) {
              ResultSetMetaData metadata = select.getMetaData();
              metadata.getColumnTypeName(1);
            }
          });
      timed(
          nanos,
          "INSERT version row, measured, RETURNING",
          () -> {
            try (ResultSet rows =
                statement.executeQuery(
                    "INSERT INTO versions SELECT 'd', "
                        + i
                        + ", COUNT(*), SUM(hash(v)) FROM "
                        + table
                        + " RETURNING row_count")) {
              rows.next();
            }
          });
      timed(
          nanos,
          "CREATE OR REPLACE VIEW",
          () -> statement.execute("CREATE OR REPLACE VIEW d AS SELECT * FROM " + table));
      timed(
          nanos,
          "DELETE pruned version rows",
          () -> statement.execute("DELETE FROM versions WHERE version <= " + (i - 3)));
      timed(
          nanos,
          "DROP TABLE (pruned version)",
          () -> statement.execute("DROP TABLE IF EXISTS \"out_" + (i - 3) + "\""));
      timed(nanos, "COMMIT", () -> statement.execute("COMMIT"));
    }
  }

  private interface Step {
    void run() throws SQLException;
  }

  private static void timed(Map<String, Long> nanos, String name, Step step) throws SQLException {
    long start = System.nanoTime();
    step.run();
    nanos.merge(name, System.nanoTime() - start, Long::sum);
  }
}
