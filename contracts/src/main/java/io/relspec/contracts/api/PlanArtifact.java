package io.relspec.contracts.api;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.TaskKind;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the compiler derived for one task (GET /api/v1/plan-catalogs/{id}/plans/{task}).
 *
 * @param sql the task's SQL as written
 * @param outputSchema the Arrow schema of the task's output, in select-list order
 * @param logicalInputs the datasets the SQL names, views included
 * @param physicalInputs the datasets the task reads once its {@code views} are resolved: what an
 *     executor binds
 * @param requiredColumns per logical input, every column the SQL references, with its type
 * @param lineage per output column (in output order), its source columns
 * @param fingerprint changes exactly when the plan's meaning changes
 * @param normalizedPlan the normalized relational plan the fingerprint is computed from
 * @param views the {@code view} tasks' outputs the SQL reads, directly or through other views, in
 *     dependency order: an executor creates each as a temporary view from its own SQL before the
 *     task's SQL runs
 * @param functions catalog functions the plan calls (views included)
 * @param fileScope whether the task can re-run for a subset of file ids
 * @param bundle the bundle the task came from, or null (names its lineage job)
 * @param domain the task's domain, or null (names its lineage job when it has no bundle)
 * @param columnFingerprints per output column, a fingerprint of its own expression over the row set
 *     (with the catalog functions the plan calls): it changes when that column's meaning does. A
 *     column is unchanged between two plans when its fingerprint and {@code rowSetFingerprint} both
 *     are. Empty for plans compiled before this existed
 * @param rowSetFingerprint a fingerprint of which rows exist: everything below the final projection
 *     (scans, filters, joins, grouping, distinct, ordering, limits); null when unknown
 */
public record PlanArtifact(
    TaskName task,
    DatasetName output,
    TaskKind kind,
    CachePolicy cachePolicy,
    int priority,
    String sql,
    ArrowSchema outputSchema,
    List<DatasetName> logicalInputs,
    List<DatasetName> physicalInputs,
    Map<DatasetName, List<RequiredColumn>> requiredColumns,
    List<ColumnLineage> lineage,
    Fingerprint fingerprint,
    String normalizedPlan,
    List<DatasetName> views,
    List<String> functions,
    FileScope fileScope,
    String bundle,
    String domain,
    Map<String, Fingerprint> columnFingerprints,
    Fingerprint rowSetFingerprint) {
  public PlanArtifact {
    Objects.requireNonNull(task, "task is null");
    Objects.requireNonNull(output, "output is null");
    Objects.requireNonNull(fingerprint, "fingerprint is null");
    Objects.requireNonNull(sql, "sql is null");
    outputSchema = outputSchema == null ? new ArrowSchema(List.of()) : outputSchema;
    logicalInputs = Collections2.sortedDistinct(logicalInputs);
    physicalInputs = Collections2.sortedDistinct(physicalInputs);
    java.util.TreeMap<DatasetName, List<RequiredColumn>> required = new java.util.TreeMap<>();
    if (requiredColumns != null) {
      requiredColumns.forEach(
          (dataset, columns) -> required.put(dataset, Collections2.sortedDistinct(columns)));
    }
    requiredColumns = java.util.Collections.unmodifiableSortedMap(required);
    lineage = Collections2.copy(lineage);
    views = Collections2.copy(views);
    functions = Collections2.sortedDistinct(functions);
    fileScope = fileScope == null ? FileScope.notScopable("not analysed", Map.of()) : fileScope;
    columnFingerprints =
        columnFingerprints == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(columnFingerprints));
  }

  /**
   * The output columns whose values may differ from those of {@code previous}'s plan for the same
   * task: none when the plans mean the same, all when the row set changed or either plan lacks
   * column fingerprints, else the columns whose own fingerprint changed or that are new.
   */
  public java.util.Set<String> columnsChangedFrom(PlanArtifact previous) {
    java.util.Set<String> all = new java.util.TreeSet<>();
    outputSchema.fields().forEach(field -> all.add(field.name()));
    if (fingerprint.equals(previous.fingerprint())) {
      return java.util.Set.of();
    }
    if (rowSetFingerprint == null
        || !rowSetFingerprint.equals(previous.rowSetFingerprint())
        || columnFingerprints.isEmpty()
        || previous.columnFingerprints().isEmpty()) {
      return all;
    }
    java.util.Set<String> changed = new java.util.TreeSet<>();
    for (String column : all) {
      Fingerprint now = columnFingerprints.get(column);
      if (now == null || !now.equals(previous.columnFingerprints().get(column))) {
        changed.add(column);
      }
    }
    return changed;
  }

  /** The lineage of one output column, if the task has it. */
  public java.util.Optional<ColumnLineage> lineageOf(String column) {
    return lineage.stream().filter(entry -> entry.column().equals(column)).findFirst();
  }
}
