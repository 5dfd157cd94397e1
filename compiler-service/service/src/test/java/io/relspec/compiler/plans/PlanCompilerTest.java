package io.relspec.compiler.plans;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.compiler.lineage.LineageWalker;
import io.relspec.compiler.sql.Fixtures;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.LineageGraph;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.PlanCatalogDiff;
import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A whole catalog: dependency order, views inlined, cycles, failures, reuse and diffs. */
class PlanCompilerTest {
  private static TaskSpec task(String output, String sql, TaskKind kind, int priority) {
    return new TaskSpec(DatasetName.of(output), sql, kind, null, priority, null, null, null, null);
  }

  private static CatalogSnapshot snapshot(String id, Map<String, TaskSpec> tasks) {
    Map<TaskName, TaskSpec> byName = new TreeMap<>();
    tasks.forEach((name, spec) -> byName.put(TaskName.of(name), spec));
    return new CatalogSnapshot(
        id, null, Instant.EPOCH, Fixtures.SOURCES, Fixtures.FUNCTIONS, Map.of(), byName, Map.of());
  }

  private static Map<String, TaskSpec> shop() {
    Map<String, TaskSpec> tasks = new TreeMap<>();
    // declared readers-first: the compiler orders them itself
    tasks.put(
        "region_totals",
        task(
            "region_totals",
            "SELECT region, SUM(total) AS total FROM customer_totals GROUP BY region",
            TaskKind.COMPUTE,
            100));
    tasks.put(
        "customer_totals",
        task(
            "customer_totals",
            "SELECT c.region, p.customer_id, SUM(p.amount) AS total FROM paid p JOIN customers c ON"
                + " c.id = p.customer_id GROUP BY c.region, p.customer_id",
            TaskKind.MATERIALIZATION,
            100));
    tasks.put(
        "paid",
        task(
            "paid",
            "SELECT file_id, id, customer_id, amount FROM orders WHERE status = 'paid'",
            TaskKind.VIEW,
            100));
    return tasks;
  }

  @Test
  void compilesInDependencyOrderWithViewsInlined() {
    PlanCatalog catalog =
        new PlanCompiler(Duration.ofSeconds(10), 100)
            .compile(snapshot("s1", shop()), Instant.EPOCH)
            .catalog();
    assertThat(catalog.failures()).isEmpty();
    PlanArtifact totals = catalog.plans().get(TaskName.of("customer_totals"));
    assertThat(totals.logicalInputs())
        .extracting(DatasetName::value)
        .containsExactly("customers", "paid");
    assertThat(totals.physicalInputs())
        .extracting(DatasetName::value)
        .containsExactly("customers", "orders");
    assertThat(totals.views()).extracting(DatasetName::value).containsExactly("paid");
    assertThat(totals.sql()).isEqualTo(shop().get("customer_totals").sql());
    assertThat(totals.requiredColumns().get(DatasetName.of("paid")))
        .extracting(column -> column.name())
        .containsExactly("amount", "customer_id");
    PlanArtifact paid = catalog.plans().get(TaskName.of("paid"));
    assertThat(paid.fileScope().scopable()).isTrue();
    assertThat(paid.fileScope().fileIdColumn()).isEqualTo("file_id");

    LineageGraph upstream =
        new LineageWalker(catalog)
            .upstream(new LineageGraph.Column(DatasetName.of("region_totals"), "total"), 10);
    assertThat(upstream.edges())
        .anySatisfy(
            edge -> {
              assertThat(edge.from().dataset().value()).isEqualTo("orders");
              assertThat(edge.from().column()).isEqualTo("amount");
              assertThat(edge.distance()).isEqualTo(3);
              assertThat(edge.subtype()).isEqualTo(ColumnLineage.Subtype.IDENTITY);
            });
    LineageGraph downstream =
        new LineageWalker(catalog)
            .downstream(new LineageGraph.Column(DatasetName.of("orders"), "amount"), 2);
    assertThat(downstream.edges())
        .extracting(edge -> edge.to().dataset().value() + "." + edge.to().column())
        .contains("paid.amount", "customer_totals.total")
        .doesNotContain("region_totals.total");
  }

