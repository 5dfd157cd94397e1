package io.relspec.compiler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.compiler.plans.PlanCompiler;
import io.relspec.compiler.sql.CompileEnvironment;
import io.relspec.compiler.sql.Deadline;
import io.relspec.compiler.sql.Fixtures;
import io.relspec.compiler.sql.QueryCompiler;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Compile throughput harness (not a test of timings; it asserts only that everything compiled).
 * Runs with {@code -Drelspec.bench=true -Dtest=CompileBench} and writes {@code
 * target/bench-compile.txt}: the cold first compile of a catalog, then per-task warm compile times
 * (parse, validate, lineage, file scope, fingerprint, DuckDB SQL) over repeated rounds, for a
 * 36-task catalog and the same replicated to 1,008 tasks. The JMH suite is issue 8's bench module.
 */
@EnabledIfSystemProperty(named = "relspec.bench", matches = "true")
class CompileBench {
  private static final String[] TEMPLATES = {
    "SELECT file_id, id, customer_id, amount, status FROM orders WHERE status <> 'cancelled'",
    "SELECT file_id, order_id, sku, qty, price, qty * price AS line_total FROM items WHERE qty > 0",
    "SELECT o.file_id, o.id, o.customer_id, SUM(i.line_total) AS total FROM live_orders{n} o JOIN"
        + " lines{n} i ON i.order_id = o.id AND i.file_id = o.file_id GROUP BY o.file_id, o.id,"
        + " o.customer_id",
    "SELECT c.region, t.customer_id, SUM(t.total) AS total, COUNT(*) AS orders FROM"
        + " order_totals{n} t LEFT JOIN customers c ON c.id = t.customer_id GROUP BY c.region,"
        + " t.customer_id",
    "SELECT region, customer_id, total, RANK() OVER (PARTITION BY region ORDER BY total DESC) AS"
        + " rnk FROM customer_totals{n}",
    "WITH top AS (SELECT * FROM ranked{n} WHERE rnk <= 3) SELECT region, COUNT(*) AS n,"
        + " MAX(total) AS best, CASE WHEN MAX(total) > 100 THEN 'big' ELSE 'small' END AS size"
        + " FROM top GROUP BY region",
    "SELECT id, cents(amount) AS cents, EXTRACT(YEAR FROM ordered_at) AS y FROM orders WHERE"
        + " customer_id IN (SELECT id FROM customers WHERE region = 'north')",
    "SELECT sku, AVG(price) AS mean, COUNT(DISTINCT order_id) AS orders FROM lines{n} GROUP BY sku"
        + " HAVING COUNT(*) > 1",
    "SELECT file_id, id AS k FROM live_orders{n} UNION ALL SELECT file_id, order_id FROM lines{n}",
    "SELECT c.id, c.name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM live_orders{n} o WHERE"
        + " o.customer_id = c.id)",
    "SELECT id, LAG(amount) OVER (ORDER BY id) AS previous, amount - (SELECT AVG(amount) FROM"
        + " orders) AS delta FROM orders",
    "SELECT UPPER(region) AS region, SUM(best) AS best FROM region_summary{n} GROUP BY"
        + " UPPER(region)"
  };
  private static final String[] NAMES = {
    "live_orders", "lines", "order_totals", "customer_totals", "ranked", "region_summary",
    "north_orders", "sku_stats", "keys", "idle_customers", "order_deltas", "regions"
  };

  static CatalogSnapshot catalog(int replicas) {
    Map<TaskName, TaskSpec> tasks = new TreeMap<>();
    for (int n = 0; n < replicas; n++) {
      for (int t = 0; t < TEMPLATES.length; t++) {
        String name = NAMES[t] + n;
        tasks.put(
            TaskName.of(name),
            new TaskSpec(
                DatasetName.of(name),
                TEMPLATES[t].replace("{n}", Integer.toString(n)),
                t == 0 ? TaskKind.VIEW : TaskKind.COMPUTE,
                null,
                null,
                null,
                null,
                null,
                null));
      }
    }
    return new CatalogSnapshot(
        "bench-" + replicas,
        null,
        Instant.EPOCH,
        Fixtures.SOURCES,
        Fixtures.FUNCTIONS,
        Map.of(),
        tasks,
        Map.of());
  }

  @Test
  void measure() throws Exception {
    StringBuilder report = new StringBuilder();
    report.append("Relspec compile harness, ").append(Instant.now()).append('\n');
    report
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(System.getProperty("java.version"))
        .append('\n');
    for (int replicas : new int[] {3, 84}) {
      CatalogSnapshot snapshot = catalog(replicas);
      long coldStart = System.nanoTime();
      PlanCompiler.Result cold =
          new PlanCompiler(Duration.ofSeconds(30), 0).compile(snapshot, Instant.EPOCH);
      double coldMs = (System.nanoTime() - coldStart) / 1e6;
      assertThat(cold.catalog().failures()).isEmpty();

      // warm: compile each task against the environment of the compiled catalog
      CompileEnvironment environment = PlanCompiler.environment(snapshot);
      for (PlanArtifact plan : cold.catalog().plans().values()) {
        environment.add(PlanCompiler.inputOf(snapshot.tasks().get(plan.task()), plan));
      }
      QueryCompiler compiler = new QueryCompiler();
      List<Double> perTask = new ArrayList<>();
      int rounds = replicas > 10 ? 3 : 30;
      for (int round = 0; round < rounds + 2; round++) {
        for (TaskSpec spec : snapshot.tasks().values()) {
          long start = System.nanoTime();
          compiler.compile(spec.sql(), environment, Deadline.none());
          if (round >= 2) {
            perTask.add((System.nanoTime() - start) / 1e6);
          }
        }
      }
      Collections.sort(perTask);
      double median = perTask.get(perTask.size() / 2);
      double p95 = perTask.get((int) (perTask.size() * 0.95));
      double total = perTask.stream().mapToDouble(Double::doubleValue).sum();
      report.append(
          String.format(
              "%d tasks: cold first catalog %.0f ms (%.2f ms/task); warm per task median %.2f ms,"
                  + " p95 %.2f ms, min %.2f, max %.2f; %.0f tasks/s on one thread (%d samples)%n",
              snapshot.tasks().size(),
              coldMs,
              coldMs / snapshot.tasks().size(),
              median,
              p95,
              perTask.get(0),
              perTask.get(perTask.size() - 1),
              perTask.size() / (total / 1000),
              perTask.size()));
    }
    Files.writeString(Path.of("target/bench-compile.txt"), report.toString());
    System.out.print(report);
  }
}
