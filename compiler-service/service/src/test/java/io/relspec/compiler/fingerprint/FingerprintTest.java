package io.relspec.compiler.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.compiler.plans.PlanCompiler;
import io.relspec.compiler.sql.CompileEnvironment;
import io.relspec.compiler.sql.Deadline;
import io.relspec.compiler.sql.Fixtures;
import io.relspec.compiler.sql.QueryCompiler;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.spec.FunctionSpec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fingerprint changes exactly when the meaning of the plan changes. */
class FingerprintTest {
  private static String fingerprint(String sql) throws Exception {
    return Fixtures.compile(sql).fingerprint().value();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          whitespace and comments | SELECT id, amount FROM orders WHERE status = 'paid' | select   id,{nl} amount -- the total{nl} from orders /* all */ where status='paid'
          keyword case | SELECT id FROM orders WHERE amount > 1 | select id from orders where amount > 1
          table alias | SELECT o.id FROM orders o JOIN customers c ON o.customer_id = c.id | SELECT x.id FROM orders AS x JOIN customers AS y ON x.customer_id = y.id
          column alias inside | SELECT k FROM (SELECT id AS k FROM orders) t | SELECT k FROM (SELECT id AS j FROM orders) t(k)
          renamed derived column | SELECT total FROM (SELECT SUM(amount) AS total FROM orders) s | SELECT t AS total FROM (SELECT SUM(amount) AS t FROM orders) s
          CTE vs inline subquery | WITH paid AS (SELECT * FROM orders WHERE status = 'paid') SELECT id FROM paid | SELECT id FROM (SELECT * FROM orders WHERE status = 'paid') AS paid
          swapped equality | SELECT o.id FROM orders o JOIN customers c ON o.customer_id = c.id | SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id
          swapped AND | SELECT id FROM orders WHERE status = 'paid' AND amount > 5 | SELECT id FROM orders WHERE amount > 5 AND status = 'paid'
          swapped OR | SELECT id FROM orders WHERE status = 'paid' OR amount > 5 | SELECT id FROM orders WHERE amount > 5 OR status = 'paid'
          greater vs less | SELECT id FROM orders WHERE amount > 5 | SELECT id FROM orders WHERE 5 < amount
          quoted identifiers | SELECT id FROM orders | SELECT "id" FROM "orders"
          """)
  void sameMeaningSameFingerprint(String why, String a, String b) throws Exception {
    assertThat(fingerprint(b.replace("{nl}", "\n"))).as(why).isEqualTo(fingerprint(a));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          literal | SELECT id FROM orders WHERE status = 'paid' | SELECT id FROM orders WHERE status = 'open'
          numeric literal type | SELECT id FROM orders WHERE amount > 1 | SELECT id FROM orders WHERE amount > 1.5
          predicate | SELECT id FROM orders WHERE amount > 5 | SELECT id FROM orders WHERE amount >= 5
          join type | SELECT o.id FROM orders o JOIN customers c ON o.customer_id = c.id | SELECT o.id FROM orders o LEFT JOIN customers c ON o.customer_id = c.id
          output name | SELECT id FROM orders | SELECT id AS order_id FROM orders
          output type | SELECT id FROM orders | SELECT CAST(id AS INTEGER) AS id FROM orders
          column order | SELECT id, status FROM orders | SELECT status, id FROM orders
          aggregate function | SELECT SUM(amount) AS x FROM orders | SELECT MAX(amount) AS x FROM orders
          distinct | SELECT status FROM orders | SELECT DISTINCT status FROM orders
          limit | SELECT id FROM orders ORDER BY id LIMIT 5 | SELECT id FROM orders ORDER BY id LIMIT 6
          sort direction | SELECT id FROM orders ORDER BY id LIMIT 5 | SELECT id FROM orders ORDER BY id DESC LIMIT 5
          union all vs union | SELECT id FROM orders UNION ALL SELECT id FROM customers | SELECT id FROM orders UNION SELECT id FROM customers
          input table | SELECT id FROM orders | SELECT id FROM customers
          """)
  void differentMeaningDifferentFingerprint(String why, String a, String b) throws Exception {
    assertThat(fingerprint(b)).as(why).isNotEqualTo(fingerprint(a));
  }

  @Test
  void changingAFunctionDefinitionChangesItsCallers() throws Exception {
    String sql = "SELECT cents(amount) AS c FROM orders";
    CompileEnvironment changed =
        PlanCompiler.environment(
            Fixtures.SOURCES,
            Map.of(
                "cents",
                new FunctionSpec(
                    List.of(new FunctionSpec.Parameter("amount", ArrowType.parse("decimal(10,2)"))),
                    ArrowType.parse("int64"),
                    "CAST(ROUND(amount * 100) AS BIGINT)")));
    String before = fingerprint(sql);
    String after = new QueryCompiler().compile(sql, changed, Deadline.none()).fingerprint().value();
    assertThat(after).isNotEqualTo(before);
    assertThat(fingerprint("SELECT amount FROM orders"))
        .as("a plan that does not call the function keeps its fingerprint")
        .isEqualTo(
            new QueryCompiler()
                .compile("SELECT amount FROM orders", changed, Deadline.none())
                .fingerprint()
                .value());
  }

  /**
   * Fingerprints are stable across runs and JVMs: the committed values were computed by an earlier
   * run. A deliberate normalizer change bumps NORMALIZER_VERSION and regenerates the file with
   * {@code -Drelspec.golden.update=true}.
   */
  @Test
  void goldenFingerprints() throws Exception {
    String resource = "/compiler/golden-fingerprints.txt";
    Map<String, String> golden = new LinkedHashMap<>();
    try (InputStream in = FingerprintTest.class.getResourceAsStream(resource)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          golden.put(line.substring(65), line.substring(0, 64));
        }
      }
    }
    assertThat(golden).hasSizeGreaterThanOrEqualTo(10);
    List<String> regenerated = new ArrayList<>();
    regenerated.add("# sha-256 fingerprint, a space, the SQL (one line)");
    Map<String, String> actual = new LinkedHashMap<>();
    for (String sql : golden.keySet()) {
      String value = fingerprint(sql);
      actual.put(sql, value);
      regenerated.add(value + " " + sql);
    }
    if (Boolean.getBoolean("relspec.golden.update")) {
      Files.writeString(
          Path.of("src/test/resources" + resource), String.join("\n", regenerated) + "\n");
      return;
    }
    assertThat(actual).isEqualTo(golden);
  }
}
