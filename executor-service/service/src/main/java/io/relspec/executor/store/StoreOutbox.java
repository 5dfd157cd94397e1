package io.relspec.executor.store;

import static io.relspec.executor.store.StoreDatabase.META;

import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.platform.outbox.OutboxStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The executor's outbox, a table of its DuckDB store: an upload's {@code SourceDataUpdated} commits
 * with the upload's rows, and the platform's {@link io.relspec.platform.outbox.Outbox} relays it. A
 * confirmed message's row is deleted (nothing here reads a history of them).
 */
final class StoreOutbox implements OutboxStore {
  private final StoreDatabase database;

  StoreOutbox(StoreDatabase database) {
    this.database = database;
  }

  /**
   * Creates the table, and adds what stores written before the relay was shared lack: the message
   * type (their rows are all {@code SourceDataUpdated}), and the failed attempts with their error.
   */
  static void createTable(Statement statement) throws SQLException {
    statement.execute(
        "CREATE TABLE IF NOT EXISTS "
            + META
            + ".outbox (event_id VARCHAR NOT NULL, payload VARCHAR NOT NULL,"
            + " created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
    statement.execute(
        "ALTER TABLE "
            + META
            + ".outbox ADD COLUMN IF NOT EXISTS message_type VARCHAR DEFAULT '"
            + MessageType.SOURCE_DATA_UPDATED.typeName()
            + "'");
    statement.execute(
        "ALTER TABLE " + META + ".outbox ADD COLUMN IF NOT EXISTS attempts INTEGER DEFAULT 0");
    statement.execute(
        "ALTER TABLE " + META + ".outbox ADD COLUMN IF NOT EXISTS last_error VARCHAR");
  }

  @Override
  public void append(Connection connection, RelspecMessage message) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + META
                + ".outbox (event_id, payload, created_at, message_type, attempts)"
                + " VALUES (?, ?, current_timestamp, ?, 0)")) {
      insert.setString(1, message.eventId().toString());
      insert.setString(2, RelspecJson.write(message));
      insert.setString(3, message.messageType().typeName());
      insert.execute();
    }
  }

  @Override
  public List<Pending> pending(int limit) throws SQLException {
    List<Pending> events = new ArrayList<>();
    try (Connection connection = database.connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT event_id, message_type, payload, attempts FROM "
                    + META
                    + ".outbox ORDER BY created_at, event_id LIMIT ?")) {
      select.setInt(1, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(
              new Pending(
                  rows.getString(1),
                  MessageType.ofTypeName(rows.getString(2)),
                  rows.getString(3),
                  rows.getInt(4)));
        }
      }
    }
    return events;
  }

  @Override
  public void published(String id) throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM " + META + ".outbox WHERE event_id = ?")) {
      delete.setString(1, id);
      delete.executeUpdate();
    }
  }

  @Override
  public void failed(String id, String error) throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE "
                    + META
                    + ".outbox SET attempts = attempts + 1, last_error = ? WHERE event_id = ?")) {
      update.setString(1, error);
      update.setString(2, id);
      update.executeUpdate();
    }
  }

  @Override
  public int pendingCount() throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + META + ".outbox")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
