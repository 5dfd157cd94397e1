package io.relspec.contracts.messaging;

/** Lifecycle of a run as a whole. */
public enum RunState {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
