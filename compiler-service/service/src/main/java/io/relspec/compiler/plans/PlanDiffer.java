package io.relspec.compiler.plans;

import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.PlanCatalogDiff;
import io.relspec.contracts.api.PlanCatalogDiff.Category;
import io.relspec.contracts.api.PlanCatalogDiff.TaskChange;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares two plan catalogs task by task. A changed fingerprint is {@code non_breaking} when the
 * only difference readers can see is new output columns (every existing column keeps its type,
 * nullability and lineage, and the rows are decided by the same columns) and {@code breaking}
 * otherwise; an equal fingerprint with other fields changed is {@code metadata_only}.
 */
public final class PlanDiffer {
  private PlanDiffer() {}

  public static PlanCatalogDiff diff(PlanCatalog from, PlanCatalog to) {
    Map<TaskName, PlanArtifact> before = from == null ? Map.of() : from.plans();
    Map<TaskName, PlanArtifact> after = to.plans();
    Map<DatasetName, List<TaskName>> readers = readers(after);
    List<TaskName> added = new ArrayList<>();
    List<TaskName> unchanged = new ArrayList<>();
    List<TaskChange> changed = new ArrayList<>();
    for (Map.Entry<TaskName, PlanArtifact> entry : after.entrySet()) {
      PlanArtifact now = entry.getValue();
      PlanArtifact old = before.get(entry.getKey());
      if (old == null) {
        added.add(entry.getKey());
        continue;
      }
      List<String> fields = metadataChanges(old, now);
      if (old.fingerprint().equals(now.fingerprint())) {
        if (fields.isEmpty()) {
          unchanged.add(entry.getKey());
        } else {
          changed.add(
              new TaskChange(
                  entry.getKey(),
                  Category.METADATA_ONLY,
                  old.fingerprint(),
                  now.fingerprint(),
                  List.of(),
                  List.of(),
                  List.of(),
                  fields,
                  List.of()));
        }
        continue;
      }
      changed.add(dataChange(old, now, fields, downstream(now.output(), after, readers)));
    }
    List<TaskName> removed =
        before.keySet().stream().filter(task -> !after.containsKey(task)).toList();
    return new PlanCatalogDiff(
        from == null ? null : from.id(), to.id(), added, removed, unchanged, changed);
  }

  private static TaskChange dataChange(
      PlanArtifact old, PlanArtifact now, List<String> fields, List<TaskName> downstream) {
    Map<String, ArrowField> oldFields = fields(old);
    Map<String, ArrowField> newFields = fields(now);
    List<String> addedColumns = new ArrayList<>();
    List<String> removedColumns = new ArrayList<>();
    List<String> changedColumns = new ArrayList<>();
    for (ArrowField field : now.outputSchema().fields()) {
      ArrowField previous = oldFields.get(field.name());
      if (previous == null) {
        addedColumns.add(field.name());
      } else if (!previous.equals(field)
          || !Objects.equals(
              old.lineageOf(field.name()).map(ColumnLineage::origins).orElse(List.of()),
              now.lineageOf(field.name()).map(ColumnLineage::origins).orElse(List.of()))) {
        changedColumns.add(field.name());
      }
    }
    for (ArrowField field : old.outputSchema().fields()) {
      if (!newFields.containsKey(field.name())) {
        removedColumns.add(field.name());
      }
    }
    boolean nonBreaking =
        !addedColumns.isEmpty() && removedColumns.isEmpty() && changedColumns.isEmpty();
    return new TaskChange(
        now.task(),
        nonBreaking ? Category.NON_BREAKING : Category.BREAKING,
        old.fingerprint(),
        now.fingerprint(),
        addedColumns,
        removedColumns,
        changedColumns,
        fields,
        downstream);
  }

  private static Map<String, ArrowField> fields(PlanArtifact plan) {
    Map<String, ArrowField> fields = new HashMap<>();
    plan.outputSchema().fields().forEach(field -> fields.put(field.name(), field));
    return fields;
  }

  private static List<String> metadataChanges(PlanArtifact old, PlanArtifact now) {
    List<String> fields = new ArrayList<>();
    if (!old.output().equals(now.output())) {
      fields.add("output");
    }
    if (old.kind() != now.kind()) {
      fields.add("kind");
    }
    if (old.cachePolicy() != now.cachePolicy()) {
      fields.add("cachePolicy");
    }
    if (old.priority() != now.priority()) {
      fields.add("priority");
    }
    if (!old.logicalInputs().equals(now.logicalInputs())) {
      fields.add("logicalInputs");
    }
    if (!old.fileScope().equals(now.fileScope())) {
      fields.add("fileScope");
    }
    return fields;
  }

  /** Readers of each dataset in a plan catalog, by logical input. */
  static Map<DatasetName, List<TaskName>> readers(Map<TaskName, PlanArtifact> plans) {
    Map<DatasetName, List<TaskName>> readers = new HashMap<>();
    plans.forEach(
        (task, plan) -> {
          for (DatasetName input : plan.logicalInputs()) {
            readers.computeIfAbsent(input, key -> new ArrayList<>()).add(task);
          }
        });
    return readers;
  }

  /** Every task that reads {@code output}, transitively. */
  static List<TaskName> downstream(
      DatasetName output,
      Map<TaskName, PlanArtifact> plans,
      Map<DatasetName, List<TaskName>> readers) {
    Set<TaskName> seen = new TreeSet<>();
    Deque<DatasetName> pending = new ArrayDeque<>(List.of(output));
    while (!pending.isEmpty()) {
      for (TaskName reader : readers.getOrDefault(pending.pop(), List.of())) {
        if (seen.add(reader)) {
          pending.push(plans.get(reader).output());
        }
      }
    }
    return List.copyOf(seen);
  }
}
