package io.relspec.platform.jdbc;

import io.relspec.platform.messaging.ProcessedMessages;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/** Handled-message record in the service's database (table relspec_processed_message). */
public final class JdbcProcessedMessages implements ProcessedMessages {
  private final DataSource dataSource;

  public JdbcProcessedMessages(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public boolean isProcessed(String consumer, UUID eventId) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT 1 FROM relspec_processed_message WHERE consumer = ? AND event_id = ?")) {
            select.setString(1, consumer);
            select.setString(2, eventId.toString());
            try (ResultSet rows = select.executeQuery()) {
              return rows.next();
            }
          }
        });
  }

  @Override
  public void markProcessed(String consumer, UUID eventId) {
    Jdbc.inTransaction(dataSource, connection -> markProcessed(connection, consumer, eventId));
  }

  /** Records the message inside the caller's transaction; false when it was already recorded. */
  public static boolean markProcessed(Connection connection, String consumer, UUID eventId)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO relspec_processed_message (consumer, event_id, processed_at) "
                + "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM relspec_processed_message WHERE consumer = ? AND event_id = ?)")) {
      insert.setString(1, consumer);
      insert.setString(2, eventId.toString());
      insert.setTimestamp(3, Timestamp.from(Instant.now()));
      insert.setString(4, consumer);
      insert.setString(5, eventId.toString());
      return insert.executeUpdate() == 1;
    }
  }
}
