package io.relspec.executor.store;

/** SQL that is not a single SELECT; never executed. */
public final class SqlRefusedException extends Exception {
  public SqlRefusedException(String message) {
    super(message);
  }
}
