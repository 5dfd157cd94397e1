package io.relspec.scheduler.runs;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.model.TaskName;
import io.relspec.scheduler.graph.TaskGraph;
import java.util.Map;
import java.util.TreeMap;

/**
 * By which column a task's output is partitioned by file id, as far as the graph tells: the task's
 * own file-id column when it is file-scopable, otherwise the column its file-scopable readers
 * restrict it by (a task that derives the file id through a join is not scopable itself, but its
 * readers may be). Early cutoff by partition compares versions per value of that column.
 */
final class OutputPartitions {
  private OutputPartitions() {}

  /** The output's file-id column, or null when neither the task nor a reader names one. */
  static String column(TaskGraph graph, TaskName task) {
    PlanArtifact plan = graph.plan(task);
    FileScope own = plan.fileScope();
    if (own != null && own.fileIdColumn() != null) {
      return own.fileIdColumn();
    }
    return readersColumn(graph, task);
  }

  /**
   * The column most file-scopable readers restrict the output by (ties: the first by name), or null
   * when no reader is file-scopable for it.
   */
  static String readersColumn(TaskGraph graph, TaskName task) {
    PlanArtifact plan = graph.plan(task);
    Map<String, Integer> votes = new TreeMap<>();
    for (TaskName reader : graph.physicalDownstreamTasks(task)) {
      FileScope scope = graph.plan(reader).fileScope();
      String column = scope == null ? null : scope.scopedInputs().get(plan.output());
      if (column != null) {
        votes.merge(column, 1, Integer::sum);
      }
    }
    String best = null;
    for (Map.Entry<String, Integer> vote : votes.entrySet()) {
      if (best == null || vote.getValue() > votes.get(best)) {
        best = vote.getKey();
      }
    }
    return best;
  }
}
