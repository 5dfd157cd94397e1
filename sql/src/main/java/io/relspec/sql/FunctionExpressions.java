package io.relspec.sql;

import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * The gate a catalog function's body passes: one scalar expression over its parameters, through the
 * same DuckDB-syntax scan and parser as task SQL. It may not read data: no sub-query, no table, no
 * name but its parameters, so what a task reads is always what the compiler found in its own SQL.
 * (The compiler then validates the functions it calls; executors check the body again with DuckDB's
 * parser.)
 */
public final class FunctionExpressions {
  private FunctionExpressions() {}

  /** Returns the parsed expression, or refuses it with a position and a one-line reason. */
  public static SqlNode parse(String expression, Set<String> parameters) throws SqlRefusal {
    // On a line of its own, so that positions in the body keep their column.
    SqlNode query = QueryText.parseQuery("SELECT\n" + expression);
    if (!(query instanceof SqlSelect select)
        || select.getSelectList().size() != 1
        || select.getFrom() != null
        || select.getWhere() != null
        || select.getGroup() != null
        || select.getHaving() != null
        || select.getWindowList() != null && !select.getWindowList().isEmpty()
        || select.getOrderList() != null && !select.getOrderList().isEmpty()
        || select.getFetch() != null) {
      throw new SqlRefusal(SqlErrorKind.SYNTAX_ERROR, "the body is not one expression", 1, 1);
    }
    SqlNode body = select.getSelectList().get(0);
    Set<String> known = new java.util.HashSet<>();
    parameters.forEach(name -> known.add(name.toLowerCase(Locale.ROOT)));
    SqlRefusal[] refusal = {null};
    body.accept(
        new SqlBasicVisitor<Void>() {
          @Override
          public Void visit(SqlCall call) {
            if (refusal[0] == null && call.getKind().belongsTo(SqlKind.QUERY)) {
              refusal[0] = at(call, "a function may not hold a sub-query (functions read no data)");
              return null;
            }
            return super.visit(call);
          }

          @Override
          public Void visit(SqlIdentifier identifier) {
            if (refusal[0] == null
                && !identifier.isStar()
                && !known.contains(String.join(".", identifier.names).toLowerCase(Locale.ROOT))) {
              refusal[0] =
                  at(
                      identifier,
                      "'"
                          + identifier
                          + "' is not a parameter; a function reads only its parameters "
                          + parameters);
            }
            return null;
          }
        });
    if (refusal[0] != null) {
      throw refusal[0];
    }
    return body;
  }

  private static SqlRefusal at(SqlNode node, String message) {
    int line = node.getParserPosition().getLineNum();
    return new SqlRefusal(
        SqlErrorKind.SYNTAX_ERROR,
        message,
        line > 1 ? line - 1 : null,
        line > 1 ? node.getParserPosition().getColumnNum() : null);
  }
}
