package io.relspec.executor.sql;

import io.relspec.contracts.duckdb.DuckDbSql;
import io.relspec.executor.sql.SelectStatement.TableReference;
import io.relspec.executor.store.SqlRefusedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks what a task's SELECT reads against what the executor bound for the attempt, and maps the
 * names that need it, in DuckDB's own reading of the text:
 *
 * <ul>
 *   <li>every table it names must be one of the bound names (its inputs, views and CTEs): the
 *       store's own schemas, other datasets and file paths are refused, even in a forged request;
 *   <li>table functions are refused, except the generators {@code range}, {@code generate_series}
 *       and {@code unnest}, which read nothing;
 *   <li>a dotted dataset name written as a qualified name ({@code raw.orders}) is bound as one
 *       temporary view named {@code "raw.orders"}; the reference is rewritten to that name at the
 *       place DuckDB's parser located it. Nothing else of the text changes.
 * </ul>
 */
public final class NameBinding {
  /** Table functions that produce rows from their arguments alone. */
  static final Set<String> GENERATORS = Set.of("range", "generate_series", "unnest");

  private NameBinding() {}

  /**
   * The text to run for {@code statement}, whose reads must all be among {@code bound} (lower-case
   * dotted names).
   *
   * @param what how to name the statement in a refusal ("the task's SQL", "view x")
   */
  public static String bind(SelectStatement statement, Set<String> bound, String what)
      throws SqlRefusedException {
    for (String function : statement.tableFunctions()) {
      if (!GENERATORS.contains(function)) {
        throw new SqlRefusedException(
            what + " calls the table function " + function + "(): tasks read only their inputs");
      }
    }
    List<TableReference> qualified = new ArrayList<>();
    for (TableReference table : statement.tables()) {
      if (!bound.contains(table.name())) {
        throw new SqlRefusedException(
            what
                + " reads '"
                + String.join(".", table.path())
                + "', which is not one of its inputs "
                + new TreeSet<>(bound));
      }
      if (table.path().size() > 1) {
        qualified.add(table);
      }
    }
    return qualified.isEmpty() ? statement.sql() : flatten(statement.sql(), qualified);
  }

  /**
   * A catalog function's body: one scalar expression that reads no table and holds no sub-query
   * (functions may not read data; what a task reads is what the compiler found in its SQL).
   */
  public static void requireScalarExpression(SelectStatement probe, String function)
      throws SqlRefusedException {
    if (probe.columns() != 1) {
      throw new SqlRefusedException("function " + function + " is not one expression");
    }
    if (!probe.tables().isEmpty() || !probe.tableFunctions().isEmpty() || probe.subqueries() > 0) {
      throw new SqlRefusedException(
          "function "
              + function
              + " reads a table or holds a sub-query; functions may not read data");
    }
  }

  /** Rewrites each qualified reference into one quoted identifier, from the end of the text. */
  private static String flatten(String sql, List<TableReference> qualified)
      throws SqlRefusedException {
    byte[] text = sql.getBytes(StandardCharsets.UTF_8);
    List<TableReference> fromLast = new ArrayList<>(qualified);
    fromLast.sort(Comparator.comparingInt(TableReference::byteOffset).reversed());
    byte[] out = text;
    for (TableReference table : fromLast) {
      int start = table.byteOffset();
      int end = endOfName(out, start, table.path().size());
      if (start < 0 || end < 0) {
        throw new SqlRefusedException(
            "cannot locate the name " + String.join(".", table.path()) + " in the SQL text");
      }
      byte[] name = DuckDbSql.quote(table.name()).getBytes(StandardCharsets.UTF_8);
      byte[] next = new byte[out.length - (end - start) + name.length];
      System.arraycopy(out, 0, next, 0, start);
      System.arraycopy(name, 0, next, start, name.length);
      System.arraycopy(out, end, next, start + name.length, out.length - end);
      out = next;
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * Where a name of {@code parts} identifiers (plain or double-quoted, joined by dots, spaces
   * allowed around them) that starts at {@code start} ends; -1 when the text is not such a name.
   */
  private static int endOfName(byte[] text, int start, int parts) {
    if (start < 0 || start >= text.length) {
      return -1;
    }
    int at = start;
    for (int part = 0; part < parts; part++) {
      if (part > 0) {
        at = skipSpaces(text, at);
        if (at >= text.length || text[at] != '.') {
          return -1;
        }
        at = skipSpaces(text, at + 1);
      }
      if (at >= text.length) {
        return -1;
      }
      if (text[at] == '"') {
        at++;
        while (at < text.length) {
          if (text[at] == '"') {
            if (at + 1 < text.length && text[at + 1] == '"') {
              at += 2;
              continue;
            }
            break;
          }
          at++;
        }
        if (at >= text.length) {
          return -1;
        }
        at++;
      } else {
        int begin = at;
        while (at < text.length
            && (Character.isLetterOrDigit(text[at]) || text[at] == '_' || text[at] < 0)) {
          at++;
        }
        if (at == begin) {
          return -1;
        }
      }
    }
    return at;
  }

  private static int skipSpaces(byte[] text, int at) {
    while (at < text.length && Character.isWhitespace(text[at])) {
      at++;
    }
    return at;
  }
}
