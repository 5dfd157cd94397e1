package io.relspec.platform.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
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

  /** A database failure; internal, never the client's fault. */
  public static final class DataAccessException extends RuntimeException {
    public DataAccessException(SQLException cause) {
      super("database error: " + cause.getMessage(), cause);
    }
  }
}
