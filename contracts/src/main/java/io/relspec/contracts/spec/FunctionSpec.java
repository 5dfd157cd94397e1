package io.relspec.contracts.spec;

import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.Identifiers;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** A scalar SQL macro known to the compiler's operator table and created on executors. */
public record FunctionSpec(List<Parameter> parameters, ArrowType returns, String expression) {
  public static final int MAX_EXPRESSION_LENGTH = 16 * 1024;

  public FunctionSpec {
    parameters = Collections2.copy(parameters);
    Objects.requireNonNull(returns, "returns is null");
    Objects.requireNonNull(expression, "expression is null");
    if (expression.isBlank()) {
      throw new IllegalArgumentException("expression must not be blank");
    }
    if (expression.length() > MAX_EXPRESSION_LENGTH) {
      throw new IllegalArgumentException(
          "expression is longer than " + MAX_EXPRESSION_LENGTH + " characters");
    }
    Set<String> names = new HashSet<>();
    for (Parameter parameter : parameters) {
      if (!names.add(parameter.name())) {
        throw new IllegalArgumentException(
            "parameter '" + parameter.name() + "' is declared twice");
      }
    }
  }

  public record Parameter(String name, ArrowType type) {
    public Parameter {
      Identifiers.requireIdentifier(name, "parameter name");
      Objects.requireNonNull(type, "type is null");
    }
  }
}
