package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.cli.api.ApiClient;
import io.relspec.cli.examples.CodeAnatomyGenerator;
import io.relspec.executor.ExecutorNode;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARCHITECTURE §6.3 on the code-anatomy example: after each kind of change, an incremental run and
 * a full run over the same inputs leave every output identical, row by row. Everything goes through
 * the real {@code relspec} CLI, REST, the compiler, the scheduler, DuckDB and Flight in one JVM.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDataDirectory.class, restrictToAnnotatedClass = true)
class CodeAnatomyIncrementalEquivalenceTest {
  private static final int FILES = 60;
  private static final long SEED = 7;

  @Inject ExecutorNode executor;

  @TempDir Path work;

  private StandaloneHarness harness;
  private ApiClient api;

  /** Tasks of the last incremental run narrowed at run time to the partitions that changed. */
  private final List<String> narrowed = new ArrayList<>();

  @BeforeEach
  void connect() throws Exception {
    harness = new StandaloneHarness(executor.flightUri());
    api = harness.api();
  }

  @Test
  void incrementalRunsMatchFullRunsAfterEveryKindOfChange() throws Exception {
    Path bundle = work.resolve("code-anatomy");
    StandaloneHarness.copy(Path.of("..", "examples", "code-anatomy"), bundle);
    // A union with a global branch (the standard library's names, file id NULL) and a reader of it
    // grouped by file: both scopable, the global partition recomputed on every scoped run.
    Files.writeString(
        bundle.resolve("tasks/symbol_index.sql"),
        "SELECT file_id, def_name AS name, 'definition' AS origin FROM definitions\n"
            + "UNION ALL\n"
            + "SELECT NULL, symbol_name, 'external' FROM external_symbols\n");
    Files.writeString(
        bundle.resolve("tasks/name_counts.sql"),
        "SELECT file_id, origin, COUNT(*) AS names FROM symbol_index GROUP BY file_id, origin\n");
    // Aggregations grouped by other keys (rule 2c): kept from partial aggregates per file id, one
    // over a per-file input alone, one over a join with the global dimension.
    Files.writeString(
        bundle.resolve("tasks/kind_totals.sql"),
        "SELECT def_kind, COUNT(*) AS defs, SUM(span_lines) AS lines, MIN(start_line) AS first,\n"
            + "       MAX(end_line) AS last, AVG(span_lines) AS mean_span\n"
            + "FROM definitions GROUP BY def_kind HAVING COUNT(*) > 0 ORDER BY def_kind\n");
    Files.writeString(
        bundle.resolve("tasks/module_uses.sql"),
        "SELECT module_name, symbol_kind, COUNT(*) AS uses, COUNT(DISTINCT file_id) AS files\n"
            + "FROM external_references GROUP BY module_name, symbol_kind\n");
    Files.writeString(
        bundle.resolve("tasks/module_totals.sql"),
        "SELECT x.module_name, COUNT(*) AS uses, MAX(r.line_no) AS last_line\n"
            + "FROM references_norm AS r JOIN external_symbols AS x ON x.symbol_name = r.ref_name\n"
            + "GROUP BY x.module_name\n");
    harness.cli("bundle", "push", bundle.toString());
    Path base = generate("base", CodeAnatomyGenerator.Variant.BASE, 0, 0);
    harness.cli("data", "put", "--dir", base.toString());
    assertThat(harness.cli("run", "--full", "--wait")).contains("SUCCEEDED");

    // 1. Some files changed and some were removed: scoped tasks upsert only those partitions.
    Path changes = generate("changes", CodeAnatomyGenerator.Variant.CHANGES, 0.1, 0.05);
    harness.cli("data", "put", "--dir", changes.toString());
    for (String dataset : CodeAnatomyGenerator.DATASETS) {
      harness.cli(
          "data",
          "delete-files",
          dataset,
          "--from",
          changes.resolve("deleted-file-ids.txt").toString());
    }
    Map<String, String> scopes =
        scopes(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(harness.cli("plan", "--json")));
    JsonNode run = assertIncrementalEqualsFull("changed and removed files");
    assertThat(tasksWhere(run, t -> t.path("fileCount").asInt() > 0))
        .as("file-scoped upserts")
        .contains("definitions", "references_norm", "definition_scopes");
    assertThat(tasksWhere(run, t -> t.path("fileCount").asInt() == 9)).contains("definitions");
    // A join with a global dimension that did not change is scoped like any per-file task.
    assertThat(tasksWhere(run, t -> t.path("fileCount").asInt() > 0))
        .as("joined with the unchanged dimension external_symbols")
        .contains("external_references");
    assertThat(tasksWhere(run, t -> t.path("fileCount").asInt() == 9))
        .as("a union with a global branch, and its reader")
        .contains("symbol_index", "name_counts");
    assertThat(tasksWhere(run, t -> t.path("fileCount").asInt() == 9))
        .as("aggregations grouped by other keys, kept from partial aggregates")
        .contains("kind_totals", "module_totals")
        .doesNotContain("module_uses");
    assertThat(scopes.get("kind_totals")).contains("partial aggregates");
    assertThat(scopes.get("module_uses")).as("COUNT(DISTINCT) runs in full").startsWith("full:");

    // 1b. The global dimension changed (a library upgrade): its readers run in full, and say why.
    Path upgrade = work.resolve("dimension-1");
    try (var allocator = new org.apache.arrow.memory.RootAllocator()) {
      CodeAnatomyGenerator.writeExternalSymbols(upgrade, 1, allocator);
    }
    harness.cli(
        "data", "put", "external_symbols", upgrade.resolve("external_symbols.arrow").toString());
    JsonNode planned =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(harness.cli("plan", "--json"));
    JsonNode external = null;
    for (JsonNode task : planned.path("plan")) {
      if ("external_references".equals(task.path("task").asText())) {
        external = task;
      }
    }
    assertThat(external).as("external_references in the plan").isNotNull();
    assertThat(external.path("action").asText()).isEqualTo("run");
    assertThat(external.path("fileIds").size()).isZero();
    assertThat(external.path("scope").asText()).startsWith("full:").contains("external_symbols");
    run = assertIncrementalEqualsFull("changed dimension");
    assertThat(tasksWhere(run, t -> "run".equals(t.path("action").asText())))
        .contains("external_references", "symbol_index", "module_totals")
        .isSubsetOf(
            "external_references", "symbol_index", "name_counts", "module_totals", "module_uses");

    // 1c. One file re-extracted with other content: resolved_references and resolved_calls join
    // across files and run in full, but their outputs stay keyed by file; their rewrites report
    // which file ids' partitions changed, and the graph tasks reading them re-run for those only.
    Path oneFile = work.resolve("one-file");
    StandaloneHarness.generate(
        oneFile, FILES, SEED + 1, CodeAnatomyGenerator.Variant.CHANGES, 0.02, 0);
    harness.cli("data", "put", "--dir", oneFile.toString());
    run = assertIncrementalEqualsFull("one file changed");
    assertThat(reasons(run)).containsEntry("resolved_references", "upstream_changed");
    assertThat(narrowed).as("narrowed to the partitions that changed").contains("cpg_nodes");

    // 2. A task's SQL changed: it and what reads it re-run; the rest is reused.
    StandaloneHarness.edit(
        bundle.resolve("tasks/line_stats.sql"),
        "MAX(indent) AS max_indent",
        "MAX(indent) + 1 AS max_indent");
    harness.cli("bundle", "push", bundle.toString());
    run = assertIncrementalEqualsFull("changed SQL");
    assertThat(reasons(run)).containsEntry("line_stats", "fingerprint_changed");
    assertThat(reasons(run)).containsEntry("file_metrics", "upstream_changed");
    assertThat(reasons(run)).containsEntry("definitions", "unchanged");
    // One level further down: file_metrics re-ran but only its max_indent changed (straight from
    // line_stats.max_indent), and hotspots reads other columns of it.
    assertThat(reasons(run)).containsEntry("hotspots", "unchanged_columns");

    // 2b. The same task rewritten to an equivalent expression: it re-runs (its fingerprint
    // changed), its output comes out identical, and its readers are not re-run (early cutoff).
    StandaloneHarness.edit(
        bundle.resolve("tasks/line_stats.sql"),
        "MAX(indent) + 1 AS max_indent",
        "MAX(indent + 1) AS max_indent");
    harness.cli("bundle", "push", bundle.toString());
    run = assertIncrementalEqualsFull("equivalent SQL");
    assertThat(reasons(run)).containsEntry("line_stats", "fingerprint_changed");
    assertThat(reasons(run)).containsEntry("file_metrics", "upstream_unchanged_content");
    assertThat(tasksWhere(run, t -> "run".equals(t.path("action").asText())))
        .containsExactly("line_stats");

    // 2c. A change to one output column of a task: it re-runs; a reader of its other columns does
    // not (column-aware rebuild); a reader of that column does.
    StandaloneHarness.edit(
        bundle.resolve("tasks/file_metrics.sql"),
        "COALESCE(l.blank_lines, 0) AS blank_lines",
        "COALESCE(l.blank_lines, 0) * 2 AS blank_lines");
    harness.cli("bundle", "push", bundle.toString());
    run = assertIncrementalEqualsFull("one output column changed");
    assertThat(reasons(run)).containsEntry("file_metrics", "fingerprint_changed");
    assertThat(reasons(run)).containsEntry("hotspots", "unchanged_columns");
    // quality_report reads file_metrics through the view qc_error_files, which references no
    // blank_lines: it is reused too, so file_metrics alone runs.
    assertThat(reasons(run)).containsEntry("quality_report", "unchanged_columns");
    assertThat(tasksWhere(run, t -> "run".equals(t.path("action").asText())))
        .containsExactly("file_metrics");

    // 3. A task added.
    Files.writeString(
        bundle.resolve("tasks/definition_kinds.sql"),
        "SELECT file_id, def_kind, COUNT(*) AS definitions FROM definitions GROUP BY file_id, def_kind\n");
    harness.cli("bundle", "push", bundle.toString());
    run = assertIncrementalEqualsFull("added task");
    assertThat(reasons(run)).containsEntry("definition_kinds", "new");
    assertThat(tasksWhere(run, t -> "run".equals(t.path("action").asText())))
        .containsExactly("definition_kinds");

    // 4. A task removed (and the report that read it rewritten).
    Files.delete(bundle.resolve("tasks/qc_duplicate_nodes.sql"));
    StandaloneHarness.edit(
        bundle.resolve("tasks/quality_report.sql"),
        "SELECT 'duplicate_nodes', COUNT(*) FROM qc_duplicate_nodes\nUNION ALL\n",
        "");
    harness.cli("bundle", "push", bundle.toString());
    JsonNode accepted = api.post("api/v1/runs", Map.of("mode", "incremental"));
    assertThat(accepted.path("retired").toString()).contains("qc_duplicate_nodes");
    String retiringRun = accepted.path("runId").asText();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(
            () -> api.get("api/v1/runs/" + retiringRun).path("state").asText(),
            "SUCCEEDED"::equals);
    assertIncrementalEqualsFull("removed task");

    // 5. A source contract gained a column, a task reads it, and some files are re-extracted.
    Path contract = bundle.resolve("datasets/cst_definitions.json");
    StandaloneHarness.edit(
        contract,
        "{\"name\": \"parent_def_id\", \"type\": \"int64\", \"nullable\": true}",
        "{\"name\": \"parent_def_id\", \"type\": \"int64\", \"nullable\": true},\n"
            + "      {\"name\": \"visibility\", \"type\": \"utf8\", \"nullable\": true}");
    StandaloneHarness.edit(
        bundle.resolve("tasks/definitions.sql"),
        "parent_def_id\nFROM",
        "parent_def_id, COALESCE(visibility, 'public') AS visibility\nFROM");
    harness.cli("bundle", "push", bundle.toString());
    Path again = generate("again", CodeAnatomyGenerator.Variant.CHANGES, 0.1, 0.05);
    harness.cli(
        "data", "put", "cst_definitions", again.resolve("cst_definitions.arrow").toString());
    run = assertIncrementalEqualsFull("contract gained a column");
    assertThat(reasons(run)).containsEntry("definitions", "fingerprint_changed");
    // Only the task that reads the new column has a new plan: another reader of the contract runs
    // for the re-uploaded files alone, and a reader of definitions' other columns because its input
    // changed, not because its plan did.
    assertThat(reasons(run)).containsEntry("unresolved_symbols", "files_changed");
    assertThat(reasons(run)).containsEntry("definition_scopes", "upstream_changed");
    assertThat(tasksWhere(run, t -> "fingerprint_changed".equals(t.path("reason").asText())))
        .containsExactly("definitions");
    assertThat(harness.outputs()).contains("definition_kinds").doesNotContain("qc_duplicate_nodes");
  }

