package io.relspec.contracts.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.WireNames;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The difference between two plan catalogs (GET /api/v1/plan-catalogs/{a}/diff/{b}): tasks added,
 * removed, unchanged, and changed with a category and the downstream tasks affected.
 */
public record PlanCatalogDiff(
    String fromId,
    String toId,
    List<TaskName> added,
    List<TaskName> removed,
    List<TaskName> unchanged,
    List<TaskChange> changed) {
  public PlanCatalogDiff {
    Objects.requireNonNull(toId, "toId is null");
    added = Collections2.sortedDistinct(added);
    removed = Collections2.sortedDistinct(removed);
    unchanged = Collections2.sortedDistinct(unchanged);
    changed = Collections2.copy(changed);
  }

  /** How a change affects consumers of the task's output. */
  public enum Category {
    /** An existing output column disappeared or changed type or lineage, or the rows may differ. */
    BREAKING,
    /** Only new output columns; every existing column and its lineage are unchanged. */
    NON_BREAKING,
    /** Same fingerprint; only metadata (priority, cache policy, kind, domain, …) differs. */
    METADATA_ONLY;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Category fromWireName(String value) {
      return WireNames.parse(Category.class, value);
    }
  }

  /**
   * One changed task.
   *
   * @param addedColumns output columns that are new
   * @param removedColumns output columns that are gone
   * @param changedColumns output columns whose type, nullability or lineage differ
   * @param changedFields other plan fields that differ (kind, priority, cachePolicy, …)
   * @param downstream tasks that read this output, transitively, in the newer catalog; empty for a
   *     metadata-only change, which affects no data
   */
  public record TaskChange(
      TaskName task,
      Category category,
      Fingerprint fromFingerprint,
      Fingerprint toFingerprint,
      List<String> addedColumns,
      List<String> removedColumns,
      List<String> changedColumns,
      List<String> changedFields,
      List<TaskName> downstream) {
    public TaskChange {
      Objects.requireNonNull(task, "task is null");
      Objects.requireNonNull(category, "category is null");
      addedColumns = Collections2.copy(addedColumns);
      removedColumns = Collections2.copy(removedColumns);
      changedColumns = Collections2.copy(changedColumns);
      changedFields = Collections2.copy(changedFields);
      downstream = Collections2.sortedDistinct(downstream);
    }
  }
}
