package io.relspec.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionExpressionsTest {
  @Test
  void anExpressionOverItsParametersPasses() throws SqlRefusal {
    assertThat(
            FunctionExpressions.parse(
                "prefix || ':' || LEFT(MD5(CAST(k AS VARCHAR)), 16)", Set.of("prefix", "k")))
        .isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a +",
        "getenv('HOME'",
        "a); CREATE OR REPLACE MACRO m() AS (1",
        "(SELECT count(*) FROM relspec_meta.outbox)",
        "a + (SELECT max(x) FROM t)",
        "other_column",
        "t.a",
        "a, b",
        "a FROM t",
        "1 UNION SELECT 2",
        "a // 2"
      })
  void anythingButOneExpressionOverTheParametersIsRefused(String expression) {
    assertThatThrownBy(() -> FunctionExpressions.parse(expression, Set.of("a", "b")))
        .isInstanceOf(SqlRefusal.class);
  }

  @Test
  void aRefusalPointsIntoTheBody() {
    assertThatThrownBy(() -> FunctionExpressions.parse("a + nope", Set.of("a")))
        .isInstanceOfSatisfying(
            SqlRefusal.class,
            e -> {
              assertThat(e.getMessage()).contains("'nope' is not a parameter");
              assertThat(e.line()).isEqualTo(1);
              assertThat(e.column()).isEqualTo(5);
            });
  }
}
