package io.relspec.scheduler.graph;

import io.relspec.contracts.api.RequiredColumn;
import java.util.List;

/**
 * An edge of the task graph: a task {@code reads} a dataset (with the columns and types it needs
 * from it) or {@code writes} its output. Identity equality, as JGraphT requires one object per
 * edge.
 */
public final class GraphEdge {
  public enum Kind {
    READS,
    WRITES
  }

  private final Kind kind;
  private final GraphNode from;
  private final GraphNode to;
  private final List<RequiredColumn> columns;

  GraphEdge(Kind kind, GraphNode from, GraphNode to, List<RequiredColumn> columns) {
    this.kind = kind;
    this.from = from;
    this.to = to;
    this.columns = columns == null ? List.of() : List.copyOf(columns);
  }

  public Kind kind() {
    return kind;
  }

  public GraphNode from() {
    return from;
  }

  public GraphNode to() {
    return to;
  }

  /** For a reads edge, the columns the task needs with their types; empty for writes. */
  public List<RequiredColumn> columns() {
    return columns;
  }

  /** One canonical line for the graph signature. */
  String canonical() {
    StringBuilder line =
        new StringBuilder("e ")
            .append(kind.name().toLowerCase(java.util.Locale.ROOT))
            .append(' ')
            .append(from.id())
            .append(' ')
            .append(to.id());
    columns.stream()
        .map(column -> column.name() + ":" + column.type())
        .sorted()
        .forEach(column -> line.append(' ').append(column));
    return line.toString();
  }

  @Override
  public String toString() {
    return canonical();
  }
}
