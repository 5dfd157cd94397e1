package io.relspec.contracts.messaging;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.relspec.contracts.spec.WireNames;
import java.util.Locale;

/** Full runs recompute everything selected; incremental runs re-run only what changed. */
public enum RunMode {
  FULL,
  INCREMENTAL;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static RunMode fromWireName(String value) {
    return WireNames.parse(RunMode.class, value);
  }
}
