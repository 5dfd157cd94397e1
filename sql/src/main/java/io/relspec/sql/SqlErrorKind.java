package io.relspec.sql;

/** Why a piece of SQL was refused before any validation against schemas. */
public enum SqlErrorKind {
  SYNTAX_ERROR,
  NOT_A_QUERY,
  MULTIPLE_STATEMENTS,
  TOO_LARGE
}
