package io.relspec.compiler.sql;

import java.util.List;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlOperatorTables;

/**
 * The functions task SQL may call: Calcite's standard SQL operators, a fixed list of library
 * functions that DuckDB implements with the same meaning, and the catalog's functions. Anything
 * else ({@code read_csv}, {@code getenv}, …) is refused as {@code UNKNOWN_FUNCTION}.
 */
public final class OperatorSet {
  /**
   * {@code /} as DuckDB computes it: numbers divided are a DOUBLE ({@code 7 / 2 = 3.5}, and a
   * DECIMAL divided by a DECIMAL too), unlike standard SQL's integer and decimal division. It takes
   * the place of the standard DIVIDE in the operator table, where the validator resolves every
   * binary operator.
   */
  public static final SqlBinaryOperator DUCKDB_DIVIDE =
      new SqlBinaryOperator(
          "/",
          SqlKind.DIVIDE,
          60,
          true,
          opBinding -> {
            var left = opBinding.getOperandType(0);
            var right = opBinding.getOperandType(1);
            if (SqlTypeUtil.isNumeric(left) && SqlTypeUtil.isNumeric(right)) {
              var factory = opBinding.getTypeFactory();
              return factory.createTypeWithNullability(
                  factory.createSqlType(SqlTypeName.DOUBLE),
                  left.isNullable() || right.isNullable());
            }
            return ReturnTypes.QUOTIENT_NULLABLE.inferReturnType(opBinding);
          },
          InferTypes.FIRST_KNOWN,
          OperandTypes.DIVISION_OPERATOR);

  /** Library functions allowed besides the standard operators. */
  static final List<SqlOperator> LIBRARY =
      List.of(
          SqlLibraryOperators.CONCAT_FUNCTION,
          SqlLibraryOperators.CONCAT_WS,
          SqlLibraryOperators.LENGTH,
          SqlLibraryOperators.LPAD,
          SqlLibraryOperators.RPAD,
          SqlLibraryOperators.LTRIM,
          SqlLibraryOperators.RTRIM,
          SqlLibraryOperators.LEFT,
          SqlLibraryOperators.RIGHT,
          SqlLibraryOperators.REPEAT,
          SqlLibraryOperators.REVERSE,
          SqlLibraryOperators.SPLIT_PART,
          SqlLibraryOperators.STRPOS,
          SqlLibraryOperators.STARTS_WITH,
          SqlLibraryOperators.ENDS_WITH,
          SqlLibraryOperators.GREATEST,
          SqlLibraryOperators.LEAST,
          SqlLibraryOperators.IFNULL,
          SqlLibraryOperators.MD5,
          SqlLibraryOperators.SHA256,
          SqlLibraryOperators.BOOL_AND,
          SqlLibraryOperators.BOOL_OR);

  private static List<SqlOperator> library() {
    List<SqlOperator> all = new java.util.ArrayList<>(LIBRARY);
    all.addAll(DuckDbFunctions.ALL);
    return all;
  }

  static final SqlOperatorTable BUILT_IN = builtIn();

  private static SqlOperatorTable builtIn() {
    List<SqlOperator> own = library();
    own.add(DUCKDB_DIVIDE);
    return SqlOperatorTables.chain(new WithoutStandardDivide(), SqlOperatorTables.of(own));
  }

  /** The standard operators, minus the standard {@code /}. */
  private static final class WithoutStandardDivide implements SqlOperatorTable {
    private final SqlOperatorTable standard = SqlStdOperatorTable.instance();

    @Override
    public void lookupOperatorOverloads(
        org.apache.calcite.sql.SqlIdentifier opName,
        org.apache.calcite.sql.SqlFunctionCategory category,
        org.apache.calcite.sql.SqlSyntax syntax,
        List<SqlOperator> operatorList,
        org.apache.calcite.sql.validate.SqlNameMatcher nameMatcher) {
      List<SqlOperator> found = new java.util.ArrayList<>();
      standard.lookupOperatorOverloads(opName, category, syntax, found, nameMatcher);
      found.remove(SqlStdOperatorTable.DIVIDE);
      operatorList.addAll(found);
    }

    @Override
    public List<SqlOperator> getOperatorList() {
      List<SqlOperator> operators = new java.util.ArrayList<>(standard.getOperatorList());
      operators.remove(SqlStdOperatorTable.DIVIDE);
      return operators;
    }
  }

  private OperatorSet() {}
}
