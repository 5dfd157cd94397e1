package io.relspec.sql;

import io.relspec.contracts.spec.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * The one gate every task's SQL passes: at most {@link TaskSpec#MAX_SQL_BYTES}, exactly one
 * statement, and that statement a query (SELECT, WITH, UNION, VALUES). Task SQL is DuckDB's
 * dialect: {@link DuckDbSyntax} refuses what the analyzer does not follow, then Calcite's Babel
 * parser (which reads {@code ::} casts, {@code SELECT * EXCLUDE}, {@code ILIKE}, {@code QUALIFY}
 * and takes most keywords as names, as DuckDB does) parses it. Parse errors are reported as one
 * line with a position, never Calcite's list of expected tokens.
 */
public final class QueryText {
  /** Identifiers keep their case; double quotes quote them, as in DuckDB. */
  public static final SqlParser.Config PARSER =
      SqlParser.config()
          .withQuoting(Quoting.DOUBLE_QUOTE)
          .withUnquotedCasing(Casing.UNCHANGED)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(true)
          .withParserFactory(SqlBabelParserImpl.FACTORY)
          .withConformance(SqlConformanceEnum.LENIENT);

  private QueryText() {}

  /** Parses {@code sql} as one query, within the configured {@link SqlLimits}. */
  public static SqlNode parseQuery(String sql) throws SqlRefusal {
    return parseQuery(sql, SqlLimits.configured());
  }

  /** Parses {@code sql} as one query within {@code limits}. */
  public static SqlNode parseQuery(String sql, SqlLimits limits) throws SqlRefusal {
    if (sql == null || sql.isBlank()) {
      throw new SqlRefusal(SqlErrorKind.SYNTAX_ERROR, "SQL is empty", null, null);
    }
    int bytes = sql.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > TaskSpec.MAX_SQL_BYTES) {
      throw new SqlRefusal(
          SqlErrorKind.TOO_LARGE,
          "SQL is " + bytes + " bytes; the limit is " + TaskSpec.MAX_SQL_BYTES,
          null,
          null);
    }
    SqlNodeList statements;
    try {
      statements = SqlParser.create(DuckDbSyntax.forCalcite(sql, limits), PARSER).parseStmtList();
    } catch (SqlParseException e) {
      throw syntaxError(e);
    } catch (StackOverflowError e) {
      // Within the limits on the caller's stack this does not happen; on a small stack it could.
      throw new SqlRefusal(
          SqlErrorKind.TOO_LARGE, "the query nests too deeply to parse", null, null);
    }
    if (statements.size() != 1) {
      SqlNode second = statements.size() > 1 ? statements.get(1) : null;
      throw new SqlRefusal(
          SqlErrorKind.MULTIPLE_STATEMENTS,
          "expected exactly one statement, found " + statements.size(),
          second == null ? null : second.getParserPosition().getLineNum(),
          second == null ? null : second.getParserPosition().getColumnNum());
    }
    SqlNode node = statements.get(0);
    if (!node.getKind().belongsTo(SqlKind.QUERY)) {
      // Some statements (SET, for one) carry no position: point at the statement's first word.
      boolean placed = node.getParserPosition().getLineNum() > 0;
      throw new SqlRefusal(
          SqlErrorKind.NOT_A_QUERY,
          "only queries (SELECT, WITH, UNION, VALUES) are allowed, got "
              + node.getKind().lowerName.toUpperCase(Locale.ROOT).replace('_', ' '),
          placed ? node.getParserPosition().getLineNum() : 1,
          placed ? node.getParserPosition().getColumnNum() : 1);
    }
    return node;
  }

  private static SqlRefusal syntaxError(SqlParseException e) {
    String first = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    // Calcite's first line is "Encountered \"x\" at line 1, column 8." followed by the expected
    // tokens; keep what was found and drop the position (reported separately) and the list.
    String message = first.replaceAll(" at line \\d+, column \\d+\\.?$", "").trim();
    if (message.isEmpty() || message.startsWith("Was expecting")) {
      message = "syntax error";
    }
    if (message.startsWith("Encountered")) {
      message = "unexpected " + message.substring("Encountered".length()).trim();
    }
    Integer line = e.getPos() == null ? null : e.getPos().getLineNum();
    Integer column = e.getPos() == null ? null : e.getPos().getColumnNum();
    return new SqlRefusal(SqlErrorKind.SYNTAX_ERROR, message, line, column);
  }
}
