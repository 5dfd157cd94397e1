package io.relspec.contracts.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.Identifiers;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parameterized SQL that expands into tasks. Placeholders are written {@code {{name}}}; every
 * placeholder must be a declared parameter and every parameter must be used. {@code kind} is the
 * kind of the tasks it expands into (compute when absent).
 */
public record TaskTemplate(List<Parameter> parameters, String sql, TaskKind kind) {
  /** {@code {{ name }}}, spaces inside the braces allowed. */
  public static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}\\s]*)\\s*}}");

  public TaskTemplate {
    parameters = Collections2.copy(parameters);
    Objects.requireNonNull(sql, "sql is null");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("sql must not be blank");
    }
    Set<String> declared = new HashSet<>();
    for (Parameter parameter : parameters) {
      if (!declared.add(parameter.name())) {
        throw new IllegalArgumentException(
            "parameter '" + parameter.name() + "' is declared twice");
      }
    }
    Set<String> used = placeholders(sql);
    for (String name : used) {
      if (!declared.contains(name)) {
        throw new IllegalArgumentException(
            "sql uses {{" + name + "}} but no parameter '" + name + "' is declared");
      }
    }
    for (String name : declared) {
      if (!used.contains(name)) {
        throw new IllegalArgumentException(
            "parameter '" + name + "' is declared but sql never uses {{" + name + "}}");
      }
    }
  }

  /** The placeholder names {@code sql} uses, sorted. */
  public static Set<String> placeholders(String sql) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = PLACEHOLDER.matcher(sql);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  @JsonIgnore
  public TaskKind effectiveKind() {
    return kind == null ? TaskKind.COMPUTE : kind;
  }

  public record Parameter(String name, ParameterKind kind) {
    public Parameter {
      Identifiers.requireIdentifier(name, "parameter name");
      Objects.requireNonNull(kind, "kind is null");
    }
  }

  /** What an argument may be, and how it is written into the SQL. */
  public enum ParameterKind {
    /** A dataset name, written as is (validated as a name, so it cannot inject SQL). */
    DATASET,
    /** A column name, written double-quoted. */
    COLUMN,
    /** A non-empty list of column names, written double-quoted and comma-separated. */
    COLUMN_LIST,
    /** A string (written as a quoted SQL string), a number or a boolean. */
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
