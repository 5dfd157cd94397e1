package io.relspec.contracts.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a task's output exists: inlined, computed for the run, or persisted and served. */
public enum TaskKind {
  /** Inlined into its consumers; never materialized. */
  VIEW,
  /** Materialized for the run. */
  COMPUTE,
  /** Persisted in the executor store and served over Flight. */
  MATERIALIZATION;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static TaskKind fromWireName(String value) {
    return WireNames.parse(TaskKind.class, value);
  }
}
