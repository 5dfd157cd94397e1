package io.relspec.platform.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** Plain-JDBC transactions: commit on success, roll back on any failure. */
public final class Jdbc {
  private Jdbc() {}

  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        T result = work.apply(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new DataAccessException(e);
    }
  }

  /** The first column of the first row of a query without parameters, as text; empty for none. */
  public static Optional<String> firstString(Connection connection, String sql)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql);
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
    }
  }

  /** A database failure; internal, never the client's fault. */
  public static final class DataAccessException extends RuntimeException {
    public DataAccessException(SQLException cause) {
      super("database error: " + cause.getMessage(), cause);
    }
  }
}
