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
  private final ScheduledExecutorService relayThread;
  private final AtomicBoolean relayQueued = new AtomicBoolean();

  public Outbox(
      DataSource dataSource,
      MessageSender sender,
      String service,
      Duration pollInterval,
      Duration confirmTimeout) {
    this.dataSource = dataSource;
    this.sender = sender;
    this.confirmTimeout = confirmTimeout;
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

  /** Publishes pending messages in order; stops at the first failure. Returns how many went out. */
  public int relay() {
    int published = 0;
    while (true) {
      List<Pending> batch = pending();
      if (batch.isEmpty()) {
        return published;
      }
      for (Pending pending : batch) {
        RelspecMessage message =
            RelspecJson.read(
                pending.payload(), MessageType.ofTypeName(pending.type()).recordType());
        try {
          sender
              .send(message)
              .toCompletableFuture()
              .get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
          recordFailure(pending.seq(), cause);
          LOG.warnf(
              "outbox: %s %s not published yet (%s); will retry",
              pending.type(), message.eventId(), cause.toString());
          return published;
        }
        markPublished(pending.seq());
        published++;
      }
    }
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
    try {
      relay();
    } catch (RuntimeException e) {
      LOG.warnf(e, "outbox relay failed; will retry");
    }
  }

  private record Pending(long seq, String type, String payload) {}

  private List<Pending> pending() {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT seq, message_type, payload FROM relspec_outbox WHERE published_at IS NULL ORDER BY seq LIMIT "
                      + BATCH)) {
            List<Pending> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                result.add(new Pending(rows.getLong(1), rows.getString(2), rows.getString(3)));
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
