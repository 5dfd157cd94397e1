package io.relspec.sql;

import java.util.Objects;

/** SQL refused by {@link QueryText}: the kind, a one-line message, and the position when known. */
public final class SqlRefusal extends Exception {
  private final SqlErrorKind kind;
  private final Integer line;
  private final Integer column;

  public SqlRefusal(SqlErrorKind kind, String message, Integer line, Integer column) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind is null");
    this.line = line;
    this.column = column;
  }

  public SqlErrorKind kind() {
    return kind;
  }

  public Integer line() {
    return line;
  }

  public Integer column() {
    return column;
  }

  /** "message (line 3, column 7)" when the position is known. */
  public String describe() {
    return line == null
        ? getMessage()
        : getMessage() + " (line " + line + ", column " + column + ")";
  }
}
