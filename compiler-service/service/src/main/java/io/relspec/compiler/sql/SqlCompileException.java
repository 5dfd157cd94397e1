package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;

/** A task's SQL was refused: code, first line of the message, and the position when known. */
public final class SqlCompileException extends Exception {
  private final CompilerErrorCode code;
  private final Integer line;
  private final Integer column;

  public SqlCompileException(CompilerErrorCode code, String message, Integer line, Integer column) {
    super(message);
    this.code = code;
    this.line = line;
    this.column = column;
  }

  public CompilerErrorCode code() {
    return code;
  }

  public Integer line() {
    return line;
  }

  public Integer column() {
    return column;
  }
}
