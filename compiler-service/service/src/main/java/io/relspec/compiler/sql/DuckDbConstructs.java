package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.sql.DuckDbSyntax;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.sql.validate.SqlNameMatchers;

/**
 * DuckDB constructs Calcite parses but would analyze differently, put in the form that means the
 * same to Calcite, before validation (only the analysis sees this; what runs is the user's SQL):
 *
 * <ul>
 *   <li>{@code GROUP BY ALL} groups by every select item that holds no aggregate;
 *   <li>{@code ORDER BY ALL} orders by every select item, left to right;
 *   <li>{@code date_trunc(part, x)} is DuckDB's, not BigQuery's {@code DATE_TRUNC(x, part)};
 *   <li>{@code x::type} is {@code CAST(x AS type)}.
 * </ul>
 */
final class DuckDbConstructs extends SqlShuttle {
  private final SqlOperatorTable operators;
  private SqlCompileException refusal;

  private DuckDbConstructs(SqlOperatorTable operators) {
    this.operators = operators;
  }

  static SqlNode rewrite(SqlNode query, SqlOperatorTable operators) throws SqlCompileException {
    DuckDbConstructs rewriter = new DuckDbConstructs(operators);
    SqlNode rewritten = query.accept(rewriter);
    if (rewriter.refusal != null) {
      throw rewriter.refusal;
    }
    return rewritten;
  }

  @Override
  public SqlNode visit(SqlCall call) {
    if (call.getOperator() == SqlLibraryOperators.DATE_TRUNC) {
      return DuckDbFunctions.DATE_TRUNC.createCall(call.getParserPosition(), operands(call));
    }
    if (call.getOperator() == SqlLibraryOperators.INFIX_CAST) {
      return SqlStdOperatorTable.CAST.createCall(call.getParserPosition(), operands(call));
    }
    if (call instanceof SqlSelect select && isAllMarker(select.getGroup())) {
      select.setGroupBy(groupByAll(select));
    }
    if (call instanceof SqlOrderBy orderBy && isAllMarker(orderBy.orderList)) {
      call =
          new SqlOrderBy(
              orderBy.getParserPosition(),
              orderBy.query,
              orderByAll(orderBy.query, orderBy.orderList.get(0)),
              orderBy.offset,
              orderBy.fetch);
    }
    return super.visit(call);
  }

  private List<SqlNode> operands(SqlCall call) {
    List<SqlNode> operands = new ArrayList<>();
    for (SqlNode operand : call.getOperandList()) {
      operands.add(operand == null ? null : operand.accept(this));
    }
    return operands;
  }

  /** {@code GROUP BY ALL}: the select items without aggregates, or no grouping at all. */
  private SqlNodeList groupByAll(SqlSelect select) {
    SqlParserPos pos = select.getGroup().getParserPosition();
    List<SqlNode> keys = new ArrayList<>();
    for (SqlNode item : select.getSelectList()) {
      SqlNode expression = unalias(item);
      if (expression instanceof SqlIdentifier identifier && identifier.isStar()) {
        refuse(item, "GROUP BY ALL with SELECT * (name the columns)");
        return select.getGroup();
      }
      if (!hasAggregate(expression)) {
        keys.add(expression);
      }
    }
    return keys.isEmpty() ? null : new SqlNodeList(keys, pos);
  }

  /** {@code ORDER BY ALL [DESC]}: every select item by position, in the direction given. */
  private SqlNodeList orderByAll(SqlNode query, SqlNode marker) {
    SqlSelect select = firstSelect(query);
    if (select == null) {
      refuse(marker, "ORDER BY ALL of this query");
      return SqlNodeList.EMPTY;
    }
    List<SqlNode> keys = new ArrayList<>();
    for (int i = 1; i <= select.getSelectList().size(); i++) {
      SqlNode ordinal =
          SqlLiteral.createExactNumeric(Integer.toString(i), marker.getParserPosition());
      keys.add(withDirection(marker, ordinal));
    }
    return new SqlNodeList(keys, marker.getParserPosition());
  }

  /** Wraps {@code key} in the DESC / NULLS FIRST / NULLS LAST that wrap the marker. */
  private static SqlNode withDirection(SqlNode marker, SqlNode key) {
    if (marker instanceof SqlCall call && call.operandCount() == 1) {
      return call.getOperator()
          .createCall(call.getParserPosition(), withDirection(call.operand(0), key));
    }
    return key;
  }

  private static SqlSelect firstSelect(SqlNode query) {
    return switch (query) {
      case SqlSelect select -> select;
      case SqlCall call when call.getKind().belongsTo(SqlKind.SET_QUERY) ->
          firstSelect(call.operand(0));
      default -> null;
    };
  }

  private static boolean isAllMarker(SqlNodeList list) {
    if (list == null || list.size() != 1) {
      return false;
    }
    SqlNode only = list.get(0);
    while (only instanceof SqlCall call
        && call.operandCount() == 1
        && (call.getKind() == SqlKind.DESCENDING
            || call.getKind() == SqlKind.NULLS_FIRST
            || call.getKind() == SqlKind.NULLS_LAST)) {
      only = call.operand(0);
    }
    return only instanceof SqlIdentifier identifier
        && identifier.isSimple()
        && identifier.getSimple().equals(DuckDbSyntax.ALL_MARKER);
  }

  private static SqlNode unalias(SqlNode item) {
    return item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
  }

  /** True when an aggregate function is called outside any window ({@code OVER}). */
  private boolean hasAggregate(SqlNode expression) {
    boolean[] found = {false};
    expression.accept(
        new SqlBasicVisitor<Void>() {
          @Override
          public Void visit(SqlCall call) {
            if (call.getKind() == SqlKind.OVER || call.getKind().belongsTo(SqlKind.QUERY)) {
              return null;
            }
            if (isAggregate(call.getOperator())) {
              found[0] = true;
              return null;
            }
            return super.visit(call);
          }
        });
    return found[0];
  }

  private boolean isAggregate(SqlOperator operator) {
    if (operator.isAggregator()) {
      return true;
    }
    List<SqlOperator> overloads = new ArrayList<>();
    operators.lookupOperatorOverloads(
        new SqlIdentifier(operator.getName(), SqlParserPos.ZERO),
        SqlFunctionCategory.USER_DEFINED_FUNCTION,
        SqlSyntax.FUNCTION,
        overloads,
        SqlNameMatchers.withCaseSensitive(false));
    return overloads.stream().anyMatch(SqlOperator::isAggregator);
  }

  private void refuse(SqlNode at, String construct) {
    if (refusal == null) {
      SqlParserPos pos = at.getParserPosition();
      refusal =
          new SqlCompileException(
              CompilerErrorCode.UNSUPPORTED_SYNTAX,
              "DuckDB syntax the analyzer does not support: " + construct,
              pos.getLineNum() > 0 ? pos.getLineNum() : null,
              pos.getColumnNum() > 0 ? pos.getColumnNum() : null);
    }
  }
}
