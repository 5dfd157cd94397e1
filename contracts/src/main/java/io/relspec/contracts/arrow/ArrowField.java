package io.relspec.contracts.arrow;

import io.relspec.contracts.model.Collections2;
import java.util.Map;
import java.util.Objects;

/**
 * A field of an Arrow schema: name, type, nullability and string metadata. A name is any text of at
 * most {@value #MAX_NAME_LENGTH} characters without double quotes or control characters, so it can
 * always be written as one quoted SQL identifier.
 */
public record ArrowField(
    String name, ArrowType type, boolean nullable, Map<String, String> metadata) {
  public static final int MAX_NAME_LENGTH = 255;

  public ArrowField {
    Objects.requireNonNull(name, "name is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("field name must not be blank");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "field name is " + name.length() + " characters; the limit is " + MAX_NAME_LENGTH);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "field name '"
                + name.replaceAll("\\p{Cntrl}", "?")
                + "' holds a double quote or a control character");
      }
    }
    Objects.requireNonNull(type, "type is null");
    metadata = Collections2.sortedCopy(metadata);
  }

  public static ArrowField of(String name, String type, boolean nullable) {
    return new ArrowField(name, ArrowType.parse(type), nullable, Map.of());
  }
}
