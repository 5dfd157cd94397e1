package io.relspec.platform.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/**
 * The dependency order of a graph given by each node's upstream nodes, and its cycles: the one
 * implementation behind the compiler (the order it compiles a catalog in, and the cycles it
 * refuses) and the scheduler (the task graph's order and its cycle diagnostics), so both order the
 * same graph the same way and name the same cycle with the same path.
 */
public final class DependencyOrder {
  private DependencyOrder() {}

  /**
   * @param order every node whose upstream nodes all come before it
   * @param leftover the nodes on a cycle or downstream of one, in the order they were given
   */
  public record Sorted<T>(List<T> order, List<T> leftover) {}

  /**
   * Kahn's algorithm: a node is ready once every upstream node of it is placed, and the smallest
   * ready node by {@code tieBreak} goes next, so the order is the same on every run. An upstream
   * node that is not among {@code nodes} is ignored (a source, or a node left out on purpose).
   */
  public static <T> Sorted<T> sort(
      Collection<T> nodes,
      Function<? super T, ? extends Collection<T>> upstream,
      Comparator<? super T> tieBreak) {
    Set<T> members = new HashSet<>(nodes);
    Map<T, Integer> pending = HashMap.newHashMap(nodes.size());
    Map<T, List<T>> downstream = HashMap.newHashMap(nodes.size());
    PriorityQueue<T> ready = new PriorityQueue<>(tieBreak);
    for (T node : nodes) {
      int count = 0;
      for (T parent : upstream.apply(node)) {
        if (members.contains(parent)) {
          downstream.computeIfAbsent(parent, key -> new ArrayList<>()).add(node);
          count++;
        }
      }
      pending.put(node, count);
      if (count == 0) {
        ready.add(node);
      }
    }
    List<T> order = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      T node = ready.poll();
      order.add(node);
      for (T child : downstream.getOrDefault(node, List.of())) {
        if (pending.merge(child, -1, Integer::sum) == 0) {
          ready.add(child);
        }
      }
    }
    List<T> leftover = new ArrayList<>();
    for (T node : nodes) {
      if (pending.get(node) > 0) {
        leftover.add(node);
      }
    }
    return new Sorted<>(order, leftover);
  }

  /**
   * Every node of {@code leftover} (what {@link #sort} could not order) that lies on a cycle, with
   * the cycle's path in data-flow order, closed ({@code a, b, a}). The nodes are taken in the order
   * given: each that is on no cycle found so far gets the shortest cycle through it, and so do the
   * other nodes on that cycle; a node on no cycle at all is downstream of one and is left out.
   *
   * @param downstream the nodes that read each node, in the order paths should prefer
   */
  public static <T> Map<T, List<T>> cycles(
      List<T> leftover, Function<? super T, ? extends Collection<T>> downstream) {
    Set<T> within = new HashSet<>(leftover);
    Map<T, List<T>> result = new LinkedHashMap<>();
    for (T start : leftover) {
      if (result.containsKey(start)) {
        continue;
      }
      List<T> cycle = shortestCycleThrough(start, within, downstream);
      for (T member : cycle.isEmpty() ? List.<T>of() : cycle.subList(0, cycle.size() - 1)) {
        result.putIfAbsent(member, cycle);
      }
    }
    return result;
  }

  /** The shortest cycle from {@code start} back to itself, breadth first; or empty. */
  private static <T> List<T> shortestCycleThrough(
      T start, Set<T> within, Function<? super T, ? extends Collection<T>> downstream) {
    Map<T, T> cameFrom = new HashMap<>();
    ArrayDeque<T> queue = new ArrayDeque<>();
    for (T next : downstream.apply(start)) {
      if (within.contains(next) && !cameFrom.containsKey(next)) {
        cameFrom.put(next, start);
        queue.add(next);
      }
    }
    while (!queue.isEmpty()) {
      T at = queue.poll();
      if (at.equals(start)) {
        List<T> path = new ArrayList<>();
        T step = start;
        do {
          path.add(step);
          step = cameFrom.get(step);
        } while (!step.equals(start));
        path.add(start);
        Collections.reverse(path);
        return List.copyOf(path);
      }
      for (T next : downstream.apply(at)) {
        if (within.contains(next) && !cameFrom.containsKey(next)) {
          cameFrom.put(next, at);
          queue.add(next);
        }
      }
    }
    return List.of();
  }
}
