package io.relspec.contracts.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a task came into the catalog. */
public enum TaskOrigin {
  /** Registered on its own with {@code PUT /api/v1/tasks/{name}}. */
  API,
  /** A member of a bundle (JSON, archive or extension pack). */
  BUNDLE,
  /** Synthesized from a template instance listed in a dataset contract's metadata. */
  CONTRACT;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static TaskOrigin fromWireName(String value) {
    return WireNames.parse(TaskOrigin.class, value);
  }
}
