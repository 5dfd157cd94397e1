package io.relspec.executor.store;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Interrupts the statement a task attempt is running, from another thread (a deadline timer or a
 * cancelled run). DuckDB stops the query at its next interruption check and the write rolls back.
 */
public final class QueryCancellation {
  private volatile Statement running;
  private volatile String reason;
  private volatile Cause cause;

  /** Why an attempt is stopped: each maps to one failure code of the attempt. */
  public enum Cause {
    /** The attempt's deadline passed. */
    DEADLINE,
    /** Its run was cancelled. */
    RUN_CANCELLED,
    /** The executor is shutting down; another executor runs the attempt. */
    EXECUTOR_STOPPING
  }

  /** Stops the running statement, or the next one to start; the first cause wins. */
  public void cancel(Cause why, String message) {
    synchronized (this) {
      if (reason == null) {
        cause = why;
        reason = message;
      }
    }
    Statement statement = running;
    if (statement != null) {
      try {
        statement.cancel();
      } catch (SQLException ignored) {
        // The statement finished or its connection closed: nothing left to stop.
      }
    }
  }

  public boolean cancelled() {
    return reason != null;
  }

  /** Whether a statement is running now (and so would be interrupted by {@link #cancel}). */
  public boolean isRunning() {
    return running != null;
  }

  public String reason() {
    return reason;
  }

  /** Why the attempt was stopped; null while it was not. */
  public Cause cause() {
    return cause;
  }

  void execute(Statement statement, String sql) throws SQLException {
    running = statement;
    try {
      if (reason != null) {
        throw new QueryCancelledException(reason, null);
      }
      statement.execute(sql);
    } catch (SQLException e) {
      if (reason != null && !(e instanceof QueryCancelledException)) {
        throw new QueryCancelledException(reason, e);
      }
      throw e;
    } finally {
      running = null;
    }
  }

  /** The attempt was cancelled; its transaction rolled back. */
  public static final class QueryCancelledException extends SQLException {
    QueryCancelledException(String reason, Throwable cause) {
      super(reason, cause);
    }
  }
}