  @Test
  void aScopedRunRestrictsWhatItsScopableViewsReadAndRunsInFullWhenASourceIsReadBothWays() {
    Map<String, TaskSpec> tasks = new TreeMap<>();
    tasks.put(
        "paid",
        task(
            "paid",
            "SELECT file_id, id, amount FROM orders WHERE status = 'paid'",
            TaskKind.VIEW,
            100));
    tasks.put(
        "grand_total",
        task("grand_total", "SELECT SUM(amount) AS total FROM orders", TaskKind.VIEW, 100));
    tasks.put(
        "paid_per_file",
        task(
            "paid_per_file",
            "SELECT p.file_id, SUM(p.amount) AS total, MAX(c.name) AS someone FROM paid p"
                + " CROSS JOIN customers c GROUP BY p.file_id",
            TaskKind.COMPUTE,
            100));
    tasks.put(
        "share_of_total",
        task(
            "share_of_total",
            "SELECT p.file_id, p.amount / g.total AS share FROM paid p CROSS JOIN grand_total g",
            TaskKind.COMPUTE,
            100));
    PlanCatalog catalog =
        new PlanCompiler(Duration.ofSeconds(10), 100)
            .compile(snapshot("s1", tasks), Instant.EPOCH)
            .catalog();
    assertThat(catalog.failures()).isEmpty();

    PlanArtifact perFile = catalog.plans().get(TaskName.of("paid_per_file"));
    assertThat(perFile.views()).extracting(DatasetName::value).containsExactly("paid");
    assertThat(perFile.fileScope().scopable()).as(perFile.fileScope().reason()).isTrue();
    // the view is created over the restricted source; the dimension is read whole
    assertThat(perFile.fileScope().scopedInputs())
        .containsExactly(Map.entry(DatasetName.of("orders"), "file_id"));

    PlanArtifact share = catalog.plans().get(TaskName.of("share_of_total"));
    assertThat(share.views()).extracting(DatasetName::value).containsExactly("grand_total", "paid");
    assertThat(share.fileScope().scopable()).isFalse();
    assertThat(share.fileScope().reason())
        .isEqualTo(
            "orders is read both for the changed files and in full (through view grand_total)");
    assertThat(share.fileScope().scopedInputs()).isEmpty();
    // ... yet its rows keep their file id, so its readers can be scoped by it
    assertThat(share.fileScope().fileIdColumn()).isEqualTo("file_id");
  }

  @Test
  void theOutputOfATaskThatIsNotScopableStaysKeyedByFileForItsReadersWhenItKeepsTheFileId() {
    Map<String, TaskSpec> tasks = new TreeMap<>();
    tasks.put(
        "ranked",
        task(
            "ranked",
            "SELECT file_id, id, ROW_NUMBER() OVER (ORDER BY amount, id) AS rank FROM orders",
            TaskKind.COMPUTE,
            100));
    tasks.put(
        "ranks_per_file",
        task(
            "ranks_per_file",
            "SELECT file_id, MIN(rank) AS best FROM ranked GROUP BY file_id",
            TaskKind.COMPUTE,
            100));
    tasks.put(
        "by_status",
        task(
            "by_status",
            "SELECT status, COUNT(*) AS n FROM orders GROUP BY status",
            TaskKind.COMPUTE,
            100));
    tasks.put(
        "status_total",
        task("status_total", "SELECT SUM(n) AS n FROM by_status", TaskKind.COMPUTE, 100));
    PlanCatalog catalog =
        new PlanCompiler(Duration.ofSeconds(10), 100)
            .compile(snapshot("s1", tasks), Instant.EPOCH)
            .catalog();
    assertThat(catalog.failures()).isEmpty();

    PlanArtifact ranked = catalog.plans().get(TaskName.of("ranked"));
    assertThat(ranked.fileScope().scopable()).isFalse();
    assertThat(ranked.fileScope().reason())
        .isEqualTo(
            "a window function is not partitioned by the file id; its output stays partitioned by"
                + " file id in column file_id");
    assertThat(ranked.fileScope().fileIdColumn()).isEqualTo("file_id");
    PlanArtifact perFile = catalog.plans().get(TaskName.of("ranks_per_file"));
    assertThat(perFile.fileScope().scopable()).as(perFile.fileScope().reason()).isTrue();
    assertThat(perFile.fileScope().scopedInputs())
        .containsExactly(Map.entry(DatasetName.of("ranked"), "file_id"));

    // grouped by another key, the file id is gone: neither it nor its reader is keyed by file;
    // it is kept from partial aggregates per file id instead
    PlanArtifact byStatus = catalog.plans().get(TaskName.of("by_status"));
    assertThat(byStatus.fileScope().fileIdColumn()).isNull();
    assertThat(byStatus.fileScope().reason())
        .startsWith("an aggregation does not group by the file id; its aggregates");
    assertThat(byStatus.fileScope().partialAggregate())
        .isEqualTo(new FileScope.PartialAggregate(DatasetName.of("orders"), "file_id"));
    assertThat(byStatus.fileScope().scopedInputs())
        .containsExactly(Map.entry(DatasetName.of("orders"), "file_id"));
    PlanArtifact total = catalog.plans().get(TaskName.of("status_total"));
    assertThat(total.fileScope().scopable()).isFalse();
    assertThat(total.fileScope().reason()).isEqualTo("reads no input keyed by file id");
  }

