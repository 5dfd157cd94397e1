package io.relspec.scheduler.runs;

import static io.relspec.scheduler.Plans.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.runs.PlannedTask;
import io.relspec.contracts.api.runs.RunProblem;
import io.relspec.contracts.api.runs.SelectionReason;
import io.relspec.contracts.api.runs.TaskAction;
import io.relspec.contracts.api.validation.GraphDiagnosticCode;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.scheduler.Plans;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.runs.PlanningState.FileChanges;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunPlannerTest {
  private final RunPlanner planner = new RunPlanner();

  /**
   * raw (file-keyed) → a (scopable) → b (scopable) → report (not scopable); a → v (view) → c; dim
   * (not file-keyed) → joined.
   */
  private static Plans shop() {
    return Plans.catalog()
        .source("raw", "file_id", "file_id:utf8", "id:int64")
        .source("dim", null, "id:int64")
        .task(
            task("a")
                .reads("raw", "file_id:utf8", "id:int64")
                .columns("file_id:utf8", "id:int64")
                .scopable("file_id", "raw=file_id"))
        .task(
            task("b")
                .reads("a", "file_id:utf8", "id:int64")
                .columns("file_id:utf8", "id:int64")
                .scopable("file_id", "a=file_id"))
        .task(task("report").reads("b", "id:int64"))
        .task(task("v").kind(TaskKind.VIEW).reads("a", "id:int64"))
        .task(task("c").reads("v", "id:int64").physical("a"))
        .task(task("joined").reads("dim", "id:int64"));
  }

  private static RunRequested request(RunMode mode) {
    return request(mode, List.of(), Map.of(), List.of());
  }

  private static RunRequested request(
      RunMode mode,
      List<String> targets,
      Map<DatasetName, List<String>> changed,
      List<String> force) {
    return new RunRequested(
        UUID.randomUUID(),
        Instant.EPOCH,
        "test",
        mode,
        targets.stream().map(DatasetName::of).toList(),
        changed,
        Map.of(),
        force.stream().map(TaskName::of).toList(),
        false);
  }

  /** Everything materialized as the catalog says, built from raw version 1. */
  private static Map<DatasetName, Materialization> builtFrom(PlanCatalog catalog) {
    Map<DatasetName, Materialization> result = new HashMap<>();
    for (PlanArtifact plan : catalog.plans().values()) {
      if (plan.kind() == TaskKind.VIEW) {
        continue;
      }
      Map<DatasetName, Long> inputs = new HashMap<>();
      plan.physicalInputs()
          .forEach(input -> inputs.put(input, input.value().equals("raw") ? 1L : 1L));
      result.put(
          plan.output(),
          new Materialization(
              plan.output(), plan.task(), plan.fingerprint(), 1, "e0", null, 10, inputs));
    }
    return result;
  }

  private static PlanningState state(
      Map<DatasetName, Materialization> materializations,
      Map<DatasetName, Long> sourceVersions,
      PlanningState.SourceChanges changes) {
    return new PlanningState(materializations, sourceVersions, changes);
  }

  private static PlanningState settled(PlanCatalog catalog) {
    return state(
        builtFrom(catalog), Map.of(DatasetName.of("raw"), 1L), (s, f, t) -> FileChanges.WHOLE);
  }

  private RunPlanner.Plan plan(PlanCatalog catalog, RunRequested request, PlanningState state) {
    return planner.plan(TaskGraph.build(catalog), request, state);
  }

  /** A materialization of {@code name} built by a task of the same name, not from this catalog. */
  private static Materialization stray(String name) {
    return new Materialization(
        DatasetName.of(name),
        TaskName.of(name),
        io.relspec.contracts.model.Fingerprint.sha256(name),
        1,
        "e0",
        null,
        1,
        Map.of());
  }

  private static PlannedTask line(RunPlanner.Plan plan, String task) {
    return plan.tasks().stream()
        .filter(line -> line.task().value().equals(task))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void firstRunRunsEverythingAsNewAndInlinesViews() {
    RunPlanner.Plan plan =
        plan(shop().build(), request(RunMode.INCREMENTAL), PlanningState.empty());
    assertThat(plan.problems()).isEmpty();
    assertThat(plan.tasks())
        .extracting(line -> line.task().value(), PlannedTask::action, PlannedTask::reason)
        .containsExactly(
            tuple("a", TaskAction.RUN, SelectionReason.NEW),
            tuple("b", TaskAction.RUN, SelectionReason.NEW),
            tuple("joined", TaskAction.RUN, SelectionReason.NEW),
            tuple("report", TaskAction.RUN, SelectionReason.NEW),
            tuple("v", TaskAction.SKIP, SelectionReason.INLINED),
            tuple("c", TaskAction.RUN, SelectionReason.NEW));
  }

  @Test
  void changedFilesOfADatasetThatIsNoSourceAreAProblem() {
    PlanCatalog catalog = shop().build();
    RunPlanner.Plan plan =
        plan(
            catalog,
            request(
                RunMode.INCREMENTAL,
                List.of(),
                Map.of(
                    DatasetName.of("nowhere"), List.of("f1"), DatasetName.of("a"), List.of("f1")),
                List.of()),
            settled(catalog));
    assertThat(plan.problems())
        .extracting(RunProblem::code, RunProblem::message)
        .containsExactlyInAnyOrder(
            tuple(
                "UNKNOWN_SOURCE", "'nowhere' in changedFiles/removedFiles is not a source dataset"),
            tuple(
                "UNKNOWN_SOURCE",
                "'a' in changedFiles/removedFiles is not a source dataset (it is a task's output;"
                    + " name the sources whose files changed)"));
  }

  @Test
  void nothingChangedReusesEverything() {
    PlanCatalog catalog = shop().build();
    RunPlanner.Plan plan = plan(catalog, request(RunMode.INCREMENTAL), settled(catalog));
    assertThat(plan.tasks())
        .filteredOn(line -> !line.task().value().equals("v"))
        .extracting(PlannedTask::action, PlannedTask::reason)
        .containsOnly(tuple(TaskAction.REUSE, SelectionReason.UNCHANGED));
  }

  @Test
  void aChangedFingerprintRunsTheTaskAndEverythingDownstream() {
    PlanCatalog before = shop().build();
    PlanCatalog after =
        shop()
            .task(
                task("a")
                    .version("v2")
                    .reads("raw", "file_id:utf8", "id:int64")
                    .columns("file_id:utf8", "id:int64")
                    .scopable("file_id", "raw=file_id"))
            .build();
    RunPlanner.Plan plan = plan(after, request(RunMode.INCREMENTAL), settled(before));
    assertThat(line(plan, "a").reason()).isEqualTo(SelectionReason.FINGERPRINT_CHANGED);
    assertThat(List.of(line(plan, "b"), line(plan, "c"), line(plan, "report")))
        .extracting(PlannedTask::action, PlannedTask::reason, PlannedTask::fileIds)
        .containsOnly(tuple(TaskAction.RUN, SelectionReason.UPSTREAM_CHANGED, List.of()));
    assertThat(line(plan, "joined").action()).isEqualTo(TaskAction.REUSE);
  }

  @Test
  void changedFilesScopeScopableTasksAndRunTheRestFully() {
    PlanCatalog catalog = shop().build();
    RunPlanner.Plan plan =
        plan(
            catalog,
            request(
                RunMode.INCREMENTAL,
                List.of(),
                Map.of(DatasetName.of("raw"), List.of("f2", "f1")),
                List.of()),
            settled(catalog));
    assertThat(line(plan, "a"))
        .extracting(PlannedTask::action, PlannedTask::reason, PlannedTask::fileIds)
        .containsExactly(TaskAction.RUN, SelectionReason.FILES_CHANGED, List.of("f1", "f2"));
    assertThat(line(plan, "b"))
        .extracting(PlannedTask::reason, PlannedTask::fileIds)
        .containsExactly(SelectionReason.UPSTREAM_CHANGED, List.of("f1", "f2"));
    assertThat(line(plan, "report"))
        .extracting(PlannedTask::action, PlannedTask::reason, PlannedTask::fileIds)
        .containsExactly(TaskAction.RUN, SelectionReason.UPSTREAM_CHANGED, List.of());
    assertThat(line(plan, "c").fileIds()).isEmpty();
    assertThat(line(plan, "joined").action()).isEqualTo(TaskAction.REUSE);
    // each run caused by changes says why it is scoped, or why not
    assertThat(line(plan, "a").scope()).isEqualTo("scoped to 2 file id(s) of raw");
    assertThat(line(plan, "report").scope()).startsWith("full: not file-scopable (");
    assertThat(line(plan, "joined").scope()).isNull();
  }

  @Test
  void anAggregationKeptFromPartialsRunsForTheChangedFilesAndItsReadersInFull() {
    PlanCatalog catalog =
        shop()
            .task(
                task("totals")
                    .reads("a", "file_id:utf8", "id:int64")
                    .columns("n:int64")
                    .partial("a", "file_id"))
            // A reader that would be scopable by a file id column of totals, had it one: totals
            // rewrites its whole output, so no set of file ids of it changed.
            .task(
                task("after_totals")
                    .reads("totals", "n:int64")
                    .columns("n:int64")
                    .scopable("file_id", "totals=file_id"))
            .build();
    RunPlanner.Plan plan =
        plan(
            catalog,
            request(
                RunMode.INCREMENTAL,
                List.of(),
                Map.of(DatasetName.of("raw"), List.of("f2", "f1")),
                List.of()),
            settled(catalog));
    assertThat(line(plan, "totals"))
        .extracting(PlannedTask::action, PlannedTask::reason, PlannedTask::fileIds)
        .containsExactly(TaskAction.RUN, SelectionReason.UPSTREAM_CHANGED, List.of("f1", "f2"));
    assertThat(line(plan, "totals").scope())
        .isEqualTo(
            "scoped to 2 file id(s) of a, output recomputed from per-file partial aggregates");
    assertThat(line(plan, "after_totals"))
        .extracting(PlannedTask::action, PlannedTask::fileIds)
        .containsExactly(TaskAction.RUN, List.of());
    assertThat(line(plan, "after_totals").scope())
        .startsWith("full: 'totals' is rebuilt in full in this run");
  }

  @Test
  void sourceVersionsSinceTheBuildSupplyTheChangedFiles() {
    PlanCatalog catalog = shop().build();
    PlanningState state =
        state(
            builtFrom(catalog),
            Map.of(DatasetName.of("raw"), 3L),
            (source, from, to) -> {
              assertThat(source.value()).isEqualTo("raw");
              assertThat(from).isEqualTo(1L);
              assertThat(to).isEqualTo(3L);
              return new FileChanges(false, Set.of("f9"));
            });
    RunPlanner.Plan plan = plan(catalog, request(RunMode.INCREMENTAL), state);
    assertThat(line(plan, "a"))
        .extracting(PlannedTask::reason, PlannedTask::fileIds)
        .containsExactly(SelectionReason.FILES_CHANGED, List.of("f9"));
    assertThat(line(plan, "b").fileIds()).containsExactly("f9");
  }

  @Test
  void aSourceReplacedWithoutFileIdsRunsItsReadersFully() {
    PlanCatalog catalog = shop().build();
    PlanningState state =
        state(
            builtFrom(catalog),
            Map.of(DatasetName.of("raw"), 2L),
            (source, from, to) -> FileChanges.WHOLE);
    RunPlanner.Plan plan = plan(catalog, request(RunMode.INCREMENTAL), state);
    assertThat(line(plan, "a"))
        .extracting(PlannedTask::action, PlannedTask::reason, PlannedTask::fileIds)
        .containsExactly(TaskAction.RUN, SelectionReason.FILES_CHANGED, List.of());
    assertThat(line(plan, "b").fileIds()).isEmpty();
    assertThat(line(plan, "a").scope())
        .isEqualTo("full: source 'raw' was replaced without file ids");
    assertThat(line(plan, "b").scope())
        .isEqualTo(
            "full: 'a' is rebuilt in full in this run"
                + " (narrowed at run time to the partitions it changes)");
  }

  @Test
  void anUpstreamRebuiltByAnEarlierRunIsAChangedInput() {
    PlanCatalog catalog = shop().build();
    Map<DatasetName, Materialization> built = builtFrom(catalog);
    Materialization a = built.get(DatasetName.of("a"));
    built.put(
        a.dataset(),
        new Materialization(
            a.dataset(), a.task(), a.fingerprint(), 2, "e0", null, 10, a.inputVersions()));
    RunPlanner.Plan plan =
        plan(
            catalog,
            request(RunMode.INCREMENTAL),
            state(built, Map.of(DatasetName.of("raw"), 1L), (s, f, t) -> FileChanges.WHOLE));
    assertThat(line(plan, "a").action()).isEqualTo(TaskAction.REUSE);
    assertThat(line(plan, "b"))
        .extracting(PlannedTask::action, PlannedTask::reason, PlannedTask::fileIds)
        .containsExactly(TaskAction.RUN, SelectionReason.UPSTREAM_CHANGED, List.of());
  }

  @Test
  void forcedFullAndCachePolicyNoneRun() {
    PlanCatalog catalog =
        shop().task(task("joined").reads("dim", "id:int64").cachePolicy(CachePolicy.NONE)).build();
    RunPlanner.Plan forced =
        plan(
            catalog,
            request(RunMode.INCREMENTAL, List.of(), Map.of(), List.of("b")),
            settled(catalog));
    assertThat(line(forced, "b").reason()).isEqualTo(SelectionReason.FORCED);
    assertThat(line(forced, "report").reason()).isEqualTo(SelectionReason.UPSTREAM_CHANGED);
    assertThat(line(forced, "joined").reason()).isEqualTo(SelectionReason.FORCED);
    assertThat(line(forced, "a").action()).isEqualTo(TaskAction.REUSE);

    RunPlanner.Plan full = plan(catalog, request(RunMode.FULL), settled(catalog));
    assertThat(full.tasks())
        .filteredOn(line -> line.action() != TaskAction.SKIP)
        .allSatisfy(line -> assertThat(line.action()).isEqualTo(TaskAction.RUN));
    RunPlanner.Plan fullWithFiles =
        plan(
            catalog,
            request(
                RunMode.FULL, List.of(), Map.of(DatasetName.of("raw"), List.of("f1")), List.of()),
            settled(catalog));
    assertThat(line(fullWithFiles, "a").fileIds()).as("a full run never scopes").isEmpty();
  }

  @Test
  void targetsSelectTheirUpstreamOnly() {
    RunPlanner.Plan plan =
        plan(
            shop().build(),
            request(RunMode.INCREMENTAL, List.of("c"), Map.of(), List.of()),
            PlanningState.empty());
    assertThat(plan.tasks()).extracting(line -> line.task().value()).containsExactly("a", "v", "c");
  }

  @Test
  void unknownTargetsAndTasksAreProblems() {
    RunPlanner.Plan plan =
        plan(
            shop().build(),
            request(RunMode.INCREMENTAL, List.of("nope", "raw"), Map.of(), List.of("ghost")),
            PlanningState.empty());
    assertThat(plan.problems())
        .extracting(RunProblem::code, RunProblem::message)
        .containsExactly(
            tuple("UNKNOWN_TASK", "forced task 'ghost' does not exist or did not compile"),
            tuple("UNKNOWN_TARGET", "no compiled task produces target dataset 'nope'"),
            tuple("UNKNOWN_TARGET", "'raw' is a source dataset; targets are task outputs"));
  }

  @Test
  void blockedTasksAreSkippedAndRefuseTheRun() {
    PlanCatalog catalog =
        shop()
            .task(task("bad").reads("raw", "id:utf8"))
            .task(task("after_bad").reads("bad", "id:int64"))
            .failure("broken", "UNKNOWN_COLUMN", "column 'x' not found")
            .build();
    RunPlanner.Plan plan = plan(catalog, request(RunMode.INCREMENTAL), PlanningState.empty());
    assertThat(line(plan, "bad"))
        .extracting(PlannedTask::action, PlannedTask::reason)
        .containsExactly(TaskAction.SKIP, SelectionReason.BLOCKED);
    assertThat(line(plan, "after_bad").blockedBy().code())
        .isEqualTo(GraphDiagnosticCode.UPSTREAM_BLOCKED);
    assertThat(line(plan, "a").action()).isEqualTo(TaskAction.RUN);
    assertThat(plan.problems())
        .extracting(RunProblem::code)
        .containsExactly("COMPILE_FAILED", "EDGE_TYPE_MISMATCH");

    RunPlanner.Plan targeted =
        plan(
            catalog,
            request(RunMode.INCREMENTAL, List.of("b"), Map.of(), List.of()),
            PlanningState.empty());
    assertThat(targeted.problems()).as("problems outside the selection do not count").isEmpty();
  }

  @Test
  void outputsOfRemovedTasksAreRetired() {
    PlanCatalog catalog = shop().build();
    Map<DatasetName, Materialization> built = builtFrom(catalog);
    built.put(DatasetName.of("gone"), stray("gone"));
    RunPlanner.Plan plan =
        plan(
            catalog,
            request(RunMode.INCREMENTAL),
            state(built, Map.of(), (s, f, t) -> FileChanges.WHOLE));
    assertThat(plan.retired()).containsExactly(DatasetName.of("gone"));
  }

  @Test
  void aDatasetTwoBlockedTasksProduceDoesNotHideARetiredOne() {
    PlanCatalog catalog =
        shop()
            .task(task("twin_1").output("twin").reads("raw", "id:int64"))
            .task(task("twin_2").output("twin").reads("raw", "id:int64"))
            .build();
    Map<DatasetName, Materialization> built = builtFrom(shop().build());
    for (String name : List.of("twin", "gone")) {
      built.put(DatasetName.of(name), stray(name));
    }
    RunPlanner.Plan plan =
        plan(
            catalog,
            request(RunMode.INCREMENTAL),
            state(built, Map.of(DatasetName.of("raw"), 1L), (s, f, t) -> FileChanges.WHOLE));
    assertThat(line(plan, "twin_1").reason()).isEqualTo(SelectionReason.BLOCKED);
    assertThat(line(plan, "twin_2").reason()).isEqualTo(SelectionReason.BLOCKED);
    assertThat(plan.retired()).containsExactly(DatasetName.of("gone"));
    assertThat(line(plan, "report").action()).isEqualTo(TaskAction.REUSE);
  }
}
