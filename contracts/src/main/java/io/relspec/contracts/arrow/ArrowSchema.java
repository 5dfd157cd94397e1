package io.relspec.contracts.arrow;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered list of fields with unique names. Unique ignoring case, too: SQL identifiers (DuckDB's
 * included) are case-insensitive, so {@code a} and {@code A} would be one column in a table and an
 * upload would silently lose one of them.
 */
public record ArrowSchema(List<ArrowField> fields) {
  public ArrowSchema {
    fields = fields == null ? List.of() : List.copyOf(fields);
    Map<String, String> seen = new HashMap<>();
    for (ArrowField field : fields) {
      String other = seen.putIfAbsent(field.name().toLowerCase(Locale.ROOT), field.name());
      if (other != null) {
        throw new IllegalArgumentException(
            other.equals(field.name())
                ? "duplicate field name '" + field.name() + "' in schema"
                : "fields '"
                    + other
                    + "' and '"
                    + field.name()
                    + "' differ only in case; SQL reads them as one column");
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
