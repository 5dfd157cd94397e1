package io.relspec.catalog.model;

import io.relspec.catalog.CatalogErrorCode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.platform.error.ProblemDetails.Violation;
import io.relspec.platform.error.RelspecException;
import io.relspec.sql.FunctionExpressions;
import io.relspec.sql.QueryText;
import io.relspec.sql.SqlRefusal;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The checks a catalog state passes before it is stored: names, task and template SQL (exactly one
 * query, through the shared gate in {@code sql/}), function bodies (one expression over their
 * parameters), and the invariant that every dataset has one producer.
 */
final class SpecChecks {
  private SpecChecks() {}

  /** Every dataset has one producer, and a source has none. */
  static void checked(CatalogState state) {
    SortedMap<TaskName, TaskSpec> effective = state.effectiveTasks();
    Map<DatasetName, TaskName> producers = new TreeMap<>();
    for (Map.Entry<TaskName, TaskSpec> entry : effective.entrySet()) {
      DatasetName output = entry.getValue().output();
      TaskName other = producers.putIfAbsent(output, entry.getKey());
      if (other != null) {
        throw new RelspecException(
            CatalogErrorCode.OUTPUT_CONFLICT,
            "tasks '"
                + other
                + "' and '"
                + entry.getKey()
                + "' both write '"
                + output
                + "'; each dataset has one producer",
            List.of(new Violation("output", "'" + output + "' is already produced")),
            null);
      }
      if (state.datasets().containsKey(output)) {
        throw new RelspecException(
            CatalogErrorCode.OUTPUT_CONFLICT,
            "task '"
                + entry.getKey()
                + "' writes '"
                + output
                + "', which is a registered source dataset; a source has no producer",
            List.of(new Violation("output", "'" + output + "' is a source dataset")),
            null);
      }
    }
  }

  static void requirePresent(boolean present, CatalogErrorCode code, String noun, Object name) {
    if (!present) {
      throw new RelspecException(code, "no " + noun + " named '" + name + "'");
    }
  }

  static void requireName(String name, String field) {
    if (!io.relspec.contracts.model.Identifiers.isName(name)) {
      throw invalid(field, "'" + name + "' is not a valid name");
    }
  }

  /** Task SQL must be exactly one query of at most {@link TaskSpec#MAX_SQL_BYTES}. */
  static void checkTaskSql(String sql, String field) {
    try {
      QueryText.parseQuery(sql);
    } catch (SqlRefusal e) {
      throw sqlError(e, field);
    }
  }

  /** A function's body: one expression over its parameters, reading no data. */
  static void checkFunctionExpression(String name, FunctionSpec function) {
    try {
      FunctionExpressions.parse(
          function.expression(),
          function.parameters().stream()
              .map(FunctionSpec.Parameter::name)
              .collect(java.util.stream.Collectors.toSet()));
    } catch (SqlRefusal e) {
      String field = "functions." + name + ".expression";
      throw new RelspecException(
          CatalogErrorCode.INVALID_SPEC,
          field + ": " + e.describe(),
          List.of(new Violation(field, e.describe())),
          null);
    }
  }

  static void checkTemplateSql(TaskTemplate template, String field) {
    try {
      QueryText.parseQuery(TemplateExpander.probe(template));
    } catch (SqlRefusal e) {
      throw sqlError(e, field);
    }
  }

  static RelspecException sqlError(SqlRefusal e, String field) {
    CatalogErrorCode code =
        switch (e.kind()) {
          case SYNTAX_ERROR -> CatalogErrorCode.SYNTAX_ERROR;
          case NOT_A_QUERY -> CatalogErrorCode.NOT_A_QUERY;
          case MULTIPLE_STATEMENTS -> CatalogErrorCode.MULTIPLE_STATEMENTS;
          case TOO_LARGE -> CatalogErrorCode.SQL_TOO_LARGE;
          case UNSUPPORTED_SYNTAX -> CatalogErrorCode.UNSUPPORTED_SYNTAX;
        };
    return new RelspecException(
        code, field + ": " + e.describe(), List.of(new Violation(field, e.describe())), null);
  }

  static RelspecException invalid(String field, String message) {
    return new RelspecException(
        CatalogErrorCode.INVALID_SPEC,
        field + " " + message,
        List.of(new Violation(field, message)),
        null);
  }
}
