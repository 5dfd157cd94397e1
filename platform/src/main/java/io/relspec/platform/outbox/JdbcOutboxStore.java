package io.relspec.platform.outbox;

import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.platform.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The outbox as the table {@code relspec_outbox} of a service's database (migration {@code
 * db/platform/V1}): a published message keeps its row, stamped {@code published_at}, with the
 * attempts and last error of the sends that failed before.
 */
public final class JdbcOutboxStore implements OutboxStore {
  private final DataSource dataSource;

  public JdbcOutboxStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
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

  @Override
  public List<Pending> pending(int limit) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT seq, message_type, payload, attempts FROM relspec_outbox"
                      + " WHERE published_at IS NULL ORDER BY seq LIMIT ?")) {
            select.setInt(1, limit);
            List<Pending> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                result.add(
                    new Pending(
                        Long.toString(rows.getLong(1)),
                        MessageType.ofTypeName(rows.getString(2)),
                        rows.getString(3),
                        rows.getInt(4)));
              }
            }
            return result;
          }
        });
  }

  @Override
  public void published(String id) {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE relspec_outbox SET published_at = ? WHERE seq = ?")) {
            update.setTimestamp(1, Timestamp.from(Instant.now()));
            update.setLong(2, Long.parseLong(id));
            return update.executeUpdate();
          }
        });
  }

  @Override
  public void failed(String id, String error) {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE relspec_outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?")) {
            update.setString(1, error);
            update.setLong(2, Long.parseLong(id));
            return update.executeUpdate();
          }
        });
  }

  @Override
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
}
