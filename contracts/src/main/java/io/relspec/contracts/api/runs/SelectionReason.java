package io.relspec.contracts.api.runs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Why a task was selected (or not) for a run. */
public enum SelectionReason {
  NEW,
  FINGERPRINT_CHANGED,
  UPSTREAM_CHANGED,
  FILES_CHANGED,
  FORCED,
  UNCHANGED,
  BLOCKED,
  /**
   * Planned to run because an upstream output was rebuilt, then reused: every rebuilt input came
   * out with the same content as the version this output was built from (early cutoff).
   */
  UPSTREAM_UNCHANGED_CONTENT,
  /**
   * Planned to run because an upstream output was rebuilt, then reused: the rebuilt inputs changed
   * only columns this task does not read, with the same rows (column-aware rebuild).
   */
  UNCHANGED_COLUMNS,
  /** A {@code view} task: inlined into the tasks that read it, never dispatched. */
  INLINED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
