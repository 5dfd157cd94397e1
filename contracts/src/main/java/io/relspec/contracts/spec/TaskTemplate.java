package io.relspec.contracts.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.relspec.contracts.model.Collections2;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Parameterized SQL ({@code {{name}}} placeholders) that expands into tasks. */
public record TaskTemplate(List<Parameter> parameters, String sql) {
  public TaskTemplate {
    parameters = Collections2.copy(parameters);
    Objects.requireNonNull(sql, "sql is null");
  }

  public record Parameter(String name, ParameterKind kind) {
    public Parameter {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(kind, "kind is null");
    }
  }

  public enum ParameterKind {
    DATASET,
    COLUMN,
    COLUMN_LIST,
    LITERAL;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ParameterKind fromWireName(String value) {
      return WireNames.parse(ParameterKind.class, value);
    }
  }
}
