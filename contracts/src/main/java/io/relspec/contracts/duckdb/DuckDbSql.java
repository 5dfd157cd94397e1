package io.relspec.contracts.duckdb;

/** Text that goes into DuckDB SQL written by Relspec: quoted identifiers and string literals. */
public final class DuckDbSql {
  private DuckDbSql() {}

  /** A double-quoted identifier; embedded quotes are doubled, so any name is taken literally. */
  public static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** A single-quoted string literal; embedded quotes are doubled. */
  public static String literal(String text) {
    return '\'' + text.replace("'", "''") + '\'';
  }
}
