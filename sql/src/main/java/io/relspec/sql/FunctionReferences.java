package io.relspec.sql;

import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/** The names of the functions a parsed query calls, as written (before any resolution). */
public final class FunctionReferences {
  private FunctionReferences() {}

  public static SortedSet<String> of(SqlNode query) {
    SortedSet<String> names = new TreeSet<>();
    query.accept(
        new SqlBasicVisitor<Void>() {
          @Override
          public Void visit(SqlCall call) {
            if (call.getOperator() instanceof SqlFunction function) {
              names.add(function.getName());
            }
            return super.visit(call);
          }
        });
    return names;
  }
}
