package io.relspec.executor.store;

import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.contracts.model.DatasetName;
import java.sql.SQLException;

/**
 * A store operation refused for a reason its caller answers in its own terms: a task attempt with a
 * {@link TaskFailureCode}, a Flight call with a status. Any other {@link SQLException} from the
 * store is DuckDB's own.
 */
public final class StoreException extends SQLException {
  /** Why the store refused. */
  public enum Reason {
    /** An input version was pruned or never held; the attempt may succeed elsewhere. */
    INPUT_NOT_AVAILABLE(TaskFailureCode.INPUT_NOT_AVAILABLE),
    /** A file-scoped upsert's output is not held here, so its partitions cannot be upserted. */
    OUTPUT_NOT_HELD(TaskFailureCode.OUTPUT_NOT_HELD),
    /** A dataset, or a version of it, asked for by a reader is not held here. */
    NOT_HELD(TaskFailureCode.INPUT_NOT_AVAILABLE),
    /** Uploaded or requested data the store cannot take (null file ids, no partitions). */
    INVALID_DATA(TaskFailureCode.SQL_ERROR);

    private final TaskFailureCode failureCode;

    Reason(TaskFailureCode failureCode) {
      this.failureCode = failureCode;
    }

    /** How a task attempt that met this reports it. */
    public TaskFailureCode failureCode() {
      return failureCode;
    }
  }

  private final Reason reason;

  public StoreException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** Whether {@code error} is a store refusal for {@code reason}. */
  public static boolean is(Throwable error, Reason reason) {
    return error instanceof StoreException refusal && refusal.reason == reason;
  }

  static StoreException notHeld(DatasetName dataset) {
    return new StoreException(Reason.NOT_HELD, "this executor holds no dataset '" + dataset + "'");
  }

  static StoreException notHeld(DatasetName dataset, long version) {
    return new StoreException(
        Reason.NOT_HELD,
        "this executor holds no version " + version + " of dataset '" + dataset + "'");
  }

  static StoreException outputNotHeld(DatasetName output) {
    return new StoreException(
        Reason.OUTPUT_NOT_HELD,
        "output '"
            + output
            + "' is not held by this executor, so its file partitions cannot be upserted here");
  }

  static StoreException invalidData(String message) {
    return new StoreException(Reason.INVALID_DATA, message);
  }
}
