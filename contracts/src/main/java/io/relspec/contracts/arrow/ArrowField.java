package io.relspec.contracts.arrow;

import io.relspec.contracts.model.Collections2;
import java.util.Map;
import java.util.Objects;

/** A field of an Arrow schema: name, type, nullability and string metadata. */
public record ArrowField(
    String name, ArrowType type, boolean nullable, Map<String, String> metadata) {
  public ArrowField {
    Objects.requireNonNull(name, "name is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("field name must not be blank");
    }
    Objects.requireNonNull(type, "type is null");
    metadata = Collections2.sortedCopy(metadata);
  }

  public static ArrowField of(String name, String type, boolean nullable) {
    return new ArrowField(name, ArrowType.parse(type), nullable, Map.of());
  }
}
