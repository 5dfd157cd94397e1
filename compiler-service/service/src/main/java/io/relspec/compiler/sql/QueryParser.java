package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.Identifiers;
import io.relspec.sql.QueryText;
import io.relspec.sql.SqlErrorKind;
import io.relspec.sql.SqlRefusal;
import io.relspec.sql.TableReferences;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.AnsiSqlDialect;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;

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

  private static final SqlDialect NORMAL_FORM = AnsiSqlDialect.DEFAULT;

  public ParsedQuery parse(String sql) throws SqlCompileException {
    SqlNode node;
    try {
      node = QueryText.parseQuery(sql);
    } catch (SqlRefusal e) {
      CompilerErrorCode code =
          e.kind() == SqlErrorKind.NOT_A_QUERY
              ? CompilerErrorCode.NOT_A_QUERY
              : CompilerErrorCode.SQL_PARSE_ERROR;
      throw new SqlCompileException(code, e.getMessage(), e.line(), e.column());
    }
    Set<String> tables = TableReferences.flattenQualifiedNames(node);
    List<DatasetName> inputs = new java.util.ArrayList<>();
    for (String table : tables) {
      if (!Identifiers.isName(table)) {
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
}
