package io.relspec.platform.messaging;

/**
 * A message that can never be handled (invalid content, unknown reference): dead-lettered at once
 * instead of redelivered.
 */
public class PermanentMessageFailure extends RuntimeException {
  public PermanentMessageFailure(String reason) {
    super(reason);
  }

  public PermanentMessageFailure(String reason, Throwable cause) {
    super(reason, cause);
  }
}
