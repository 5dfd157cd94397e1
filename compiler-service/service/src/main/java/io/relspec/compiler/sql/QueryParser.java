package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.Identifiers;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.dialect.AnsiSqlDialect;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Parses a task's SQL with Calcite, refuses anything that is not a query, and derives what the
 * scheduler and executors need: referenced tables, a fingerprint of the normalized parse tree, and
 * DuckDB SQL regenerated from that tree (user text never reaches an executor).
 *
 * <p>The fingerprint here is of the normalized parse tree (whitespace, comments and keyword case do
 * not change it). Plan-level normalization (aliases, CTE vs subquery, operand order) belongs to the
 * validated-plan fingerprint.
 */
public final class QueryParser {
  /** Bumped whenever normalization changes, so fingerprints of old and new code never collide. */
  public static final String NORMALIZER_VERSION = "parse-tree-1";

  public static final String CALCITE_VERSION = "1.42.0";

  private static final SqlParser.Config PARSER =
      SqlParser.config()
          .withQuoting(Quoting.DOUBLE_QUOTE)
          .withUnquotedCasing(Casing.UNCHANGED)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(true)
          .withConformance(SqlConformanceEnum.LENIENT);

  private static final SqlDialect NORMAL_FORM = AnsiSqlDialect.DEFAULT;

  public ParsedQuery parse(String sql) throws SqlCompileException {
    SqlNode node;
    try {
      node = SqlParser.create(sql, PARSER).parseQuery();
    } catch (SqlParseException e) {
      String message =
          e.getMessage() == null
              ? "parse error"
              : e.getMessage().lines().findFirst().orElse("parse error");
      Integer line = e.getPos() == null ? null : e.getPos().getLineNum();
      Integer column = e.getPos() == null ? null : e.getPos().getColumnNum();
      throw new SqlCompileException(CompilerErrorCode.SQL_PARSE_ERROR, message, line, column);
    }
    if (!node.getKind().belongsTo(SqlKind.QUERY)) {
      throw new SqlCompileException(
          CompilerErrorCode.NOT_A_QUERY,
          "only SELECT queries are allowed, got "
              + node.getKind().lowerName.toUpperCase(java.util.Locale.ROOT),
          node.getParserPosition().getLineNum(),
          node.getParserPosition().getColumnNum());
    }
    Set<String> tables = new TreeSet<>();
    collectTables(node, new ArrayDeque<>(), tables);
    List<DatasetName> inputs = new java.util.ArrayList<>();
    for (String table : tables) {
      if (!Identifiers.isIdentifier(table)) {
        throw new SqlCompileException(
            CompilerErrorCode.SQL_PARSE_ERROR,
            "table reference '" + table + "' is not a dataset name",
            null,
            null);
      }
      inputs.add(DatasetName.of(table));
    }
    String normalized = node.toSqlString(NORMAL_FORM).getSql();
    Fingerprint fingerprint =
        Fingerprint.sha256(
            "calcite="
                + CALCITE_VERSION
                + "\nnormalizer="
                + NORMALIZER_VERSION
                + "\n"
                + normalized);
    String duckDb = node.toSqlString(DuckDBSqlDialect.DEFAULT).getSql();
    return new ParsedQuery(List.copyOf(inputs), fingerprint, normalized, duckDb);
  }

  /** Walks FROM clauses, joins, sub-queries and CTEs; CTE names in scope are not tables. */
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
      case SqlOrderBy orderBy -> collectTables(orderBy.query, cteScopes, tables);
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
        String name = identifier.names.get(identifier.names.size() - 1);
        if (cteScopes.stream().noneMatch(scope -> scope.contains(name))) {
          tables.add(name);
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
