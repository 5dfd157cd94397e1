package io.relspec.scheduler.ui;

import static io.relspec.scheduler.Plans.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.scheduler.Plans;
import io.relspec.scheduler.graph.TaskGraph;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GraphLayoutTest {
  /** s → a → b (through the view v) and s → c in domain "quality". */
  private static final TaskGraph GRAPH =
      TaskGraph.build(
          Plans.catalog()
              .source("s", "file_id", "file_id:utf8", "x:int64")
              .task(task("a").reads("s", "file_id:utf8").domain("core"))
              .task(task("v").kind(TaskKind.VIEW).reads("a", "id:int64").domain("core"))
              .task(task("b").reads("v", "id:int64").physical("a").domain("core"))
              .task(task("c").reads("s", "x:int64").domain("quality"))
              .build());

  private static GraphLayout.Query all() {
    return new GraphLayout.Query("", "", null, GraphLayout.Direction.BOTH, 3);
  }

  private static Map<String, double[]> positions(GraphLayout.View view) {
    Map<String, double[]> result = new TreeMap<>();
    view.nodes().forEach(node -> result.put(node.id(), new double[] {node.x(), node.y()}));
    return result;
  }

  @Test
  void everyNodeSitsInTheColumnOfItsGenerationAndTheSameGraphLooksTheSameEveryTime() {
    GraphLayout.View view = GraphLayout.of(GRAPH, Map.of(), all(), 100);
    assertThat(view.limited()).isFalse();
    assertThat(view.total()).isEqualTo(view.nodes().size()).isEqualTo(9);
    Map<String, Double> columns =
        view.nodes().stream()
            .collect(
                Collectors.toMap(
                    GraphLayout.Node::id, node -> node.x() / GraphLayout.COLUMN_WIDTH));
    assertThat(columns)
        .containsEntry("dataset:s", 0.0)
        .containsEntry("task:a", 1.0)
        .containsEntry("task:c", 1.0)
        .containsEntry("dataset:a", 2.0)
        .containsEntry("dataset:c", 2.0)
        .containsEntry("task:v", 3.0)
        .containsEntry("dataset:v", 4.0)
        .containsEntry("task:b", 5.0)
        .containsEntry("dataset:b", 6.0);
    assertThat(view.edges()).hasSize(8);
    GraphLayout.View again = GraphLayout.of(GRAPH, Map.of(), all(), 100);
    assertThat(again).isEqualTo(view);
    assertThat(positions(again)).usingRecursiveComparison().isEqualTo(positions(view));
  }

  @Test
  void nodesCarryKindTaskKindLastStateAndDomain() {
    GraphLayout.View view =
        GraphLayout.of(
            GRAPH,
            Map.of(TaskName.of("a"), TaskRunState.SUCCEEDED, TaskName.of("c"), TaskRunState.FAILED),
            all(),
            100);
    Map<String, GraphLayout.Node> nodes =
        view.nodes().stream().collect(Collectors.toMap(GraphLayout.Node::id, node -> node));
    assertThat(nodes.get("task:a").state()).isEqualTo("succeeded");
    assertThat(nodes.get("task:c").state()).isEqualTo("failed");
    assertThat(nodes.get("task:b").state()).isEqualTo("never run");
    assertThat(nodes.get("task:v").taskKind()).isEqualTo("view");
    assertThat(nodes.get("task:a").taskKind()).isEqualTo("compute");
    assertThat(nodes.get("dataset:s").kind()).isEqualTo("source");
    assertThat(nodes.get("dataset:v").kind()).isEqualTo("view");
    assertThat(nodes.get("dataset:a").kind()).isEqualTo("derived");
    assertThat(nodes.get("task:c").domain()).isEqualTo("quality");
    assertThat(view.domains()).containsExactly("core", "quality");
  }

  @Test
  void aFocusShowsTheReachUpToTheDepthCountedInTasks() {
    GraphLayout.View upOne =
        GraphLayout.of(
            GRAPH,
            Map.of(),
            new GraphLayout.Query("", "", "task:b", GraphLayout.Direction.UP, 1),
            100);
    // Depth 1: the task writing what b reads (the view v) and what that task reads.
    assertThat(upOne.nodes())
        .extracting(GraphLayout.Node::id)
        .containsExactly("dataset:a", "dataset:v", "task:b", "task:v");
    assertThat(upOne.nodes())
        .filteredOn(GraphLayout.Node::focused)
        .extracting(GraphLayout.Node::id)
        .containsExactly("task:b");

    GraphLayout.View upAll =
        GraphLayout.of(
            GRAPH,
            Map.of(),
            new GraphLayout.Query("", "", "task:b", GraphLayout.Direction.UP, 50),
            100);
    assertThat(upAll.nodes())
        .extracting(GraphLayout.Node::id)
        .containsExactly("dataset:a", "dataset:s", "dataset:v", "task:a", "task:b", "task:v");

    GraphLayout.View down =
        GraphLayout.of(
            GRAPH,
            Map.of(),
            new GraphLayout.Query("", "", "dataset:s", GraphLayout.Direction.DOWN, 1),
            100);
    assertThat(down.nodes())
        .extracting(GraphLayout.Node::id)
        .containsExactly("dataset:a", "dataset:c", "dataset:s", "task:a", "task:c");
  }

  @Test
  void aFilterKeepsMatchingTasksWithTheirDatasetsAndADomainFilterKeepsItsTasks() {
    GraphLayout.View quality =
        GraphLayout.of(GRAPH, Map.of(), new GraphLayout.Query("", "quality", null, null, 3), 100);
    assertThat(quality.nodes())
        .extracting(GraphLayout.Node::id)
        .containsExactly("dataset:c", "dataset:s", "task:c");
    assertThat(quality.edges()).hasSize(2);
    GraphLayout.View named =
        GraphLayout.of(GRAPH, Map.of(), new GraphLayout.Query("B", "", null, null, 3), 100);
    assertThat(named.nodes())
        .extracting(GraphLayout.Node::id)
        .containsExactly("dataset:b", "dataset:v", "task:b");
  }

  @Test
  void aSelectionLargerThanTheBoundDrawsNothingAndSaysSo() {
    GraphLayout.View view = GraphLayout.of(GRAPH, Map.of(), all(), 5);
    assertThat(view.limited()).isTrue();
    assertThat(view.matched()).isEqualTo(9);
    assertThat(view.nodes()).isEmpty();
    assertThat(view.edges()).isEmpty();
    assertThat(GraphLayout.search(GRAPH, "a", 10))
        .extracting(node -> node.id())
        .startsWith("task:a");
  }

  @Test
  void badFocusesDepthsAndDirectionsAreRefusedWithWhatIsAccepted() {
    assertThatThrownBy(
            () ->
                GraphLayout.of(
                    GRAPH, Map.of(), new GraphLayout.Query("", "", "task:nope", null, 3), 100))
        .isInstanceOf(GraphLayout.NoSuchElementException.class)
        .hasMessageContaining("task:<name> or dataset:<name>");
    assertThatThrownBy(() -> new GraphLayout.Query("", "", null, null, 0))
        .hasMessage("depth must be 1 to 50, got 0");
    assertThatThrownBy(() -> GraphLayout.Direction.parse("sideways"))
        .hasMessage("direction must be up, down or both, got 'sideways'");
  }
}
