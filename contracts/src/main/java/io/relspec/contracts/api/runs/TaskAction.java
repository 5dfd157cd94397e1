package io.relspec.contracts.api.runs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a run does with a task. */
public enum TaskAction {
  RUN,
  REUSE,
  SKIP;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
