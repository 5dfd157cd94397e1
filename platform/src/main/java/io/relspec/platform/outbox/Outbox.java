package io.relspec.platform.outbox;

import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.platform.messaging.MessageSender;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Transactional outbox: a service appends a message in the same transaction as the change it
 * describes, so an event is published only for a committed change. A relay publishes pending
 * messages in commit order and marks them published only after the broker confirmed; while the
 * broker is down they wait in the {@link OutboxStore} and are sent again at the next relay.
 *
 * <p>The relay runs on one thread of its own, when {@link #wake() woken}: each service wakes it
 * after a commit that appended, and from a quarkus-scheduler job every {@code
 * outbox-poll-interval}, which re-sends what was not confirmed.
 */
public final class Outbox implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Outbox.class);
  private static final int BATCH = 200;

  /** The longest failure reason a store is given to keep with a pending message. */
  public static final int MAX_ERROR = 1000;

  private final OutboxStore store;
  private final MessageSender sender;
  private final Duration confirmTimeout;
  private final BooleanSupplier relaying;
  private final ExecutorService relayThread;
  private final AtomicBoolean relayQueued = new AtomicBoolean();

  /** Messages sent and awaiting their confirmation; not sent again meanwhile. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  public Outbox(OutboxStore store, MessageSender sender, String service, Duration confirmTimeout) {
    this(store, sender, service, confirmTimeout, () -> true);
  }

  /**
   * @param relaying whether this replica relays now (a standby leaves it to the active replica, so
   *     pending messages are not sent twice)
   */
  public Outbox(
      OutboxStore store,
      MessageSender sender,
      String service,
      Duration confirmTimeout,
      BooleanSupplier relaying) {
    this.store = store;
    this.sender = sender;
    this.confirmTimeout = confirmTimeout;
    this.relaying = relaying;
    this.relayThread =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, service + "-outbox-relay");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Appends a message inside the caller's transaction. Call {@link #wake()} after commit. */
  public void append(Connection connection, RelspecMessage message) throws SQLException {
    store.append(connection, message);
  }

  /**
   * Asks the relay to publish what is pending, on its thread; a wake while one is queued adds
   * nothing.
   */
  public void wake() {
    if (relayQueued.compareAndSet(false, true)) {
      try {
        relayThread.execute(
            () -> {
              relayQueued.set(false);
              relaySafely();
            });
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        relayQueued.set(false);
      }
    }
  }

  /**
   * Sends every pending message not already awaiting its confirmation, in commit order, without
   * waiting for one confirmation before the next send: a confirmation can take long (in one JVM it
   * arrives when the consumer has processed the message, e.g. when an executor finished a task),
   * and waiting for each serialized everything downstream. Each message is marked published when
   * its confirmation arrives, or kept for the next relay if it fails or times out. Returns how many
   * were sent.
   */
  public int relay() throws SQLException {
    int sent = 0;
    while (true) {
      int before = sent;
      for (OutboxStore.Pending pending : store.pending(BATCH + inFlight.size())) {
        if (!inFlight.add(pending.id())) {
          continue;
        }
        RelspecMessage message = RelspecJson.read(pending.payload(), pending.type().recordType());
        CompletableFuture<Void> confirmed;
        try {
          confirmed =
              sender
                  .send(message)
                  .toCompletableFuture()
                  .orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
          inFlight.remove(pending.id());
          failed(pending, message, e);
          return sent;
        }
        sent++;
        // Bookkeeping on the relay thread: confirmations arrive on I/O threads that must not block.
        confirmed.whenCompleteAsync(
            (ignored, failure) -> {
              try {
                if (failure == null) {
                  store.published(pending.id());
                } else {
                  failed(pending, message, unwrap(failure));
                }
              } catch (SQLException | RuntimeException e) {
                LOG.warnf(
                    "outbox: could not record the outcome of %s %s (%s); it may be sent again",
                    pending.type().typeName(), message.eventId(), e);
              } finally {
                inFlight.remove(pending.id());
              }
            },
            relayThread);
      }
      if (sent == before) {
        return sent;
      }
    }
  }

  /** Messages appended but not yet confirmed by the broker. */
  public int pendingCount() throws SQLException {
    return store.pendingCount();
  }

  private void failed(OutboxStore.Pending pending, RelspecMessage message, Throwable cause)
      throws SQLException {
    String error = String.valueOf(cause);
    store.failed(pending.id(), error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error);
    int attempt = pending.attempts() + 1;
    // A warning for the 1st, 10th, 100th … failed attempt of a message, not one per retry: a
    // broker outage would otherwise log every pending message every poll.
    boolean loud = attempt == 1 || Long.toString(attempt).matches("10+");
    LOG.logf(
        loud ? Logger.Level.WARN : Logger.Level.DEBUG,
        "outbox: %s %s not published after %d attempt(s) (%s); will retry",
        pending.type().typeName(),
        message.eventId(),
        attempt,
        cause);
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private void relaySafely() {
    if (!relaying.getAsBoolean()) {
      return;
    }
    try {
      relay();
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "outbox relay failed; will retry");
    }
  }

  @Override
  public void close() {
    relayThread.shutdownNow();
  }
}
