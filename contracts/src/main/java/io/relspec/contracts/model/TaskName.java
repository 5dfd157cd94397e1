package io.relspec.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/** Name of a registered SQL transformation task. */
public record TaskName(String value) implements Comparable<TaskName> {
  public TaskName {
    Identifiers.requireName(value, "task name");
  }

  @JsonCreator
  public static TaskName of(String value) {
    return new TaskName(value);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public int compareTo(TaskName other) {
    return value.compareTo(Objects.requireNonNull(other, "other is null").value);
  }

  @Override
  public String toString() {
    return value;
  }

  // Written out: the generated record methods go through method handles, which showed up as a
  // third of the scheduler's planning time on 100,000-task graphs (hash map keys everywhere).
  @Override
  public boolean equals(Object other) {
    return this == other || (other instanceof TaskName that && value.equals(that.value));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
