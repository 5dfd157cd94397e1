package io.relspec.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.scheduler.graph.TaskGraph;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunPlannerTest {
  private static final Map<DatasetName, DatasetContract> SOURCES =
      Map.of(
          DatasetName.of("raw"),
          new DatasetContract(
              new ArrowSchema(List.of(ArrowField.of("id", "int64", false))), null, null, null));

  private static PlanArtifact plan(String task, String version, String... inputs) {
    return new PlanArtifact(
        TaskName.of(task),
        DatasetName.of(task),
        TaskKind.COMPUTE,
        CachePolicy.SESSION,
        100,
        "SELECT 1",
        null,
        Arrays.stream(inputs).map(DatasetName::of).toList(),
        Arrays.stream(inputs).map(DatasetName::of).toList(),
        null,
        null,
        Fingerprint.sha256(task + version),
        "",
        "SELECT 1",
        null,
        null);
  }

  private static PlanCatalog catalog(PlanArtifact... plans) {
    Map<TaskName, PlanArtifact> byTask = new HashMap<>();
    for (PlanArtifact plan : plans) {
      byTask.put(plan.task(), plan);
    }
    return new PlanCatalog("pc", "snap", Instant.EPOCH, SOURCES, Map.of(), byTask, List.of());
  }

  private static RunRequested request(RunMode mode, String... targets) {
    return new RunRequested(
        UUID.randomUUID(),
        Instant.EPOCH,
        null,
        mode,
        Arrays.stream(targets).map(DatasetName::of).toList(),
        null,
        null,
        null,
        false);
  }

  private static Materialization built(PlanArtifact plan) {
    return new Materialization(
        plan.output(), plan.task(), plan.fingerprint(), 1, "executor-0", "grpc://x:1", 10);
  }

  @Test
  void changedTaskRunsWithEverythingDownstreamAndTheRestIsReused() throws Exception {
    PlanArtifact a = plan("a", "v1", "raw");
    PlanArtifact b = plan("b", "v1", "a");
    PlanArtifact c = plan("c", "v1", "b");
    PlanArtifact d = plan("d", "v1", "raw");
    PlanArtifact bChanged = plan("b", "v2", "a");
    PlanCatalog next = catalog(a, bChanged, c, d);
    Map<DatasetName, Materialization> current =
        Map.of(
            a.output(), built(a), b.output(), built(b), c.output(), built(c), d.output(), built(d));

    RunPlanner.Plan plan =
        new RunPlanner().plan(next, TaskGraph.build(next), request(RunMode.INCREMENTAL), current);

    assertThat(plan.problems()).isEmpty();
    assertThat(plan.tasks())
        .extracting(
            task ->
                task.task().value()
                    + ":"
                    + task.action().wireName()
                    + ":"
                    + task.reason().wireName())
        .containsExactly(
            "a:reuse:unchanged",
            "b:run:fingerprint_changed",
            "c:run:upstream_changed",
            "d:reuse:unchanged");
  }

  @Test
  void targetsSelectOnlyTheirUpstream() throws Exception {
    PlanCatalog catalog =
        catalog(plan("a", "1", "raw"), plan("b", "1", "a"), plan("other", "1", "raw"));
    RunPlanner.Plan plan =
        new RunPlanner()
            .plan(catalog, TaskGraph.build(catalog), request(RunMode.FULL, "b"), Map.of());
    assertThat(plan.tasks()).extracting(task -> task.task().value()).containsExactly("a", "b");
    assertThat(plan.tasks())
        .allSatisfy(task -> assertThat(task.reason()).isEqualTo(SelectionReason.NEW));
  }

  @Test
  void missingSourceBlocksTheTaskAndItsDescendants() throws Exception {
    PlanCatalog catalog =
        catalog(plan("a", "1", "nowhere"), plan("b", "1", "a"), plan("ok", "1", "raw"));
    RunPlanner.Plan plan =
        new RunPlanner().plan(catalog, TaskGraph.build(catalog), request(RunMode.FULL), Map.of());
    assertThat(plan.problems())
        .extracting(RunPlanner.Problem::code)
        .containsExactly("MISSING_SOURCE");
    assertThat(plan.tasks())
        .filteredOn(task -> task.action() == TaskAction.SKIP)
        .extracting(task -> task.task().value())
        .containsExactly("a", "b");
  }

  @Test
  void cycleIsReportedWithItsPath() {
    PlanCatalog catalog = catalog(plan("a", "1", "c"), plan("b", "1", "a"), plan("c", "1", "b"));
    assertThatThrownBy(() -> TaskGraph.build(catalog))
        .isInstanceOf(TaskGraph.CycleException.class)
        .hasMessage("dependency cycle: a -> b -> c -> a");
  }
}
