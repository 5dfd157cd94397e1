package io.relspec.platform.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DependencyOrderTest {
  /** Each node's upstream nodes, from "reader:input,input" pairs. */
  private static Map<String, Set<String>> graph(String... edges) {
    Map<String, Set<String>> upstream = new TreeMap<>();
    for (String edge : edges) {
      String[] parts = edge.split(":", -1);
      Set<String> inputs = upstream.computeIfAbsent(parts[0], key -> new TreeSet<>());
      for (String input : parts[1].split(",")) {
        if (!input.isEmpty()) {
          inputs.add(input);
          upstream.computeIfAbsent(input, key -> new TreeSet<>());
        }
      }
    }
    return upstream;
  }

  private static Map<String, Set<String>> readers(Map<String, Set<String>> upstream) {
    Map<String, Set<String>> readers = new TreeMap<>();
    upstream.forEach(
        (node, inputs) ->
            inputs.forEach(
                input -> readers.computeIfAbsent(input, key -> new TreeSet<>()).add(node)));
    return readers;
  }

  @Test
  void readyNodesGoInTieBreakOrderAndEveryNodeAfterItsInputs() {
    Map<String, Set<String>> upstream = graph("d:b,c", "c:a", "b:a", "a:", "e:");
    DependencyOrder.Sorted<String> byName =
        DependencyOrder.sort(upstream.keySet(), upstream::get, Comparator.naturalOrder());
    assertThat(byName.order()).containsExactly("a", "b", "c", "d", "e");
    assertThat(byName.leftover()).isEmpty();

    // A different tie-break (here: e first, then reverse names) changes only the order of ties.
    DependencyOrder.Sorted<String> reversed =
        DependencyOrder.sort(upstream.keySet(), upstream::get, Comparator.reverseOrder());
    assertThat(reversed.order()).containsExactly("e", "a", "c", "b", "d");
  }

  @Test
  void inputsOutsideTheNodesAreIgnored() {
    Map<String, Set<String>> upstream = graph("b:a,source", "a:source");
    DependencyOrder.Sorted<String> sorted =
        DependencyOrder.sort(List.of("b", "a"), upstream::get, Comparator.naturalOrder());
    assertThat(sorted.order()).containsExactly("a", "b");
  }

  @Test
  void cyclesAreFoundWithTheirShortestPathInDataFlowOrderAndWhatFollowsIsLeftOut() {
    // a → b → a and b → c → a (two cycles through a), x reads itself, d reads the cycle.
    Map<String, Set<String>> upstream = graph("a:b,c", "b:a", "c:b", "d:a", "x:x", "y:");
    DependencyOrder.Sorted<String> sorted =
        DependencyOrder.sort(upstream.keySet(), upstream::get, Comparator.naturalOrder());
    assertThat(sorted.order()).containsExactly("y");
    assertThat(sorted.leftover()).containsExactly("a", "b", "c", "d", "x");

    Map<String, Set<String>> readers = readers(upstream);
    Map<String, List<String>> cycles =
        DependencyOrder.cycles(sorted.leftover(), node -> readers.getOrDefault(node, Set.of()));
    assertThat(cycles.keySet()).containsExactly("a", "b", "c", "x");
    assertThat(cycles.get("a")).containsExactly("a", "b", "a");
    assertThat(cycles.get("b")).containsExactly("a", "b", "a");
    assertThat(cycles.get("c")).containsExactly("c", "a", "b", "c");
    assertThat(cycles.get("x")).containsExactly("x", "x");
    assertThat(cycles).doesNotContainKey("d");
  }

  @Test
  void theSameGraphGivesTheSameAnswerWhateverTheOrderItsNodesAreGivenIn() {
    Map<String, Set<String>> upstream = graph("q:p", "p:r", "r:q", "s:r");
    Map<String, Set<String>> readers = readers(upstream);
    List<String> names = List.of("s", "r", "q", "p");
    List<String> sortedNames = names.stream().sorted().toList();
    DependencyOrder.Sorted<String> given =
        DependencyOrder.sort(sortedNames, upstream::get, Comparator.naturalOrder());
    DependencyOrder.Sorted<String> shuffled =
        DependencyOrder.sort(names, upstream::get, Comparator.naturalOrder());
    assertThat(shuffled.order()).isEqualTo(given.order());
    assertThat(
            DependencyOrder.cycles(given.leftover(), node -> readers.getOrDefault(node, Set.of()))
                .get("p"))
        .containsExactly("p", "q", "r", "p");
  }
}
