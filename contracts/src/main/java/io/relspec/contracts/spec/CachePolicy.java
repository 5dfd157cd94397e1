package io.relspec.contracts.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether an unchanged task's output may be reused instead of recomputed. */
public enum CachePolicy {
  NONE,
  SESSION,
  PERSISTENT;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static CachePolicy fromWireName(String value) {
    return WireNames.parse(CachePolicy.class, value);
  }
}
