package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;

/** The differential test's comparison itself: it must see every kind of difference. */
class ResultRowsTest {
  private static ResultRows rows(String sql) throws Exception {
    try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        Statement statement = duckdb.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return ResultRows.of(result);
    }
  }

  @Test
  void theSameRowsInAnotherOrderMatch() throws Exception {
    assertThat(
            rows("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(x, y)")
                .difference(rows("SELECT * FROM (VALUES (2, 'b'), (1, 'a')) t(x, y)")))
        .isNull();
  }

  @Test
  void doublesMatchWithinARelativeOneInABillionAndNoFurther() throws Exception {
    ResultRows expected = rows("SELECT 1234.5678::DOUBLE AS v");
    assertThat(expected.difference(rows("SELECT 1234.5678000001::DOUBLE AS v"))).isNull();
    assertThat(expected.difference(rows("SELECT 1234.5679::DOUBLE AS v"))).isNotNull();
    // a double against a decimal of the same value: the decimal is rounded, the double is not
    assertThat(expected.difference(rows("SELECT 1234.57::DECIMAL(10,2) AS v"))).isNotNull();
  }

  @Test
  void decimalsAndIntegersAreExact() throws Exception {
    assertThat(rows("SELECT 10::BIGINT AS v").difference(rows("SELECT 10.00::DECIMAL(9,2) AS v")))
        .isNull();
    assertThat(rows("SELECT 10.01::DECIMAL(9,2) AS v").difference(rows("SELECT 10::BIGINT AS v")))
        .isNotNull();
  }

  @Test
  void missingRowsExtraColumnsNullsAndTextAreDifferences() throws Exception {
    ResultRows expected = rows("SELECT * FROM (VALUES (1, 'a'), (2, NULL)) t(x, y)");
    assertThat(expected.difference(rows("SELECT * FROM (VALUES (1, 'a')) t(x, y)")))
        .contains("rows");
    assertThat(
            expected.difference(rows("SELECT *, 0 AS z FROM (VALUES (1, 'a'), (2, NULL)) t(x, y)")))
        .contains("columns");
    assertThat(expected.difference(rows("SELECT * FROM (VALUES (1, 'a'), (2, 'NULL')) t(x, y)")))
        .isNotNull();
    assertThat(expected.difference(rows("SELECT * FROM (VALUES (1, 'A'), (2, NULL)) t(x, y)")))
        .isNotNull();
  }
}
