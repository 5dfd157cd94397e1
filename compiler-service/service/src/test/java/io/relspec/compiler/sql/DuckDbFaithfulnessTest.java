package io.relspec.compiler.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The executable SQL means what the user wrote: each query runs on DuckDB as written and as the
 * compiler regenerated it from the validated plan, and both give the same rows (in order when the
 * query orders them).
 */
class DuckDbFaithfulnessTest {
  private static Connection duckdb;

  @BeforeAll
  static void createTables() throws SQLException {
    duckdb = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = duckdb.createStatement()) {
      statement.execute(
          "CREATE TABLE orders (id BIGINT NOT NULL, customer_id BIGINT, amount DECIMAL(10,2),"
              + " status VARCHAR, ordered_at TIMESTAMP, file_id VARCHAR NOT NULL)");
      statement.execute(
          "INSERT INTO orders VALUES"
              + " (1, 1, 12.50, 'paid', TIMESTAMP '2026-01-05 10:00:00', 'f1'),"
              + " (2, 1, 30.00, 'open', TIMESTAMP '2026-02-11 09:30:00', 'f1'),"
              + " (3, 2, NULL, 'paid', TIMESTAMP '2026-02-12 17:45:00', 'f2'),"
              + " (4, 3, 7.25, NULL, NULL, 'f2'),"
              + " (5, NULL, 20.00, 'cancelled', TIMESTAMP '2026-03-01 00:00:00', 'f3'),"
              + " (6, 2, 45.10, 'paid', TIMESTAMP '2026-03-02 12:00:00', 'f3'),"
              + " (7, 3, 20.00, 'open', TIMESTAMP '2026-01-20 08:15:00', 'f1')");
      statement.execute(
          "CREATE TABLE items (order_id BIGINT NOT NULL, sku VARCHAR NOT NULL, qty INTEGER,"
              + " price DOUBLE, file_id VARCHAR NOT NULL)");
      statement.execute(
          "INSERT INTO items VALUES (1, 'apple', 3, 1.5, 'f1'), (1, 'pear', 1, 2.25, 'f1'),"
              + " (2, 'apple', 5, 1.5, 'f1'), (3, 'melon', 2, 4.0, 'f2'), (6, 'kiwi', NULL, 0.5,"
              + " 'f3'), (6, 'apple', 7, 1.25, 'f3'), (7, 'fig', 4, NULL, 'f1')");
      statement.execute(
          "CREATE TABLE customers (id BIGINT NOT NULL, name VARCHAR, region VARCHAR)");
      statement.execute(
          "INSERT INTO customers VALUES (1, 'Ada', 'north'), (2, 'bob', 'south'),"
              + " (3, 'Alan', 'north'), (4, NULL, 'east'), (5, 'Cleo', NULL)");
      statement.execute("CREATE MACRO \"cents\"(amount) AS CAST(amount * 100 AS BIGINT)");
    }
  }

  @AfterAll
  static void close() throws SQLException {
    duckdb.close();
  }

  static List<Cases> cases() {
    return Cases.load("/compiler/faithfulness.sql");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void regeneratedSqlGivesTheSameRows(Cases query) throws Exception {
    CompiledQuery compiled = Fixtures.compile(query.sql());
    List<String> expected = rows(query.sql());
    List<String> actual = rows(compiled.executableSql());
    boolean ordered =
        query.sql().toUpperCase(java.util.Locale.ROOT).contains("ORDER BY")
            && query.sql().toUpperCase(java.util.Locale.ROOT).contains("LIMIT");
    if (ordered) {
      assertThat(actual).as(compiled.executableSql()).containsExactlyElementsOf(expected);
    } else {
      assertThat(actual).as(compiled.executableSql()).containsExactlyInAnyOrderElementsOf(expected);
    }
    assertThat(expected).as("the case must return rows to prove anything").isNotEmpty();
  }

  static List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = duckdb.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          Object value = result.getObject(i);
          row.append(
                  value instanceof java.math.BigDecimal decimal
                      ? decimal.stripTrailingZeros().toPlainString()
                      : String.valueOf(value))
              .append('|');
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
