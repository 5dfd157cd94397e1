package io.relspec.platform.outbox;

import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.messaging.MessageSender;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Transactional outbox: a service appends a message in the same transaction as the change it
 * describes, so an event is published only for a committed change. A relay publishes pending
 * messages in commit order and marks them published only after the broker confirmed; while the
 * broker is down they wait in the table and are retried.
 */
public final class Outbox implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Outbox.class);
  private static final int BATCH = 200;

  private final DataSource dataSource;
  private final MessageSender sender;
  private final Duration confirmTimeout;
  private final java.util.function.BooleanSupplier relaying;
  private final ScheduledExecutorService relayThread;
  private final AtomicBoolean relayQueued = new AtomicBoolean();

  /** Messages sent and awaiting their confirmation; not sent again meanwhile. */
  private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

  public Outbox(
      DataSource dataSource,
      MessageSender sender,
      String service,
      Duration pollInterval,
      Duration confirmTimeout) {
    this(dataSource, sender, service, pollInterval, confirmTimeout, () -> true);
  }

  /**
   * @param relaying whether this replica relays now (a standby leaves it to the active replica, so
   *     pending messages are not sent twice)
   */
  public Outbox(
      DataSource dataSource,
      MessageSender sender,
      String service,
      Duration pollInterval,
      Duration confirmTimeout,
      java.util.function.BooleanSupplier relaying) {
    this.dataSource = dataSource;
    this.sender = sender;
    this.confirmTimeout = confirmTimeout;
    this.relaying = relaying;
    this.relayThread =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, service + "-outbox-relay");
              thread.setDaemon(true);
              return thread;
            });
    relayThread.scheduleWithFixedDelay(
        this::relaySafely, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Appends a message inside the caller's transaction. Call {@link #wake()} after commit. */
  public void append(Connection connection, RelspecMessage message) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO relspec_outbox (event_id, message_type, payload, created_at) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, message.eventId().toString());
      insert.setString(2, message.messageType().typeName());
      insert.setString(3, RelspecJson.write(message));
      insert.setTimestamp(4, Timestamp.from(message.occurredAt()));
      insert.executeUpdate();
    }
  }

  /** Asks the relay to publish now rather than at the next poll. */
  public void wake() {
    if (relayQueued.compareAndSet(false, true)) {
      relayThread.execute(
          () -> {
            relayQueued.set(false);
            relaySafely();
          });
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
  public int relay() {
    int sent = 0;
    while (true) {
      int before = sent;
      for (Pending pending : pending()) {
        if (!inFlight.add(pending.seq())) {
          continue;
        }
        RelspecMessage message =
            RelspecJson.read(
                pending.payload(), MessageType.ofTypeName(pending.type()).recordType());
        CompletableFuture<Void> confirmed;
        try {
          confirmed =
              sender
                  .send(message)
                  .toCompletableFuture()
                  .orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
          inFlight.remove(pending.seq());
          failed(pending, message, e);
          return sent;
        }
        sent++;
        // Bookkeeping on the relay thread: confirmations arrive on I/O threads that must not block.
        confirmed.whenCompleteAsync(
            (ignored, failure) -> {
              try {
                if (failure == null) {
                  markPublished(pending.seq());
                } else {
                  failed(pending, message, unwrap(failure));
                }
              } finally {
                inFlight.remove(pending.seq());
              }
            },
            relayThread);
      }
      if (sent == before) {
        return sent;
      }
    }
  }

  private void failed(Pending pending, RelspecMessage message, Throwable cause) {
    recordFailure(pending.seq(), cause);
    int attempt = pending.attempts() + 1;
    // A warning for the 1st, 10th, 100th … failed attempt of a message, not one per retry: a
    // broker outage would otherwise log every pending message every poll.
    boolean loud = attempt == 1 || Long.toString(attempt).matches("10+");
    LOG.logf(
        loud ? Logger.Level.WARN : Logger.Level.DEBUG,
        "outbox: %s %s not published after %d attempt(s) (%s); will retry",
        pending.type(),
        message.eventId(),
        attempt,
        cause);
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  /** Messages appended but not yet confirmed by the broker. */
  public int pendingCount() {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement count =
                  connection.prepareStatement(
                      "SELECT COUNT(*) FROM relspec_outbox WHERE published_at IS NULL");
              ResultSet rows = count.executeQuery()) {
            rows.next();
            return rows.getInt(1);
          }
        });
  }

  private void relaySafely() {
    if (!relaying.getAsBoolean()) {
      return;
    }
    try {
      relay();
    } catch (RuntimeException e) {
      LOG.warnf(e, "outbox relay failed; will retry");
    }
  }

  private record Pending(long seq, String type, String payload, int attempts) {}

  private List<Pending> pending() {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT seq, message_type, payload, attempts FROM relspec_outbox WHERE published_at IS NULL ORDER BY seq LIMIT "
                      + (BATCH + inFlight.size()))) {
            List<Pending> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                result.add(
                    new Pending(
                        rows.getLong(1), rows.getString(2), rows.getString(3), rows.getInt(4)));
              }
            }
            return result;
          }
        });
  }

  private void markPublished(long seq) {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE relspec_outbox SET published_at = ? WHERE seq = ?")) {
            update.setTimestamp(1, Timestamp.from(Instant.now()));
            update.setLong(2, seq);
            return update.executeUpdate();
          }
        });
  }

  private void recordFailure(long seq, Throwable cause) {
    String error = String.valueOf(cause);
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE relspec_outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?")) {
            update.setString(1, error.length() > 1000 ? error.substring(0, 1000) : error);
            update.setLong(2, seq);
            return update.executeUpdate();
          }
        });
  }

  @Override
  public void close() {
    relayThread.shutdownNow();
  }
}
