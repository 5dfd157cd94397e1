package io.relspec.contracts.api;

import io.relspec.contracts.arrow.ArrowType;
import java.util.Objects;

/**
 * A column a task reads from one of its inputs (in a projection, filter, join key, group, sort or
 * window key) and the type the plan was validated with; the scheduler checks each against the
 * upstream output schema.
 */
public record RequiredColumn(String name, ArrowType type) implements Comparable<RequiredColumn> {
  public RequiredColumn {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(type, "type is null");
  }

  @Override
  public int compareTo(RequiredColumn other) {
    return name.compareTo(other.name);
  }
}
