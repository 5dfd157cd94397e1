package io.relspec.scheduler.graph;

import java.util.Locale;
import java.util.Objects;

/**
 * A vertex of the task graph: a task, or a dataset (a source contract, a materialized task output,
 * a view, or a name read but defined nowhere).
 */
public record GraphNode(Kind kind, String name) implements Comparable<GraphNode> {
  public enum Kind {
    SOURCE,
    DERIVED,
    VIEW,
    MISSING,
    TASK;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public boolean isDataset() {
      return this != TASK;
    }
  }

  public GraphNode {
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(name, "name is null");
  }

  /** Stable id used in exports and the signature: {@code task:x} or {@code dataset:x}. */
  public String id() {
    return (kind == Kind.TASK ? "task:" : "dataset:") + name;
  }

  /** The order of {@link #id()} (datasets before tasks, then by name) without building strings. */
  @Override
  public int compareTo(GraphNode other) {
    int byType = Boolean.compare(kind == Kind.TASK, other.kind == Kind.TASK);
    if (byType != 0) {
      return byType;
    }
    int byName = name.compareTo(other.name);
    return byName != 0 ? byName : kind.compareTo(other.kind);
  }
}
