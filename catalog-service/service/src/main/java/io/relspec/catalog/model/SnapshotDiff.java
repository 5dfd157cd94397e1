package io.relspec.catalog.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.messaging.RelspecJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed from snapshot {@code from} to snapshot {@code to}, per kind, in name order. A
 * changed entry lists the top-level fields that differ ({@code sql}, {@code schema}, …).
 */
public record SnapshotDiff(
    String from,
    String to,
    boolean identical,
    Section datasets,
    Section functions,
    Section templates,
    Section tasks,
    Section bundles) {

  public record Section(List<String> added, List<String> removed, List<Changed> changed) {
    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
  }

  public record Changed(String name, List<String> fields) {}

  public static SnapshotDiff between(CatalogSnapshot from, CatalogSnapshot to) {
    Section datasets = section(from.datasets(), to.datasets());
    Section functions = section(from.functions(), to.functions());
    Section templates = section(from.templates(), to.templates());
    Section tasks = section(from.tasks(), to.tasks());
    Section bundles = section(from.bundles(), to.bundles());
    boolean identical =
        datasets.isEmpty()
            && functions.isEmpty()
            && templates.isEmpty()
            && tasks.isEmpty()
            && bundles.isEmpty();
    return new SnapshotDiff(
        from.id(), to.id(), identical, datasets, functions, templates, tasks, bundles);
  }

  private static <K extends Comparable<K>, V> Section section(Map<K, V> before, Map<K, V> after) {
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<Changed> changed = new ArrayList<>();
    TreeSet<K> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    for (K name : names) {
      V old = before.get(name);
      V now = after.get(name);
      if (old == null) {
        added.add(name.toString());
      } else if (now == null) {
        removed.add(name.toString());
      } else if (!Objects.equals(old, now)) {
        changed.add(new Changed(name.toString(), changedFields(old, now)));
      }
    }
    return new Section(List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
  }

  private static List<String> changedFields(Object old, Object now) {
    JsonNode a = RelspecJson.mapper().valueToTree(old);
    JsonNode b = RelspecJson.mapper().valueToTree(now);
    TreeSet<String> fields = new TreeSet<>();
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      fields.add(it.next());
    }
    b.fieldNames().forEachRemaining(fields::add);
    return fields.stream().filter(field -> !Objects.equals(a.get(field), b.get(field))).toList();
  }
}
