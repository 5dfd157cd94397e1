package io.relspec.bench;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.scheduler.graph.GraphNode;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.runs.Materialization;
import io.relspec.scheduler.runs.PlanningState;
import io.relspec.scheduler.runs.RunPlanner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scheduler's graph work at 10,000 and 100,000 tasks: build and validate the graph (plus its
 * signature), generations, impact of one source, and planning an incremental run after one task's
 * SQL changed. Targets (issue 5): 100k built and validated ≤ 2 s; planning a one-task change ≤ 50
 * ms.
 *
 * <p>The synthetic catalog is deterministic (fixed seed): 20 file-keyed sources; task {@code i}
 * reads one to three earlier outputs or sources, every tenth task is a view, and every task needs
 * two typed columns from each input.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TaskGraphBench {
  private static final int SOURCES = 20;

  /** The catalog alone: what building the graph starts from. */
  @State(Scope.Benchmark)
  public static class Catalog {
    @Param({"10000", "100000"})
    int tasks;

    PlanCatalog catalog;

    @Setup(Level.Trial)
    public void setUp() {
      catalog = catalog(tasks, -1);
    }
  }

  /** A built graph, for the queries on it. */
  @State(Scope.Benchmark)
  public static class Built {
    @Param({"10000", "100000"})
    int tasks;

    TaskGraph graph;
    GraphNode source;

    @Setup(Level.Trial)
    public void setUp() {
      graph = TaskGraph.build(catalog(tasks, -1));
      if (graph.hasErrors()) {
        throw new IllegalStateException("synthetic catalog has errors: " + graph.diagnostics());
      }
      source = graph.dataset(DatasetName.of("src_0")).orElseThrow();
    }
  }

  /** Everything materialized from the original catalog; the new catalog changed one task. */
  @State(Scope.Benchmark)
  public static class Changed {
    @Param({"10000", "100000"})
    int tasks;

    TaskGraph changedGraph;
    PlanningState settled;
    final RunPlanner planner = new RunPlanner();
    final RunRequested incremental =
        new RunRequested(
            UUID.nameUUIDFromBytes(new byte[] {1}),
            Instant.EPOCH,
            "bench",
            RunMode.INCREMENTAL,
            List.of(),
            Map.of(),
            Map.of(),
            List.of(),
            false);

    @Setup(Level.Trial)
    public void setUp() {
      PlanCatalog catalog = catalog(tasks, -1);
      changedGraph = TaskGraph.build(catalog(tasks, tasks / 2));
      Map<DatasetName, Materialization> materialized = new HashMap<>();
      Map<DatasetName, Long> sources = new HashMap<>();
      catalog.sources().keySet().forEach(name -> sources.put(name, 1L));
      for (PlanArtifact plan : catalog.plans().values()) {
        Map<DatasetName, Long> inputs = new HashMap<>();
        plan.physicalInputs().forEach(input -> inputs.put(input, 1L));
        materialized.put(
            plan.output(),
            new Materialization(
                plan.output(), plan.task(), plan.fingerprint(), 1, "e0", null, 1, inputs));
      }
      settled =
          new PlanningState(
              materialized, sources, (dataset, from, to) -> PlanningState.FileChanges.WHOLE);
    }
  }

  /** Build + validate (every diagnostic) + graph signature. */
  @Benchmark
  public String buildValidateAndSign(Catalog state) {
    return TaskGraph.build(state.catalog).signature();
  }

  @Benchmark
  public TaskGraph buildAndValidate(Catalog state) {
    return TaskGraph.build(state.catalog);
  }

  @Benchmark
  public Object generations(Built state) {
    return state.graph.generations();
  }

  @Benchmark
  public Object impactOfOneSource(Built state) {
    return state.graph.impact(state.source);
  }

  /** One task in the middle changed its SQL; everything else is materialized and unchanged. */
  @Benchmark
  public RunPlanner.Plan planOneTaskChange(Changed state) {
    return state.planner.plan(state.changedGraph, state.incremental, state.settled);
  }

  static PlanCatalog catalog(int tasks, int changed) {
    SplittableRandom random = new SplittableRandom(42);
    Map<DatasetName, DatasetContract> sources = new TreeMap<>();
    ArrowSchema schema =
        new ArrowSchema(
            List.of(
                ArrowField.of("file_id", "utf8", false),
                ArrowField.of("k", "int64", true),
                ArrowField.of("v", "float64", true)));
    List<DatasetName> readable = new ArrayList<>();
    for (int i = 0; i < SOURCES; i++) {
      DatasetName name = DatasetName.of("src_" + i);
      sources.put(name, new DatasetContract(schema, "file_id", null, null));
      readable.add(name);
    }
    ArrowType utf8 = ArrowType.parse("utf8");
    ArrowType int64 = ArrowType.parse("int64");
    Map<TaskName, PlanArtifact> plans = new LinkedHashMap<>();
    Map<DatasetName, DatasetName> viewInputs = new HashMap<>();
    for (int i = 0; i < tasks; i++) {
      TaskName task = TaskName.of("t_" + i);
      DatasetName output = DatasetName.of("t_" + i);
      int fanIn = 1 + random.nextInt(3);
      List<DatasetName> logical = new ArrayList<>();
      for (int j = 0; j < fanIn; j++) {
        int window = Math.min(readable.size(), 200);
        DatasetName input = readable.get(readable.size() - 1 - random.nextInt(window));
        if (!logical.contains(input)) {
          logical.add(input);
        }
      }
      List<DatasetName> physical = new ArrayList<>();
      Map<DatasetName, List<RequiredColumn>> required = new TreeMap<>();
      Map<DatasetName, String> fileKeyed = new TreeMap<>();
      for (DatasetName input : logical) {
        physical.add(viewInputs.getOrDefault(input, input));
        required.put(
            input, List.of(new RequiredColumn("file_id", utf8), new RequiredColumn("k", int64)));
        fileKeyed.put(input, "file_id");
      }
      boolean view = i % 10 == 9;
      if (view) {
        viewInputs.put(output, physical.get(0));
      }
      plans.put(
          task,
          new PlanArtifact(
              task,
              output,
              view ? TaskKind.VIEW : TaskKind.COMPUTE,
              CachePolicy.SESSION,
              100,
              "SELECT 1",
              schema,
              logical,
              physical,
              required,
              null,
              Fingerprint.sha256(task + (i == changed ? "/changed" : "")),
              "",
              List.of(),
              null,
              new FileScope(true, "keeps files together", "file_id", fileKeyed, fileKeyed),
              null,
              null,
              null,
              null));
      readable.add(output);
    }
    return new PlanCatalog(
        "bench-" + tasks + "-" + changed,
        "snap",
        Instant.EPOCH,
        sources,
        Map.of(),
        plans,
        List.of());
  }
}
