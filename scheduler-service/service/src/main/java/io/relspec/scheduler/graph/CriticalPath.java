package io.relspec.scheduler.graph;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The longest chain of tasks by estimated duration (views weigh nothing; a task without an estimate
 * weighs {@code defaultMillis}); ties go to the chain ending in the smaller task name.
 *
 * @param tasks the chain, first to last
 */
public record CriticalPath(List<TaskName> tasks, long estimatedMillis) {
  static CriticalPath of(TaskGraph graph, Map<TaskName, Long> estimatedMillis, long defaultMillis) {
    Map<TaskName, Long> finish = new HashMap<>();
    Map<TaskName, TaskName> via = new HashMap<>();
    TaskName last = null;
    for (TaskName task : graph.topologicalOrder()) {
      PlanArtifact plan = graph.plan(task);
      long own =
          plan.kind() == TaskKind.VIEW ? 0 : estimatedMillis.getOrDefault(task, defaultMillis);
      long start = 0;
      TaskName best = null;
      for (TaskName parent : graph.upstreamTasks(task)) {
        long parentFinish = finish.getOrDefault(parent, 0L);
        if (best == null
            || parentFinish > start
            || (parentFinish == start && parent.compareTo(best) < 0)) {
          start = parentFinish;
          best = parent;
        }
      }
      finish.put(task, start + own);
      if (best != null) {
        via.put(task, best);
      }
      if (last == null
          || finish.get(task) > finish.get(last)
          || (finish.get(task).equals(finish.get(last)) && task.compareTo(last) < 0)) {
        last = task;
      }
    }
    List<TaskName> path = new ArrayList<>();
    for (TaskName at = last; at != null; at = via.get(at)) {
      path.add(at);
    }
    Collections.reverse(path);
    return new CriticalPath(path, last == null ? 0 : finish.get(last));
  }
}
