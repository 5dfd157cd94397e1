package io.relspec.platform.error;

/**
 * A stable, documented error code. Each service has one enum implementing this; the code appears as
 * {@code code} in problem-details bodies and never changes meaning.
 */
public interface ErrorCode {
  /** Upper snake case, e.g. {@code DATASET_NOT_FOUND}. */
  String code();

  int httpStatus();

  ErrorCategory category();

  /** Short human title, the same for every occurrence of the code. */
  String title();
}
