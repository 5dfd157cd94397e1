package io.relspec.contracts.arrow;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An ordered list of fields with unique names. */
public record ArrowSchema(List<ArrowField> fields) {
  public ArrowSchema {
    fields = fields == null ? List.of() : List.copyOf(fields);
    Set<String> seen = new HashSet<>();
    for (ArrowField field : fields) {
      if (!seen.add(field.name())) {
        throw new IllegalArgumentException("duplicate field name '" + field.name() + "' in schema");
      }
    }
  }

  public Optional<ArrowField> field(String name) {
    for (ArrowField field : fields) {
      if (field.name().equals(name)) {
        return Optional.of(field);
      }
    }
    return Optional.empty();
  }
}
