package io.relspec.scheduler.graph;

import static io.relspec.scheduler.Plans.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.api.validation.GraphDiagnosticCode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.scheduler.Plans;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TaskGraphTest {

  /** raw → a → b ─┐ ; a → v (view) → c ; b, c → d. */
  static Plans chain() {
    return Plans.catalog()
        .source("raw", "file_id", "file_id:utf8", "id:int64", "v:float64")
        .task(
            task("a").reads("raw", "file_id:utf8", "id:int64").columns("file_id:utf8", "id:int64"))
        .task(task("b").reads("a", "id:int64"))
        .task(task("v").kind(TaskKind.VIEW).reads("a", "id:int64"))
        .task(task("c").reads("v", "id:int64").physical("a"))
        .task(task("d").reads("b", "id:int64").reads("c", "id:int64"));
  }

  private static List<String> codes(TaskGraph graph) {
    return graph.diagnostics().stream().map(GraphDiagnostic::code).toList();
  }

  private static TaskName t(String name) {
    return TaskName.of(name);
  }

  @Test
  void bipartiteGraphWithDatasetAndTaskVertices() {
    TaskGraph graph = TaskGraph.build(chain().build());
    assertThat(graph.graph().vertexSet())
        .contains(
            new GraphNode(GraphNode.Kind.SOURCE, "raw"),
            new GraphNode(GraphNode.Kind.DERIVED, "a"),
            new GraphNode(GraphNode.Kind.VIEW, "v"),
            new GraphNode(GraphNode.Kind.TASK, "c"))
        .hasSize(11);
    GraphEdge reads =
        graph
            .graph()
            .getEdge(
                new GraphNode(GraphNode.Kind.SOURCE, "raw"),
                new GraphNode(GraphNode.Kind.TASK, "a"));
    assertThat(reads.kind()).isEqualTo(GraphEdge.Kind.READS);
    assertThat(reads.columns()).extracting(column -> column.name()).contains("file_id", "id");
    assertThat(
            graph
                .graph()
                .getEdge(
                    new GraphNode(GraphNode.Kind.TASK, "a"),
                    new GraphNode(GraphNode.Kind.DERIVED, "a"))
                .kind())
        .isEqualTo(GraphEdge.Kind.WRITES);
    assertThat(graph.diagnostics()).isEmpty();
    assertThat(graph.blocked()).isEmpty();
  }

  @Test
  void generationsFollowTheLongestChain() {
    TaskGraph graph = TaskGraph.build(chain().build());
    assertThat(graph.generations())
        .containsExactly(
            List.of(t("a")), List.of(t("b"), t("v")), List.of(t("c")), List.of(t("d")));
    assertThat(graph.topologicalOrder()).containsExactly(t("a"), t("b"), t("v"), t("c"), t("d"));
  }

  @Test
  void viewsAreInlinedForDispatchButStayInTheLogicalGraph() {
    TaskGraph graph = TaskGraph.build(chain().build());
    assertThat(graph.upstreamTasks(t("c"))).containsExactly(t("v"));
    assertThat(graph.physicalUpstreamTasks(t("c"))).containsExactly(t("a"));
    assertThat(graph.physicalDownstreamTasks(t("a"))).containsExactly(t("b"), t("c"), t("v"));
    assertThat(graph.physicalDownstreamTasks(t("d"))).isEmpty();
    assertThat(graph.descendants(t("a"))).containsExactly(t("b"), t("c"), t("d"), t("v"));
    assertThat(graph.ancestors(t("d"))).containsExactly(t("a"), t("b"), t("c"), t("v"));
  }

  /**
   * The graph is the one representation of who reads whom: on a seeded random catalog of 300 tasks
   * with views over views, every relation read from it equals the same relation worked out here
   * from the plans alone (producers of each plan's logical or physical inputs).
   */
  @Test
  void taskRelationsReadFromTheGraphMatchThePlans() {
    Random random = new Random(20261207L);
    Plans catalog = Plans.catalog().source("raw", "file_id", "file_id:utf8", "id:int64");
    Map<String, List<String>> logical = new TreeMap<>();
    Map<String, List<String>> physical = new TreeMap<>();
    Set<String> views = new HashSet<>();
    List<String> outputs = new ArrayList<>(List.of("raw"));
    for (int i = 0; i < 300; i++) {
      String name = String.format("t%03d", i);
      Set<String> reads = new TreeSet<>();
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        reads.add(outputs.get(random.nextInt(outputs.size())));
      }
      // Views inlined (recursively, since a view may read a view): the tables actually scanned.
      Set<String> scans = new TreeSet<>();
      for (String read : reads) {
        scans.addAll(views.contains(read) ? physical.get(read) : List.of(read));
      }
      Plans.Task task = task(name);
      reads.forEach(read -> task.reads(read, "id:int64"));
      task.physical(scans.toArray(String[]::new));
      if (random.nextInt(10) < 3) {
        task.kind(TaskKind.VIEW);
        views.add(name);
      }
      catalog.task(task);
      logical.put(name, List.copyOf(reads));
      physical.put(name, List.copyOf(scans));
      outputs.add(name);
    }
    TaskGraph graph = TaskGraph.build(catalog.build());
    assertThat(graph.hasErrors()).isFalse();

    for (String name : logical.keySet()) {
      assertThat(graph.upstreamTasks(t(name)))
          .as("upstream of %s", name)
          .isEqualTo(tasks(logical.get(name)));
      assertThat(graph.physicalUpstreamTasks(t(name)))
          .as("physical upstream of %s", name)
          .isEqualTo(tasks(physical.get(name)));
      assertThat(graph.downstreamTasks(t(name)))
          .as("downstream of %s", name)
          .isEqualTo(readersOf(name, logical));
      assertThat(graph.physicalDownstreamTasks(t(name)))
          .as("physical downstream of %s", name)
          .isEqualTo(readersOf(name, physical));
      Set<TaskName> ancestors = new TreeSet<>();
      List<String> queue = new ArrayList<>(logical.get(name));
      while (!queue.isEmpty()) {
        String next = queue.remove(queue.size() - 1);
        if (!next.equals("raw") && ancestors.add(t(next))) {
          queue.addAll(logical.get(next));
        }
      }
      assertThat(graph.ancestors(t(name))).as("ancestors of %s", name).isEqualTo(ancestors);
      ancestors.forEach(ancestor -> assertThat(graph.descendants(ancestor)).contains(t(name)));
    }
  }

  private static List<TaskName> tasks(List<String> datasets) {
    return datasets.stream().filter(d -> !d.equals("raw")).map(TaskName::of).sorted().toList();
  }

  private static List<TaskName> readersOf(String dataset, Map<String, List<String>> inputs) {
    List<TaskName> readers = new ArrayList<>();
    inputs.forEach(
        (task, read) -> {
          if (read.contains(dataset)) {
            readers.add(t(task));
          }
        });
    return readers;
  }

  @Test
  void impactAndProvenanceWalkTheWholeGraph() {
    TaskGraph graph = TaskGraph.build(chain().build());
    GraphNode raw = graph.dataset(DatasetName.of("raw")).orElseThrow();
    assertThat(graph.impact(raw))
        .extracting(GraphNode::id)
        .containsExactly(
            "dataset:a",
            "dataset:b",
            "dataset:c",
            "dataset:d",
            "dataset:v",
            "task:a",
            "task:b",
            "task:c",
            "task:d",
            "task:v");
    GraphNode c = graph.dataset(DatasetName.of("c")).orElseThrow();
    assertThat(graph.provenance(c))
        .extracting(GraphNode::id)
        .containsExactly("dataset:a", "dataset:raw", "dataset:v", "task:a", "task:c", "task:v");
    assertThat(graph.impact(graph.dataset(DatasetName.of("d")).orElseThrow())).isEmpty();
    assertThat(graph.dataset(DatasetName.of("nope"))).isEmpty();
  }

  @Test
  void signatureIsStableAndPinned() {
    PlanCatalog forward = chain().build();
    PlanCatalog again = chain().id("pc-other").build();
    String signature = TaskGraph.build(forward).signature();
    assertThat(TaskGraph.build(again).signature()).isEqualTo(signature);
    // Pinned: the same catalog must give the same signature on every JVM and every release.
    assertThat(signature)
        .isEqualTo("12904eb0ede917e8792434ffba64d3e338a7bdb03b95190de518c5f0a9c42db7");
  }

  @Test
  void signatureChangesWithTheStructure() {
    String base = TaskGraph.build(chain().build()).signature();
    String typeChanged =
        TaskGraph.build(chain().task(task("b").reads("a", "id:int32")).build()).signature();
    String edgeAdded =
        TaskGraph.build(
                chain().task(task("b").reads("a", "id:int64").reads("raw", "v:float64")).build())
            .signature();
    assertThat(List.of(typeChanged, edgeAdded)).doesNotContain(base).doesNotHaveDuplicates();
  }

  @Test
  void cycleIsReportedWithItsPathAndBlocksWhatFollows() {
    TaskGraph graph =
        TaskGraph.build(
            Plans.catalog()
                .task(task("a").reads("b", "id:int64"))
                .task(task("b").reads("a", "id:int64"))
                .task(task("c").reads("a", "id:int64"))
                .task(task("ok"))
                .build());
    assertThat(graph.diagnostics())
        .filteredOn(d -> d.code().equals("CYCLE"))
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.path()).containsExactly("a", "b", "a");
              assertThat(d.message()).isEqualTo("dependency cycle: a -> b -> a");
            });
    assertThat(graph.blockedBy(t("a")).map(BlockedReason::code))
        .hasValue(GraphDiagnosticCode.CYCLE);
    assertThat(graph.blockedBy(t("c")).map(BlockedReason::code))
        .hasValue(GraphDiagnosticCode.CYCLE);
    assertThat(graph.blockedBy(t("ok"))).isEmpty();
    assertThat(graph.topologicalOrder()).containsExactly(t("ok"));
  }

  @Test
  void aTaskReadingItsOwnOutputIsACycleOfOne() {
    TaskGraph graph =
        TaskGraph.build(Plans.catalog().task(task("self").reads("self", "id:int64")).build());
    assertThat(graph.diagnostics())
        .singleElement()
        .satisfies(d -> assertThat(d.path()).containsExactly("self", "self"));
  }

  @Test
  void compilerCycleAndFailuresAreCarriedOver() {
    TaskGraph graph =
        TaskGraph.build(
            Plans.catalog()
                .cycle("x", "x", "y", "x")
                .failure("broken", "UNKNOWN_COLUMN", "column 'nope' not found")
                .build());
    assertThat(graph.diagnostics())
        .extracting(GraphDiagnostic::code, GraphDiagnostic::subject, GraphDiagnostic::source)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("COMPILE_FAILED", "broken", "compiler"),
            org.assertj.core.groups.Tuple.tuple("CYCLE", "x", "compiler"));
    assertThat(graph.diagnostics().get(0).message())
        .isEqualTo("UNKNOWN_COLUMN: column 'nope' not found");
    assertThat(graph.diagnostics().get(1).path()).containsExactly("x", "y", "x");
  }

  @Test
  void multipleProducersBlockEveryProducer() {
    TaskGraph graph =
        TaskGraph.build(
            Plans.catalog()
                .source("raw", null, "id:int64")
                .task(task("x").output("out"))
                .task(task("y").output("out"))
                .task(task("shadow").output("raw"))
                .task(task("reader").reads("out", "id:int64"))
                .build());
    assertThat(graph.diagnostics())
        .filteredOn(d -> d.code().equals("MULTIPLE_PRODUCERS"))
        .extracting(GraphDiagnostic::subject, GraphDiagnostic::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "shadow", "dataset 'raw' is produced by a source contract and task shadow"),
            org.assertj.core.groups.Tuple.tuple("x", "dataset 'out' is produced by tasks x, y"),
            org.assertj.core.groups.Tuple.tuple("y", "dataset 'out' is produced by tasks x, y"));
    assertThat(graph.blockedBy(t("reader")).map(Object::toString))
        .hasValue("UPSTREAM_BLOCKED: upstream task 'x' is blocked (MULTIPLE_PRODUCERS)");
  }

  @Test
  void missingSourceNamesTheDataset() {
    TaskGraph graph =
        TaskGraph.build(Plans.catalog().task(task("lost").reads("nowhere", "id:int64")).build());
    assertThat(graph.diagnostics())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.code()).isEqualTo("MISSING_SOURCE");
              assertThat(d.message()).contains("'nowhere'");
            });
    assertThat(graph.dataset(DatasetName.of("nowhere")))
        .hasValue(new GraphNode(GraphNode.Kind.MISSING, "nowhere"));
  }

  @Test
  void edgeColumnsAreCheckedAgainstSourcesAndUpstreamOutputs() {
    TaskGraph graph =
        TaskGraph.build(
            Plans.catalog()
                .source("raw", null, "id:int64", "name:utf8")
                .task(task("missing").reads("raw", "nope:int64"))
                .task(task("mistyped").reads("raw", "id:utf8"))
                .task(task("up").columns("k:int32"))
                .task(task("down").reads("up", "k:int64"))
                .task(task("after").reads("down", "id:int64"))
                .build());
    assertThat(graph.diagnostics())
        .extracting(GraphDiagnostic::code, GraphDiagnostic::subject)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("EDGE_COLUMN_MISSING", "missing"),
            org.assertj.core.groups.Tuple.tuple("EDGE_TYPE_MISMATCH", "down"),
            org.assertj.core.groups.Tuple.tuple("EDGE_TYPE_MISMATCH", "mistyped"));
    assertThat(graph.diagnostics().get(1).message())
        .isEqualTo("needs column 'k' from 'up' as int64, but it is int32");
    assertThat(graph.blockedBy(t("after")).map(Object::toString))
        .hasValue("UPSTREAM_BLOCKED: upstream task 'down' is blocked (EDGE_TYPE_MISMATCH)");
    assertThat(graph.blockedBy(t("up"))).isEmpty();
  }

  @Test
  void warningsForUnreadViewsAndUnusedSources() {
    TaskGraph graph =
        TaskGraph.build(
            Plans.catalog()
                .source("unused", null, "id:int64")
                .task(task("lonely_view").kind(TaskKind.VIEW))
                .build());
    assertThat(graph.diagnostics())
        .extracting(GraphDiagnostic::code, GraphDiagnostic::severity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("UNREAD_OUTPUT", GraphDiagnostic.Severity.WARNING),
            org.assertj.core.groups.Tuple.tuple("UNUSED_SOURCE", GraphDiagnostic.Severity.WARNING));
    assertThat(graph.hasErrors()).isFalse();
    assertThat(graph.blocked()).isEmpty();
  }

  @Test
  void criticalPathWeighsMeasuredDurations() {
    TaskGraph graph = TaskGraph.build(chain().build());
    CriticalPath path =
        graph.criticalPath(Map.of(t("a"), 10L, t("b"), 500L, t("c"), 20L, t("d"), 5L), 1);
    assertThat(path.tasks()).containsExactly(t("a"), t("b"), t("d"));
    assertThat(path.estimatedMillis()).isEqualTo(515);
    // Unmeasured: every task weighs 1 ms and views nothing, so a-b-d and a-v-c-d tie at 3 ms;
    // the tie goes to the smaller upstream name.
    assertThat(graph.criticalPath(Map.of(), 1).tasks()).containsExactly(t("a"), t("b"), t("d"));
    assertThat(graph.criticalPath(Map.of(t("c"), 7L), 1).tasks())
        .containsExactly(t("a"), t("v"), t("c"), t("d"));
  }

  @Test
  void exportsNameEveryNodeAndEdge() {
    TaskGraph graph = TaskGraph.build(chain().build());
    GraphExport.GraphView json = GraphExport.json(graph);
    assertThat(json.nodes()).hasSize(11);
    assertThat(json.edges()).hasSize(graph.graph().edgeSet().size());
    assertThat(json.signature()).isEqualTo(graph.signature());
    assertThat(json.nodes())
        .filteredOn(node -> node.id().equals("task:d"))
        .singleElement()
        .satisfies(node -> assertThat(node.generation()).isEqualTo(3));
    String dot = GraphExport.dot(graph);
    assertThat(dot)
        .startsWith("digraph relspec {")
        .contains("\"dataset:raw\" [label=\"raw\", shape=cylinder];")
        .contains("\"dataset:raw\" -> \"task:a\" [label=\"file_id, id\"];");
    String mermaid = GraphExport.mermaid(graph);
    assertThat(mermaid).startsWith("flowchart LR\n").contains("[(\"raw\")]").contains(" ==> ");
    assertThat(GraphExport.mermaid(TaskGraph.build(chain().build()))).isEqualTo(mermaid);
  }
}