  /**
   * Runs incrementally, snapshots every output, runs fully, and compares; returns the first run.
   */
  private JsonNode assertIncrementalEqualsFull(String change) throws Exception {
    // A dry run first: it starts nothing, and the run that follows does exactly what it showed.
    int runsBefore = api.get("api/v1/runs").size();
    JsonNode preview =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(harness.cli("plan", "--json"));
    assertThat(preview.path("dryRun").asBoolean()).isTrue();
    assertThat(api.get("api/v1/runs").size()).as("a dry run starts no run").isEqualTo(runsBefore);
    assertThat(harness.cli("plan")).as(change).contains("tasks would run");
    String incrementalOut = harness.cli("run", "--incremental", "--wait");
    assertThat(incrementalOut).as(change).contains("SUCCEEDED");
    JsonNode incremental = harness.latestRun();
    Map<String, String> previewed = new TreeMap<>();
    preview
        .path("plan")
        .forEach(
            t ->
                previewed.put(
                    t.path("task").asText(),
                    t.path("action").asText()
                        + "/"
                        + t.path("reason").asText()
                        + "/"
                        + t.path("fileIds").size()));
    Map<String, String> ran = new TreeMap<>();
    incremental
        .path("tasks")
        .forEach(
            t ->
                ran.put(
                    t.path("task").asText(),
                    t.path("action").asText()
                        + "/"
                        + t.path("reason").asText()
                        + "/"
                        + t.path("fileCount").asInt()));
    // Early cutoff is decided while the run goes: a task the dry run showed re-running for an
    // upstream change is reused once that upstream came out with unchanged content, or changed
    // only columns the task does not read.
    // A task the dry run showed in full because an input is rebuilt in full runs for the file ids
    // whose partitions that rebuild changed (early cutoff by partition).
    narrowed.clear();
    ran.forEach(
        (task, line) -> {
          if (line.startsWith("run/upstream_changed/")
              && !line.endsWith("/0")
              && "run/upstream_changed/0".equals(previewed.get(task))) {
            narrowed.add(task);
          }
        });
    ran.replaceAll(
        (task, line) ->
            ((line.startsWith("reuse/upstream_unchanged_content/")
                            || line.startsWith("reuse/unchanged_columns/"))
                        && previewed.getOrDefault(task, "").startsWith("run/upstream_changed/"))
                    || narrowed.contains(task)
                ? previewed.get(task)
                : line);
    assertThat(ran).as("%s: the run follows its dry run", change).isEqualTo(previewed);
    preview
        .path("plan")
        .forEach(
            t -> {
              if (t.path("reason").asText().matches("upstream_changed|files_changed")) {
                assertThat(t.path("scope").asText())
                    .as("%s: %s says why it is scoped or not", change, t.path("task").asText())
                    .matches("(scoped to \\d+ file id\\(s\\) of .+|full: .+)");
              }
            });
    Map<String, List<String>> afterIncremental = harness.snapshot();
    assertThat(harness.cli("run", "--full", "--wait")).as(change).contains("SUCCEEDED");
    Map<String, List<String>> afterFull = harness.snapshot();
    assertThat(afterFull.get("cpg_edges")).as("the graph is not empty").hasSizeGreaterThan(100);
    assertThat(afterIncremental.keySet()).as(change).isEqualTo(afterFull.keySet());
    for (String output : afterFull.keySet()) {
      assertThat(afterIncremental.get(output))
          .as("%s: %s after an incremental run vs a full run", change, output)
          .containsExactlyElementsOf(afterFull.get(output));
    }
    return incremental;
  }

  private static Map<String, String> reasons(JsonNode run) {
    Map<String, String> reasons = new TreeMap<>();
    run.path("tasks").forEach(t -> reasons.put(t.path("task").asText(), t.path("reason").asText()));
    return reasons;
  }

  /** Each planned task's scope line (why it runs scoped or in full). */
  private static Map<String, String> scopes(JsonNode plan) {
    Map<String, String> scopes = new TreeMap<>();
    plan.path("plan").forEach(t -> scopes.put(t.path("task").asText(), t.path("scope").asText()));
    return scopes;
  }

  private static List<String> tasksWhere(
      JsonNode run, java.util.function.Predicate<JsonNode> test) {
    List<String> tasks = new ArrayList<>();
    run.path("tasks")
        .forEach(
            t -> {
              if (test.test(t)) {
                tasks.add(t.path("task").asText());
              }
            });
    return tasks;
  }

  private Path generate(
      String name, CodeAnatomyGenerator.Variant variant, double changed, double deleted)
      throws IOException {
    Path dir = work.resolve(name);
    StandaloneHarness.generate(dir, FILES, SEED, variant, changed, deleted);
    return dir;
  }
}
