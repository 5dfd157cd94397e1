package io.relspec.compiler.sql;

import java.util.List;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlBasicFunction;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlBasicAggFunction;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeTransforms;

/**
 * DuckDB functions Calcite's libraries lack, or have with another signature, typed as DuckDB types
 * their results (the executor casts results to these types, so they must agree).
 */
final class DuckDbFunctions {
  private DuckDbFunctions() {}

  /** {@code date_trunc(part, date_or_timestamp)}: a TIMESTAMP in DuckDB, also for a DATE. */
  static final SqlFunction DATE_TRUNC =
      SqlBasicFunction.create(
          "DATE_TRUNC",
          ReturnTypes.explicit(SqlTypeName.TIMESTAMP).andThen(SqlTypeTransforms.TO_NULLABLE),
          OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME),
          SqlFunctionCategory.TIMEDATE);

  /** {@code strftime(date_or_timestamp, format)}: VARCHAR. */
  static final SqlFunction STRFTIME =
      SqlBasicFunction.create(
          "STRFTIME",
          ReturnTypes.VARCHAR_NULLABLE,
          OperandTypes.family(SqlTypeFamily.DATETIME, SqlTypeFamily.CHARACTER),
          SqlFunctionCategory.STRING);

  /** {@code regexp_matches(text, pattern[, options])}: BOOLEAN. */
  static final SqlFunction REGEXP_MATCHES =
      SqlBasicFunction.create(
          "REGEXP_MATCHES",
          ReturnTypes.BOOLEAN_NULLABLE,
          OperandTypes.STRING_STRING_OPTIONAL_STRING,
          SqlFunctionCategory.STRING);

  /** {@code count_if(condition)}: how many rows satisfy it, never NULL. */
  static final SqlAggFunction COUNT_IF =
      SqlBasicAggFunction.create(
          "COUNT_IF", SqlKind.OTHER_FUNCTION, ReturnTypes.BIGINT, OperandTypes.BOOLEAN);

  static final List<SqlOperator> ALL =
      List.of(
          DATE_TRUNC,
          STRFTIME,
          REGEXP_MATCHES,
          COUNT_IF,
          SqlLibraryOperators.ILIKE,
          SqlLibraryOperators.NOT_ILIKE);
}
