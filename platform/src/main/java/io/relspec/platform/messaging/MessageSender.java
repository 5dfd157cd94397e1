package io.relspec.platform.messaging;

import io.relspec.contracts.messaging.RelspecMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Sends one message; the stage completes when the broker (or in-process consumer) has it. */
@FunctionalInterface
public interface MessageSender {
  CompletionStage<Void> send(RelspecMessage message);

  /** The first pause after a failed send within {@link #sendWithin}; it doubles up to 2 s. */
  Duration FIRST_RETRY = Duration.ofMillis(250);

  /** The longest pause between two sends within {@link #sendWithin}. */
  Duration MAX_RETRY_PAUSE = Duration.ofSeconds(2);

  /**
   * Sends {@code message}, and sends it again after a failure (a dropped connection, a publisher
   * that does not connect again yet) until it is confirmed or {@code budget} is spent; then the
   * stage fails with the last failure. For a result whose failure sends the message being handled
   * back to its queue: failing at once while the broker restarts would run that message again and
   * again, up to its queue's delivery limit. A message sent twice is dropped by its consumer, by
   * event id.
   */
  default CompletionStage<Void> sendWithin(RelspecMessage message, Duration budget) {
    CompletableFuture<Void> outcome = new CompletableFuture<>();
    attempt(this, message, System.nanoTime() + budget.toNanos(), FIRST_RETRY, outcome);
    return outcome;
  }

  private static void attempt(
      MessageSender sender,
      RelspecMessage message,
      long deadline,
      Duration pause,
      CompletableFuture<Void> outcome) {
    CompletableFuture<Void> sent;
    try {
      sent = sender.send(message).toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.orTimeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
        .whenComplete(
            (ignored, failure) -> {
              if (failure == null) {
                outcome.complete(null);
                return;
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              // The budget is spent (this send's own timeout is the deadline), or would be before
              // the next send.
              if (deadline - System.nanoTime() <= pause.toNanos()) {
                outcome.completeExceptionally(cause);
                return;
              }
              Duration next = pause.multipliedBy(2);
              Duration capped = next.compareTo(MAX_RETRY_PAUSE) > 0 ? MAX_RETRY_PAUSE : next;
              CompletableFuture.delayedExecutor(pause.toNanos(), TimeUnit.NANOSECONDS)
                  .execute(() -> attempt(sender, message, deadline, capped, outcome));
            });
  }
}
