package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlNameMatchers;

/**
 * Turns Calcite's validator messages into one-line diagnostics with a stable code. Calcite's
 * messages come from its resource bundle; the patterns below are the ones a task author can
 * trigger, and anything else is {@code INVALID_QUERY} with Calcite's first line.
 */
final class ValidationErrors {
  private static final Pattern UNKNOWN_TABLE =
      Pattern.compile("^(?:Object|Table) '([^']*)' not found(?: within '[^']*')?");
  private static final Pattern UNKNOWN_COLUMN =
      Pattern.compile(
          "^(?:Column '([^']*)' not found in (?:any table|table '([^']*)')|Unknown"
              + " field '([^']*)')");
  private static final Pattern AMBIGUOUS = Pattern.compile("^Column '([^']*)' is ambiguous");
  private static final Pattern NO_FUNCTION =
      Pattern.compile("^No match found for function signature ([^(]+)\\((.*)\\)");
  private static final Pattern CANNOT_APPLY =
      Pattern.compile("^Cannot apply '([^']*)' to arguments of type (.*?)\\. Supported form");

  private ValidationErrors() {}

  static SqlCompileException of(CalciteContextException e, SqlOperatorTable operators) {
    String message =
        e.getCause() != null && e.getCause().getMessage() != null
            ? e.getCause().getMessage()
            : e.getMessage();
    message = QueryCompiler.firstLine(message);
    Integer line = e.getPosLine() > 0 ? e.getPosLine() : null;
    Integer column = e.getPosColumn() > 0 ? e.getPosColumn() : null;
    Matcher matcher;
    if ((matcher = UNKNOWN_TABLE.matcher(message)).find()) {
      return new SqlCompileException(
          CompilerErrorCode.UNKNOWN_TABLE,
          "table '" + matcher.group(1) + "' is neither a source dataset nor the output of a task",
          line,
          column);
    }
    if ((matcher = UNKNOWN_COLUMN.matcher(message)).find()) {
      String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(3);
      String table = matcher.group(2);
      return new SqlCompileException(
          CompilerErrorCode.UNKNOWN_COLUMN,
          table == null
              ? "column '" + name + "' is not a column of any table in scope"
              : "column '" + name + "' is not a column of '" + table + "'",
          line,
          column);
    }
    if ((matcher = AMBIGUOUS.matcher(message)).find()) {
      return new SqlCompileException(
          CompilerErrorCode.AMBIGUOUS_COLUMN,
          "column '" + matcher.group(1) + "' is in more than one table; qualify it",
          line,
          column);
    }
    if ((matcher = NO_FUNCTION.matcher(message)).find()) {
      String name = matcher.group(1).trim();
      if (exists(operators, name)) {
        return new SqlCompileException(
            CompilerErrorCode.TYPE_ERROR,
            "function " + name + " does not take arguments (" + matcher.group(2) + ")",
            line,
            column);
      }
      return new SqlCompileException(
          CompilerErrorCode.UNKNOWN_FUNCTION,
          "function "
              + name.toLowerCase(java.util.Locale.ROOT)
              + " is neither a supported SQL function nor a catalog function",
          line,
          column);
    }
    if ((matcher = CANNOT_APPLY.matcher(message)).find()) {
      return new SqlCompileException(
          CompilerErrorCode.TYPE_ERROR,
          "cannot apply " + matcher.group(1) + " to arguments of type " + matcher.group(2),
          line,
          column);
    }
    if (message.contains("type") || message.contains("Type")) {
      return new SqlCompileException(CompilerErrorCode.TYPE_ERROR, message, line, column);
    }
    return new SqlCompileException(CompilerErrorCode.INVALID_QUERY, message, line, column);
  }

  private static boolean exists(SqlOperatorTable operators, String name) {
    List<SqlOperator> found = new ArrayList<>();
    operators.lookupOperatorOverloads(
        new SqlIdentifier(List.of(name.split("\\.")), SqlParserPos.ZERO),
        SqlFunctionCategory.USER_DEFINED_FUNCTION,
        SqlSyntax.FUNCTION,
        found,
        SqlNameMatchers.withCaseSensitive(false));
    return !found.isEmpty();
  }
}
