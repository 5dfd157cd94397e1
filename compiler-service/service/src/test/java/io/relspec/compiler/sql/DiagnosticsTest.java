package io.relspec.compiler.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.relspec.compiler.CompilerErrorCode;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal has a stable code, a position when there is one, and a one-line message. */
class DiagnosticsTest {
  private static SqlCompileException refusal(String sql) {
    return catchThrowableOfType(SqlCompileException.class, () -> Fixtures.compile(sql));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          SYNTAX_ERROR | SELECT id FORM orders | 1 | 16
          NOT_A_QUERY | DELETE FROM orders | 1 | 1
          NOT_A_QUERY | CREATE TABLE x AS SELECT 1 | 1 | 1
          NOT_A_QUERY | INSERT INTO orders SELECT * FROM orders | 1 | 1
          MULTIPLE_STATEMENTS | SELECT 1; SELECT 2 | 1 | 11
          SYNTAX_ERROR | PRAGMA enable_profiling | 1 | 1
          NOT_A_QUERY | SET memory_limit = '1GB' | 1 | 1
          UNKNOWN_TABLE | SELECT id FROM nowhere | 1 | 16
          UNKNOWN_COLUMN | SELECT missing FROM orders | 1 | 8
          UNKNOWN_COLUMN | SELECT o.missing FROM orders o | 1 | 10
          AMBIGUOUS_COLUMN | SELECT id FROM orders JOIN customers ON customer_id = customers.id | 1 | 8
          TYPE_ERROR | SELECT id FROM orders WHERE ordered_at > 5 | 1 | 29
          TYPE_ERROR | SELECT cents(ordered_at) AS c FROM orders | 1 | 8
          UNKNOWN_FUNCTION | SELECT getenv('HOME') AS h FROM orders | 1 | 8
          UNKNOWN_FUNCTION | SELECT read_csv('/etc/passwd') AS x | 1 | 8
          UNKNOWN_FUNCTION | SELECT * FROM TABLE(read_csv('/etc/passwd')) | 1 | 21
          """)
  void refusedWithCodeAndPosition(String code, String sql, int line, int column) {
    SqlCompileException refusal = refusal(sql);
    assertThat(refusal).as(sql).isNotNull();
    assertThat(refusal.code().code()).as(refusal.getMessage()).isEqualTo(code);
    assertThat(refusal.line()).as(refusal.getMessage()).isEqualTo(line);
    assertThat(refusal.column()).as(refusal.getMessage()).isEqualTo(column);
    assertThat(refusal.getMessage()).doesNotContain("\n").doesNotContain("Was expecting");
  }

  @Test
  void tooLarge() {
    String sql = "SELECT " + "'x', ".repeat(60_000) + "1";
    assertThat(refusal(sql).code()).isEqualTo(CompilerErrorCode.TOO_LARGE);
  }

  @Test
  void aCompileOverItsTimeLimitStops() {
    String sql =
        IntStream.range(0, 200)
            .mapToObj(i -> "SELECT id, status FROM orders WHERE amount > " + i)
            .collect(Collectors.joining(" UNION ALL "));
    SqlCompileException refusal =
        catchThrowableOfType(
            SqlCompileException.class,
            () ->
                new QueryCompiler()
                    .compile(sql, Fixtures.environment(), Deadline.after(Duration.ofNanos(1))));
    assertThat(refusal.code()).isEqualTo(CompilerErrorCode.TIMEOUT);
    assertThat(refusal.getMessage()).contains("limit");
  }

  @Test
  void largeButOrdinaryQueriesCompile() throws Exception {
    String inList =
        "SELECT id FROM orders WHERE id IN ("
            + IntStream.range(0, 1_500)
                .mapToObj(Integer::toString)
                .collect(Collectors.joining(", "))
            + ")";
    assertThat(Fixtures.compile(inList).requiredColumns()).isNotEmpty();
    String orChain =
        "SELECT id FROM orders WHERE "
            + IntStream.range(0, 2_000)
                .mapToObj(i -> "id = " + i)
                .collect(Collectors.joining(" OR "));
    assertThat(Fixtures.compile(orChain).requiredColumns()).isNotEmpty();
    String unions =
        IntStream.range(0, 1_000)
            .mapToObj(i -> "SELECT id FROM orders WHERE amount > " + i)
            .collect(Collectors.joining(" UNION ALL "));
    assertThat(Fixtures.compile(unions).lineage()).hasSize(1);
  }

  @Test
  void queriesPastTheGatesLimitsAreTooLargeWithAPosition() {
    String deep = "SELECT " + "(".repeat(300) + "1" + ")".repeat(300) + " AS x";
    SqlCompileException nested = refusal(deep);
    assertThat(nested.code()).isEqualTo(CompilerErrorCode.TOO_LARGE);
    assertThat(nested.getMessage()).contains("nest deeper than 200");
    assertThat(nested.column()).isEqualTo(8 + 200);
    String terms =
        "SELECT id FROM orders WHERE "
            + IntStream.range(0, 6_000)
                .mapToObj(i -> "id = " + i)
                .collect(Collectors.joining(" OR "));
    SqlCompileException many = refusal(terms);
    assertThat(many.code()).isEqualTo(CompilerErrorCode.TOO_LARGE);
    assertThat(many.getMessage()).contains("more than 5000 operators");
    assertThat(many.line()).isEqualTo(1);
  }
}
