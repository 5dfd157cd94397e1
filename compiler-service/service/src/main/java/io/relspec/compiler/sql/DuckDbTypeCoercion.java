package io.relspec.compiler.sql;

import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.implicit.TypeCoercionImpl;

/**
 * Calcite's implicit coercion plus DuckDB's date arithmetic: {@code date + n} and {@code date - n}
 * with an integer {@code n} add or subtract days and stay a DATE. The integer operand is analyzed
 * as {@code n * INTERVAL '1' DAY}, which has the same inputs, lineage and type; what runs is the
 * user's SQL.
 */
final class DuckDbTypeCoercion extends TypeCoercionImpl {
  DuckDbTypeCoercion(RelDataTypeFactory typeFactory, SqlValidator validator) {
    super(typeFactory, validator);
  }

  @Override
  public boolean binaryArithmeticCoercion(SqlCallBinding binding) {
    SqlKind kind = binding.getOperator().getKind();
    if ((kind == SqlKind.PLUS || kind == SqlKind.MINUS) && binding.getOperandCount() == 2) {
      RelDataType left = binding.getOperandType(0);
      RelDataType right = binding.getOperandType(1);
      if (isDate(left) && isInteger(right)) {
        return daysOf(binding, 1);
      }
      if (kind == SqlKind.PLUS && isInteger(left) && isDate(right)) {
        return daysOf(binding, 0);
      }
    }
    return super.binaryArithmeticCoercion(binding);
  }

  private boolean daysOf(SqlCallBinding binding, int operand) {
    SqlCall call = binding.getCall();
    SqlNode count = call.operand(operand);
    SqlParserPos pos = count.getParserPosition();
    SqlNode oneDay =
        SqlLiteral.createInterval(1, "1", new SqlIntervalQualifier(TimeUnit.DAY, null, pos), pos);
    SqlNode days = SqlStdOperatorTable.MULTIPLY.createCall(pos, count, oneDay);
    call.setOperand(operand, days);
    validator.deriveType(binding.getScope(), days);
    return true;
  }

  private static boolean isDate(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.DATE;
  }

  private static boolean isInteger(RelDataType type) {
    return SqlTypeUtil.isExactNumeric(type) && !SqlTypeUtil.isDecimal(type);
  }
}
