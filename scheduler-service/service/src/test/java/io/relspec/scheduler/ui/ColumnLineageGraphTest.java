package io.relspec.scheduler.ui;

import static io.relspec.scheduler.Plans.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.scheduler.Plans;
import io.relspec.scheduler.graph.TaskGraph;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ColumnLineageGraphTest {
  /** files → defs (name, file_id) → stats (file_id, total; joined on files.kind). */
  private static final TaskGraph GRAPH =
      TaskGraph.build(
          Plans.catalog()
              .source("files", "file_id", "file_id:utf8", "kind:utf8")
              .source("raw.defs", "file_id", "file_id:utf8", "name:utf8")
              .task(
                  task("defs")
                      .reads("raw.defs", "file_id:utf8", "name:utf8")
                      .columns("file_id:utf8", "name:utf8")
                      .lineage("file_id", "raw.defs.file_id")
                      .lineage("name", "raw.defs.name/TRANSFORMATION"))
              .task(
                  task("stats")
                      .reads("defs", "file_id:utf8", "name:utf8")
                      .reads("files", "file_id:utf8", "kind:utf8")
                      .columns("file_id:utf8", "total:int64")
                      .lineage("file_id", "defs.file_id", "files.kind/JOIN")
                      .lineage("total", "defs.name/AGGREGATION", "files.kind/FILTER"))
              .build());

  private static Map<String, Integer> distances(ColumnLineageGraph.View view) {
    Map<String, Integer> result = new TreeMap<>();
    view.nodes().forEach(node -> result.put(node.id(), node.distance()));
    return result;
  }

  @Test
  void upstreamGoesLeftThroughEveryProducerAndDownstreamRight() {
    ColumnLineageGraph.View view =
        ColumnLineageGraph.of(GRAPH, ColumnLineageGraph.ColumnRef.parse("defs.name"), false, 100);
    assertThat(distances(view))
        .isEqualTo(Map.of("raw.defs.name", -1, "defs.name", 0, "stats.total", 1));
    assertThat(view.edges())
        .extracting(ColumnLineageGraph.ColumnEdge::source, ColumnLineageGraph.ColumnEdge::subtype)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("defs.name", "aggregation"),
            org.assertj.core.groups.Tuple.tuple("raw.defs.name", "transformation"));
    // A dataset name with a dot: the column is what follows the last dot.
    assertThat(view.nodes())
        .filteredOn(node -> node.id().equals("raw.defs.name"))
        .singleElement()
        .satisfies(node -> assertThat(node.dataset()).isEqualTo("raw.defs"));
  }

  @Test
  void indirectLineageIsLeftOutUnlessAskedFor() {
    ColumnLineageGraph.ColumnRef kind = ColumnLineageGraph.ColumnRef.parse("files.kind");
    assertThat(distances(ColumnLineageGraph.of(GRAPH, kind, false, 100)))
        .isEqualTo(Map.of("files.kind", 0));
    ColumnLineageGraph.View withIndirect = ColumnLineageGraph.of(GRAPH, kind, true, 100);
    assertThat(distances(withIndirect))
        .isEqualTo(Map.of("files.kind", 0, "stats.file_id", 1, "stats.total", 1));
    assertThat(withIndirect.edges()).allMatch(edge -> edge.type().equals("indirect"));
  }

  @Test
  void positionsFollowDistanceAndTooManyColumnsAreReportedNotDrawn() {
    ColumnLineageGraph.View view =
        ColumnLineageGraph.of(GRAPH, ColumnLineageGraph.ColumnRef.parse("stats.total"), true, 100);
    assertThat(ColumnLineageGraph.positioned(view))
        .allMatch(
            node -> node.x() == distances(view).get(node.id()) * (double) GraphLayout.COLUMN_WIDTH);
    assertThat(
            ColumnLineageGraph.of(GRAPH, ColumnLineageGraph.ColumnRef.parse("stats.total"), true, 2)
                .limited())
        .isTrue();
  }

  @Test
  void unknownDatasetsAndColumnsAreRefusedWithWhatExists() {
    assertThatThrownBy(() -> ColumnLineageGraph.ColumnRef.parse("nodot"))
        .hasMessageContaining("dataset.column");
    assertThatThrownBy(
            () ->
                ColumnLineageGraph.of(
                    GRAPH, ColumnLineageGraph.ColumnRef.parse("defs.nope"), false, 100))
        .hasMessage("dataset 'defs' has no column 'nope': it has [file_id, name]");
    assertThatThrownBy(
            () ->
                ColumnLineageGraph.of(
                    GRAPH, ColumnLineageGraph.ColumnRef.parse("ghost.x"), false, 100))
        .hasMessageContaining("neither a source nor any task's output");
  }
}