  @Test
  void aTaskCallingAFunctionWhoseBodyDoesNotCompileFailsAndTheOthersCompile() {
    Map<String, io.relspec.contracts.spec.FunctionSpec> functions =
        new TreeMap<>(Fixtures.FUNCTIONS);
    functions.put(
        "home",
        new io.relspec.contracts.spec.FunctionSpec(
            List.of(), io.relspec.contracts.arrow.ArrowType.parse("utf8"), "getenv('HOME')"));
    Map<TaskName, TaskSpec> tasks = new TreeMap<>();
    tasks.put(
        TaskName.of("leaky"),
        task("leaky", "SELECT id, home() AS h FROM orders", TaskKind.COMPUTE, 100));
    tasks.put(
        TaskName.of("fine"),
        task("fine", "SELECT id, cents(amount) AS c FROM orders", TaskKind.COMPUTE, 100));
    PlanCatalog catalog =
        new PlanCompiler(Duration.ofSeconds(10), 100)
            .compile(
                new CatalogSnapshot(
                    "s1",
                    null,
                    Instant.EPOCH,
                    Fixtures.SOURCES,
                    functions,
                    Map.of(),
                    tasks,
                    Map.of()),
                Instant.EPOCH)
            .catalog();
    assertThat(catalog.plans()).containsOnlyKeys(TaskName.of("fine"));
    assertThat(catalog.failures())
        .singleElement()
        .satisfies(
            failure -> {
              assertThat(failure.code()).isEqualTo("INVALID_FUNCTION");
              assertThat(failure.message())
                  .startsWith("calls function home, whose body does not compile:")
                  .contains("getenv");
            });
  }

  @Test
  void reportsCyclesWithTheirPathAndFailsWhatReadsThem() {
    Map<String, TaskSpec> tasks = new TreeMap<>();
    tasks.put("a", task("a", "SELECT id FROM b", TaskKind.COMPUTE, 100));
    tasks.put("b", task("b", "SELECT id FROM a", TaskKind.COMPUTE, 100));
    tasks.put("c", task("c", "SELECT id FROM a", TaskKind.COMPUTE, 100));
    tasks.put("d", task("d", "SELECT id FROM nowhere", TaskKind.COMPUTE, 100));
    tasks.put("e", task("e", "SELECT id FROM d", TaskKind.COMPUTE, 100));
    PlanCatalog catalog =
        new PlanCompiler(Duration.ofSeconds(10), 100)
            .compile(snapshot("s", tasks), Instant.EPOCH)
            .catalog();
    Map<String, CompileFailure> failures = new TreeMap<>();
    catalog.failures().forEach(failure -> failures.put(failure.task().value(), failure));
    assertThat(failures.get("a").code()).isEqualTo("CYCLE");
    assertThat(failures.get("a").message()).contains("a → b → a");
    assertThat(failures.get("a").cycle())
        .extracting(TaskName::value)
        .containsExactly("a", "b", "a");
    assertThat(failures.get("b").code()).isEqualTo("CYCLE");
    assertThat(failures.get("c").code()).isEqualTo("UPSTREAM_FAILED");
    assertThat(failures.get("d").code()).isEqualTo("UNKNOWN_TABLE");
    assertThat(failures.get("d").line()).isEqualTo(1);
    assertThat(failures.get("e").code()).isEqualTo("UPSTREAM_FAILED");
    assertThat(failures.get("e").message()).contains("input d");
    assertThat(catalog.plans()).isEmpty();
  }

