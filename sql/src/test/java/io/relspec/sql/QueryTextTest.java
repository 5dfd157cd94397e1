package io.relspec.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.contracts.spec.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryTextTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT id FROM orders|orders",
        "SELECT o.id FROM orders o JOIN customers c ON o.cid = c.id|customers,orders",
        "WITH recent AS (SELECT * FROM orders) SELECT * FROM recent|orders",
        "SELECT * FROM a WHERE x IN (SELECT x FROM b)|a,b",
        "SELECT (SELECT max(x) FROM c) AS m FROM a|a,c",
        "SELECT * FROM raw.orders|raw.orders",
        "SELECT 1 AS x|''",
        "SELECT x FROM a UNION ALL SELECT x FROM b ORDER BY x|a,b",
        "SELECT * FROM a LEFT JOIN (SELECT * FROM b) s ON a.id = s.id|a,b",
      })
  void collectsTheTablesAQueryReads(String sql, String expected) throws SqlRefusal {
    assertThat(String.join(",", TableReferences.of(QueryText.parseQuery(sql)))).isEqualTo(expected);
  }

  @Test
  void aCteShadowsATableOfTheSameNameOnlyInsideItsScope() throws SqlRefusal {
    assertThat(
            TableReferences.of(
                QueryText.parseQuery(
                    "WITH orders AS (SELECT * FROM raw_orders) SELECT * FROM orders")))
        .containsExactly("raw_orders");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "INSERT INTO t SELECT 1|NOT_A_QUERY",
        "DELETE FROM t|NOT_A_QUERY",
        "UPDATE t SET x = 1|NOT_A_QUERY",
        "SELECT 1; SELECT 2|MULTIPLE_STATEMENTS",
        "SELEC 1|SYNTAX_ERROR",
        "SELECT FROM WHERE|SYNTAX_ERROR",
        "'   '|SYNTAX_ERROR",
      })
  void refusesWhatIsNotExactlyOneQuery(String sql, SqlErrorKind kind) {
    assertThatThrownBy(() -> QueryText.parseQuery(sql))
        .isInstanceOfSatisfying(SqlRefusal.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  @Test
  void syntaxErrorsAreOneLineWithAPosition() {
    assertThatThrownBy(() -> QueryText.parseQuery("SELECT id\nFROM orders WHERE"))
        .isInstanceOfSatisfying(
            SqlRefusal.class,
            e -> {
              assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Was expecting");
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.column()).isPositive();
            });
  }

  @Test
  void refusesSqlOverTheSizeLimit() {
    String big = "SELECT 1 AS x -- " + "y".repeat(TaskSpec.MAX_SQL_BYTES);
    assertThatThrownBy(() -> QueryText.parseQuery(big))
        .isInstanceOfSatisfying(
            SqlRefusal.class, e -> assertThat(e.kind()).isEqualTo(SqlErrorKind.TOO_LARGE));
  }

  @Test
  void qualifiedTableNamesBecomeOneIdentifierButColumnsStayQualified() throws SqlRefusal {
    var node = QueryText.parseQuery("SELECT o.id FROM raw.orders AS o WHERE o.id > 1");
    assertThat(TableReferences.flattenQualifiedNames(node)).containsExactly("raw.orders");
    assertThat(node.toSqlString(org.apache.calcite.sql.dialect.DuckDBSqlDialect.DEFAULT).getSql())
        .contains("FROM \"raw.orders\" AS \"o\"")
        .contains("\"o\".\"id\"");
  }

  @Test
  void functionCallsAreListedAsWritten() throws SqlRefusal {
    assertThat(
            FunctionReferences.of(
                QueryText.parseQuery(
                    "SELECT tag(k, 'x') AS t FROM a WHERE upper(k) IN (SELECT tag(v, 'y') FROM b)")))
        .contains("tag", "upper");
  }
}
