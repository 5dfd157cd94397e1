package io.relspec.platform.outbox;

import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecMessage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Where an {@link Outbox} keeps its messages: a table in the same database as the changes they
 * describe, so a message is appended in the change's own transaction. {@link JdbcOutboxStore} is
 * the services' PostgreSQL (or H2) table; the executor keeps its outbox in its DuckDB store.
 */
public interface OutboxStore {

  /**
   * A message appended and not yet confirmed by the broker.
   *
   * @param id the store's key for it; {@link #pending} returns ids in commit order
   * @param attempts how many sends of it have failed so far
   */
  record Pending(String id, MessageType type, String payload, int attempts) {}

  /** Appends {@code message} inside the caller's transaction on {@code connection}. */
  void append(Connection connection, RelspecMessage message) throws SQLException;

  /** Up to {@code limit} pending messages, oldest first. */
  List<Pending> pending(int limit) throws SQLException;

  /** The broker confirmed the message: it is not sent again. */
  void published(String id) throws SQLException;

  /**
   * A send failed or was not confirmed in time: the message stays pending, with the reason (at most
   * {@link Outbox#MAX_ERROR} characters).
   */
  void failed(String id, String error) throws SQLException;

  /** How many messages are appended and not yet confirmed. */
  int pendingCount() throws SQLException;
}
