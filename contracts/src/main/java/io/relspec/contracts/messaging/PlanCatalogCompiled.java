package io.relspec.contracts.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.relspec.contracts.api.PlanCatalogDiff;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The compiler produced the plan catalog for a snapshot; fetch it with GET
 * /api/v1/plan-catalogs/{planCatalogId}.
 */
public record PlanCatalogCompiled(
    UUID eventId,
    Instant occurredAt,
    String planCatalogId,
    String snapshotId,
    String previousPlanCatalogId,
    Map<TaskName, Fingerprint> fingerprints,
    List<CompileFailure> failures,
    PlanChanges changes)
    implements RelspecMessage {
  public PlanCatalogCompiled {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(planCatalogId, "planCatalogId is null");
    Objects.requireNonNull(snapshotId, "snapshotId is null");
    fingerprints = Collections2.sortedCopy(fingerprints);
    failures = Collections2.copy(failures);
    changes = changes == null ? PlanChanges.NONE : changes;
  }

  /**
   * A task that did not compile: stable code, message, position when known; for a {@code CYCLE},
   * the cycle's tasks in data-flow order, the first repeated at the end ({@code [a, b, a]}).
   */
  public record CompileFailure(
      TaskName task,
      String code,
      String message,
      Integer line,
      Integer column,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TaskName> cycle) {
    public CompileFailure {
      Objects.requireNonNull(task, "task is null");
      Objects.requireNonNull(code, "code is null");
      Objects.requireNonNull(message, "message is null");
      cycle = Collections2.copy(cycle);
    }

    public CompileFailure(
        TaskName task, String code, String message, Integer line, Integer column) {
      this(task, code, message, line, column, List.of());
    }
  }

  /**
   * Tasks added, removed, changed and unchanged against the previous catalog; each changed task
   * with its category (the full diff is GET /api/v1/plan-catalogs/{a}/diff/{b}).
   */
  public record PlanChanges(
      List<TaskName> added,
      List<TaskName> removed,
      List<TaskName> changed,
      List<TaskName> unchanged,
      Map<TaskName, PlanCatalogDiff.Category> categories) {
    public static final PlanChanges NONE = new PlanChanges(null, null, null, null, null);

    public PlanChanges {
      added = Collections2.sortedDistinct(added);
      removed = Collections2.sortedDistinct(removed);
      changed = Collections2.sortedDistinct(changed);
      unchanged = Collections2.sortedDistinct(unchanged);
      categories = Collections2.sortedCopy(categories);
    }

    /** The event's summary of a full diff. */
    public static PlanChanges of(PlanCatalogDiff diff) {
      Map<TaskName, PlanCatalogDiff.Category> categories = new java.util.TreeMap<>();
      diff.changed().forEach(change -> categories.put(change.task(), change.category()));
      return new PlanChanges(
          diff.added(),
          diff.removed(),
          List.copyOf(categories.keySet()),
          diff.unchanged(),
          categories);
    }
  }
}
