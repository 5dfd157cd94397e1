package io.relspec.sql;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;

/**
 * The tables a parsed query reads: FROM clauses, joins, sub-queries (also in WHERE, SELECT and join
 * conditions) and CTE bodies; names of CTEs in scope are not tables. A qualified name is joined
 * with dots ({@code raw.orders}), the form of a namespaced dataset name.
 */
public final class TableReferences {
  private TableReferences() {}

  public static SortedSet<String> of(SqlNode query) {
    SortedSet<String> tables = new TreeSet<>();
    collectTables(query, new ArrayDeque<>(), tables);
    return tables;
  }

  /**
   * Rewrites every qualified table reference ({@code raw.orders}) in place into one identifier
   * whose name is the dotted dataset name, the form executors store it under; column references are
   * left alone. Returns the tables read, as {@link #of}.
   */
  public static SortedSet<String> flattenQualifiedNames(SqlNode query) {
    SortedSet<String> tables = new TreeSet<>();
    Deque<Set<String>> scopes = new ArrayDeque<>();
    scopes.push(Set.of(FLATTEN));
    collectTables(query, scopes, tables);
    return tables;
  }

  /** Marker scope (not a valid CTE name) that asks collectFrom to rewrite qualified names. */
  private static final String FLATTEN = "\u0000flatten";

  private static void collectTables(
      SqlNode node, Deque<Set<String>> cteScopes, Set<String> tables) {
    if (node == null) {
      return;
    }
    switch (node) {
      case SqlWith with -> {
        Set<String> scope = new HashSet<>();
        cteScopes.push(scope);
        for (SqlNode item : with.withList) {
          SqlWithItem withItem = (SqlWithItem) item;
          collectTables(withItem.query, cteScopes, tables);
          scope.add(withItem.name.getSimple());
        }
        collectTables(with.body, cteScopes, tables);
        cteScopes.pop();
      }
      case SqlSelect select -> {
        collectFrom(select.getFrom(), cteScopes, tables);
        for (SqlNode child : select.getOperandList()) {
          if (child != select.getFrom()) {
            collectSubQueries(child, cteScopes, tables);
          }
        }
      }
      case SqlOrderBy orderBy -> {
        collectTables(orderBy.query, cteScopes, tables);
        collectSubQueries(orderBy.orderList, cteScopes, tables);
      }
      case SqlCall call -> {
        for (SqlNode operand : call.getOperandList()) {
          collectTables(operand, cteScopes, tables);
        }
      }
      default -> {}
    }
  }

  private static void collectFrom(SqlNode from, Deque<Set<String>> cteScopes, Set<String> tables) {
    if (from == null) {
      return;
    }
    switch (from) {
      case SqlIdentifier identifier -> {
        String name = String.join(".", identifier.names);
        if (identifier.names.size() > 1
            || cteScopes.stream().noneMatch(scope -> scope.contains(name))) {
          tables.add(name);
        }
        if (identifier.names.size() > 1
            && !cteScopes.isEmpty()
            && cteScopes.getLast().contains(FLATTEN)) {
          identifier.setNames(java.util.List.of(name), null);
        }
      }
      case SqlJoin join -> {
        collectFrom(join.getLeft(), cteScopes, tables);
        collectFrom(join.getRight(), cteScopes, tables);
        collectSubQueries(join.getCondition(), cteScopes, tables);
      }
      case SqlBasicCall call when call.getKind() == SqlKind.AS ->
          collectFrom(call.operand(0), cteScopes, tables);
      default -> collectTables(from, cteScopes, tables);
    }
  }

  private static void collectSubQueries(
      SqlNode node, Deque<Set<String>> cteScopes, Set<String> tables) {
    if (node == null) {
      return;
    }
    if (node.getKind().belongsTo(SqlKind.QUERY)) {
      collectTables(node, cteScopes, tables);
    } else if (node instanceof SqlNodeList list) {
      list.forEach(child -> collectSubQueries(child, cteScopes, tables));
    } else if (node instanceof SqlCall call) {
      call.getOperandList().forEach(child -> collectSubQueries(child, cteScopes, tables));
    }
  }
}
