package io.relspec.scheduler.graph;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The task graph laid out for planners that visit every task: the plans by position in the
 * topological order and, for each, the positions of its physical inputs' producers. A walk over
 * 100,000 tasks then does no hash lookups to find what each task reads.
 */
public final class PlanningIndex {
  /** See {@link #physicalInputPositions}: the input is not produced by any task. */
  public static final int NO_PRODUCER = -1;

  /** See {@link #physicalInputPositions}: the producer is not in the topological order. */
  public static final int UNORDERED = -2;

  private final PlanArtifact[] plans;
  private final int[][] inputPositions;

  PlanningIndex(
      List<TaskName> order,
      Map<TaskName, PlanArtifact> plansByTask,
      Function<DatasetName, TaskName> producer) {
    int size = order.size();
    this.plans = new PlanArtifact[size];
    Map<TaskName, Integer> position = HashMap.newHashMap(size);
    for (int i = 0; i < size; i++) {
      plans[i] = plansByTask.get(order.get(i));
      position.put(order.get(i), i);
    }
    this.inputPositions = new int[size][];
    for (int i = 0; i < size; i++) {
      List<DatasetName> inputs = plans[i].physicalInputs();
      int[] positions = new int[inputs.size()];
      for (int j = 0; j < positions.length; j++) {
        TaskName from = producer.apply(inputs.get(j));
        positions[j] = from == null ? NO_PRODUCER : position.getOrDefault(from, UNORDERED);
      }
      inputPositions[i] = positions;
    }
  }

  /** How many tasks the order holds. */
  public int size() {
    return plans.length;
  }

  /** The plan of the task at a position of {@link TaskGraph#topologicalOrder()}. */
  public PlanArtifact plan(int position) {
    return plans[position];
  }

  /**
   * For the task at a position of the order, the position of the producer of each of its plan's
   * physical inputs, in input order: {@link #NO_PRODUCER} for a source (or a dataset no task
   * produces) and {@link #UNORDERED} for a producer outside the order (on a cycle). The array is
   * shared: do not modify it.
   */
  public int[] physicalInputPositions(int position) {
    return inputPositions[position];
  }
}
