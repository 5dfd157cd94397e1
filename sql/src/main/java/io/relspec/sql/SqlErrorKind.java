package io.relspec.sql;

/** Why a piece of SQL was refused before any validation against schemas. */
public enum SqlErrorKind {
  SYNTAX_ERROR,
  NOT_A_QUERY,
  MULTIPLE_STATEMENTS,
  TOO_LARGE,
  /** DuckDB syntax the analyzer does not follow (named in the message). */
  UNSUPPORTED_SYNTAX
}
