package io.relspec.contracts.spec;

import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.model.Collections2;
import java.util.List;
import java.util.Objects;

/** A scalar SQL macro known to the compiler's operator table and created on executors. */
public record FunctionSpec(List<Parameter> parameters, ArrowType returns, String expression) {
  public FunctionSpec {
    parameters = Collections2.copy(parameters);
    Objects.requireNonNull(returns, "returns is null");
    Objects.requireNonNull(expression, "expression is null");
    if (expression.isBlank()) {
      throw new IllegalArgumentException("expression must not be blank");
    }
  }

  public record Parameter(String name, ArrowType type) {
    public Parameter {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(type, "type is null");
    }
  }
}