  @Test
  void recompilesOnlyWhatChangedAndDiffsTheCatalogs() {
    PlanCompiler compiler = new PlanCompiler(Duration.ofSeconds(10), 100);
    PlanCompiler.Result first = compiler.compile(snapshot("s1", shop()), Instant.EPOCH);
    assertThat(first.stats().compiled()).isEqualTo(3);

    Map<String, TaskSpec> changed = shop();
    changed.put(
        "paid",
        task(
            "paid",
            "SELECT file_id, id, customer_id, amount, status FROM orders WHERE status = 'paid'",
            TaskKind.VIEW,
            100));
    changed.put(
        "region_totals",
        task(
            "region_totals",
            "SELECT region, SUM(total) AS total FROM customer_totals GROUP BY region",
            TaskKind.COMPUTE,
            5));
    PlanCompiler.Result second = compiler.compile(snapshot("s2", changed), Instant.EPOCH);
    // paid changed; customer_totals reads it (its plan inlines the view); region_totals is reused
    assertThat(second.stats().compiled()).isEqualTo(2);
    assertThat(second.stats().reused()).isEqualTo(1);

    PlanCatalogDiff diff = PlanDiffer.diff(first.catalog(), second.catalog());
    Map<String, PlanCatalogDiff.TaskChange> changes = new TreeMap<>();
    diff.changed().forEach(change -> changes.put(change.task().value(), change));
    assertThat(changes.get("paid").category()).isEqualTo(PlanCatalogDiff.Category.NON_BREAKING);
    assertThat(changes.get("paid").addedColumns()).containsExactly("status");
    assertThat(changes.get("paid").downstream())
        .extracting(TaskName::value)
        .containsExactly("customer_totals", "region_totals");
    assertThat(changes.get("region_totals").category())
        .isEqualTo(PlanCatalogDiff.Category.METADATA_ONLY);
    assertThat(changes.get("region_totals").changedFields()).containsExactly("priority");
    assertThat(changes.get("region_totals").downstream()).isEmpty();
    // Its inlined view gained a column it does not read (same filter, same columns read): its
    // plan is unchanged, so it is not re-run.
    assertThat(changes).doesNotContainKey("customer_totals");
    assertThat(second.catalog().plans().get(TaskName.of("customer_totals")).fingerprint())
        .isEqualTo(first.catalog().plans().get(TaskName.of("customer_totals")).fingerprint());

    Map<String, TaskSpec> breaking = shop();
    breaking.put(
        "paid",
        task(
            "paid",
            "SELECT file_id, id, customer_id, amount FROM orders WHERE status = 'open'",
            TaskKind.VIEW,
            100));
    PlanCatalogDiff third =
        PlanDiffer.diff(
            first.catalog(), compiler.compile(snapshot("s3", breaking), Instant.EPOCH).catalog());
    assertThat(third.changed())
        .filteredOn(change -> change.task().value().equals("paid"))
        .extracting(PlanCatalogDiff.TaskChange::category)
        .containsExactly(PlanCatalogDiff.Category.BREAKING);
    assertThat(third.unchanged())
        .as("a reader whose input kept its schema keeps its plan; the scheduler re-runs it")
        .extracting(TaskName::value)
        .containsExactly("region_totals");
  }
}
