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

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "SELECT a // 2 AS h FROM t|1|10|integer division //",
        "SELECT a ** 2 AS p FROM t|1|10|power operator **",
        "SELECT [1, 2, 3] AS l FROM t|1|8|list literals",
        "SELECT x FROM t WHERE x IN [1, 2]|1|28|list literals",
        "SELECT {'a': 1} AS s FROM t|1|8|struct literals",
        "SELECT DISTINCT ON (a) a, b FROM t|1|8|DISTINCT ON",
        "SELECT COLUMNS('a.*') FROM t|1|8|COLUMNS(…)",
        "SELECT a FROM t ORDER BY #1|1|26|positional column references",
        "SELECT j->>'$.a' AS v FROM t|1|9|->> operator",
        "FROM t SELECT a|1|1|FROM-first",
        "SELECT U&'d\\0061t' AS s|1|8|Unicode escape strings",
      })
  void duckDbSyntaxTheAnalyzerDoesNotFollowIsRefusedByName(
      String sql, int line, int column, String construct) {
    assertThatThrownBy(() -> QueryText.parseQuery(sql))
        .isInstanceOfSatisfying(
            SqlRefusal.class,
            e -> {
              assertThat(e.kind()).isEqualTo(SqlErrorKind.UNSUPPORTED_SYNTAX);
              assertThat(e.getMessage()).contains(construct);
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.column()).isEqualTo(column);
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "SELECT x::INTEGER AS i FROM t",
        "SELECT sum(x) AS value FROM t",
        "SELECT * EXCLUDE (a) FROM t",
        "SELECT a FROM t WHERE a ILIKE 'x%'",
        "SELECT a FROM t QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1",
        "SELECT a, count(*) FILTER (WHERE b > 1) AS n FROM t GROUP BY ALL",
        "SELECT x[1] AS first, ARRAY[1, 2] AS l FROM t ORDER BY ALL",
        "SELECT 'a // b ** c [1] {x}' AS s, \"x[y]\" FROM t -- a // comment [1]",
      })
  void duckDbSyntaxTheAnalyzerFollowsParses(String sql) throws SqlRefusal {
    assertThat(QueryText.parseQuery(sql)).isNotNull();
  }

  @Test
  void aRefusalNamesTheLineAndColumnOfTheConstruct() {
    assertThatThrownBy(() -> QueryText.parseQuery("SELECT x\nFROM t\nWHERE x IN [1, 2]"))
        .isInstanceOfSatisfying(
            SqlRefusal.class, e -> assertThat(e.describe()).endsWith("(line 3, column 12)"));
  }

  @Test
  void groupByAllKeepsEveryPositionAndMarksTheClause() throws SqlRefusal {
    var select =
        (org.apache.calcite.sql.SqlSelect)
            QueryText.parseQuery("SELECT a, sum(b) AS s FROM t GROUP BY ALL");
    assertThat(select.getGroup()).hasSize(1);
    var marker = (org.apache.calcite.sql.SqlIdentifier) select.getGroup().get(0);
    assertThat(marker.getSimple()).isEqualTo(DuckDbSyntax.ALL_MARKER);
    assertThat(marker.getParserPosition().getColumnNum()).isEqualTo(39);
  }
}
