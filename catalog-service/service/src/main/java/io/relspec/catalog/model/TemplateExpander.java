package io.relspec.catalog.model;

import io.relspec.contracts.model.Identifiers;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.contracts.spec.TaskTemplate.Parameter;
import io.relspec.contracts.spec.TaskTemplate.ParameterKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * Writes template arguments into template SQL. Every argument is validated for its kind before it
 * is written, so an argument can never add SQL of its own: names are checked, columns are quoted,
 * string literals are quoted with {@code '} doubled.
 */
public final class TemplateExpander {
  private TemplateExpander() {}

  /** An argument that cannot be used; {@code argument} is null when the problem is not one arg. */
  public static final class InvalidArgument extends Exception {
    private final String argument;

    InvalidArgument(String argument, String message) {
      super(message);
      this.argument = argument;
    }

    public String argument() {
      return argument;
    }
  }

  /**
   * Expands {@code template}. {@code defaultDataset} fills a missing dataset argument (the contract
   * that asks for the instance); {@code columnsOf} lists a dataset's columns, or null when unknown,
   * so column arguments are checked against it when the template reads exactly one dataset.
   */
  public static String expand(
      TaskTemplate template,
      Map<String, Object> args,
      String defaultDataset,
      Function<String, Set<String>> columnsOf)
      throws InvalidArgument {
    Map<String, Parameter> parameters = new LinkedHashMap<>();
    template.parameters().forEach(parameter -> parameters.put(parameter.name(), parameter));
    for (String given : args.keySet()) {
      if (!parameters.containsKey(given)) {
        throw new InvalidArgument(
            given, "the template has no parameter '" + given + "'; it has " + parameters.keySet());
      }
    }
    List<Parameter> datasetParameters =
        template.parameters().stream()
            .filter(parameter -> parameter.kind() == ParameterKind.DATASET)
            .toList();
    Map<String, String> written = new LinkedHashMap<>();
    String onlyDataset = null;
    for (Parameter parameter : datasetParameters) {
      Object value = args.get(parameter.name());
      String dataset = value == null ? defaultDataset : text(parameter.name(), value);
      if (dataset == null || !Identifiers.isName(dataset)) {
        throw new InvalidArgument(
            parameter.name(),
            dataset == null
                ? "a dataset name is required"
                : "'" + dataset + "' is not a dataset name");
      }
      written.put(parameter.name(), dataset);
      onlyDataset = datasetParameters.size() == 1 ? dataset : null;
    }
    Set<String> knownColumns = onlyDataset == null ? null : columnsOf.apply(onlyDataset);
    for (Parameter parameter : template.parameters()) {
      if (parameter.kind() == ParameterKind.DATASET) {
        continue;
      }
      Object value = args.get(parameter.name());
      if (value == null) {
        throw new InvalidArgument(parameter.name(), "a value is required");
      }
      written.put(
          parameter.name(),
          switch (parameter.kind()) {
            case COLUMN -> column(parameter.name(), text(parameter.name(), value), knownColumns);
            case COLUMN_LIST -> columnList(parameter.name(), value, knownColumns);
            case LITERAL -> literal(parameter.name(), value);
            case DATASET -> throw new IllegalStateException("handled above");
          });
    }
    return substitute(template.sql(), written);
  }

  /** The template's SQL with harmless stand-ins for every argument, to check it parses. */
  public static String probe(TaskTemplate template) {
    Map<String, String> written = new LinkedHashMap<>();
    for (Parameter parameter : template.parameters()) {
      written.put(
          parameter.name(),
          switch (parameter.kind()) {
            case DATASET -> "relspec_template_probe";
            case COLUMN, COLUMN_LIST -> "\"relspec_probe\"";
            case LITERAL -> "0";
          });
    }
    return substitute(template.sql(), written);
  }

  private static String substitute(String sql, Map<String, String> written) {
    Matcher matcher = TaskTemplate.PLACEHOLDER.matcher(sql);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(result, Matcher.quoteReplacement(written.get(matcher.group(1))));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  private static String text(String name, Object value) throws InvalidArgument {
    if (value instanceof String text) {
      return text;
    }
    throw new InvalidArgument(name, "expected a string, got " + describe(value));
  }

  private static String column(String name, String column, Set<String> knownColumns)
      throws InvalidArgument {
    if (!Identifiers.isIdentifier(column)) {
      throw new InvalidArgument(name, "'" + column + "' is not a column name");
    }
    if (knownColumns != null && !knownColumns.contains(column)) {
      throw new InvalidArgument(
          name, "column '" + column + "' is not in the dataset; it has " + knownColumns);
    }
    return "\"" + column + "\"";
  }

  private static String columnList(String name, Object value, Set<String> knownColumns)
      throws InvalidArgument {
    List<String> columns = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object element : list) {
        columns.add(text(name, element));
      }
    } else if (value instanceof String text) {
      for (String part : text.split(",")) {
        columns.add(part.trim());
      }
    } else {
      throw new InvalidArgument(name, "expected a list of column names, got " + describe(value));
    }
    if (columns.isEmpty()) {
      throw new InvalidArgument(name, "at least one column is required");
    }
    List<String> quoted = new ArrayList<>();
    for (String column : columns) {
      quoted.add(column(name, column, knownColumns));
    }
    return String.join(", ", quoted);
  }

  private static String literal(String name, Object value) throws InvalidArgument {
    return switch (value) {
      case String text -> "'" + text.replace("'", "''") + "'";
      case Boolean flag -> flag ? "TRUE" : "FALSE";
      case Integer number -> number.toString();
      case Long number -> number.toString();
      case java.math.BigInteger number -> number.toString();
      case Double number when Double.isFinite(number) -> BigDecimal.valueOf(number).toPlainString();
      case BigDecimal number -> number.toPlainString();
      default ->
          throw new InvalidArgument(
              name, "expected a string, number or boolean, got " + describe(value));
    };
  }

  private static String describe(Object value) {
    return value instanceof List<?>
        ? "a list"
        : value instanceof Map<?, ?> ? "an object" : String.valueOf(value);
  }
}
