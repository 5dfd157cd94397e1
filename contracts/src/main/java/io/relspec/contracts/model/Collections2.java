package io.relspec.contracts.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Immutable copies with a deterministic order, so serialized forms and hashes are stable. */
public final class Collections2 {
  private Collections2() {}

  public static <K extends Comparable<? super K>, V> SortedMap<K, V> sortedCopy(Map<K, V> map) {
    return map == null
        ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(new TreeMap<>(map));
  }

  public static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  public static <T extends Comparable<? super T>> List<T> sortedDistinct(List<T> list) {
    return list == null ? List.of() : list.stream().distinct().sorted().toList();
  }
}
