package io.relspec.executor.store;

import static io.relspec.executor.store.ArrowImports.closeAll;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;

/**
 * An ad-hoc SELECT bound on its own connection: set its parameters, read its result as Arrow,
 * cancel it from another thread; closing releases the result, the connection and every imported
 * input.
 */
public final class AdHocQuery implements AutoCloseable {
  private final Connection connection;
  private final String text;
  private final PreparedStatement statement;
  private final List<AutoCloseable> imports;
  private DuckDBResultSet rows;
  private ArrowReader reader;

  AdHocQuery(
      Connection connection,
      String text,
      PreparedStatement statement,
      List<AutoCloseable> imports) {
    this.connection = connection;
    this.text = text;
    this.statement = statement;
    this.imports = imports;
  }

  /** How many {@code ?} parameters the statement has. */
  public int parameterCount() throws SQLException {
    return statement.getParameterMetaData().getParameterCount();
  }

  /** DuckDB's type of parameter {@code index} (1-based), as DESCRIBE would print it. */
  public String parameterType(int index) throws SQLException {
    return statement.getParameterMetaData().getParameterTypeName(index);
  }

  /**
   * The Arrow schema of the result, from DuckDB's own Arrow export of the statement limited to no
   * row (parameters bound to NULL): nothing is computed.
   */
  public org.apache.arrow.vector.types.pojo.Schema schema(BufferAllocator allocator)
      throws SQLException {
    String body = text.strip();
    while (body.endsWith(";")) {
      body = body.substring(0, body.length() - 1).strip();
    }
    try (PreparedStatement empty =
        connection.prepareStatement("SELECT * FROM (\n" + body + "\n) LIMIT 0")) {
      int parameters = empty.getParameterMetaData().getParameterCount();
      for (int i = 1; i <= parameters; i++) {
        empty.setObject(i, null);
      }
      try (DuckDBResultSet empties = (DuckDBResultSet) empty.executeQuery();
          ArrowReader schemaOnly = (ArrowReader) empties.arrowExportStream(allocator, 1)) {
        return schemaOnly.getVectorSchemaRoot().getSchema();
      } catch (IOException e) {
        throw new SQLException("cannot read the result schema", e);
      }
    }
  }

  /** Binds parameter {@code index} (1-based). */
  public void setParameter(int index, Object value) throws SQLException {
    statement.setObject(index, value);
  }

  /** Runs the statement and exposes its result as Arrow batches of {@code batchRows}. */
  public ArrowReader execute(BufferAllocator allocator, int batchRows) throws SQLException {
    rows = (DuckDBResultSet) statement.executeQuery();
    reader = (ArrowReader) rows.arrowExportStream(allocator, batchRows);
    return reader;
  }

  /** Interrupts the running statement (a deadline, a client that went away). */
  public void cancel() {
    try {
      statement.cancel();
    } catch (SQLException ignored) {
      // Finished or closed: nothing left to stop.
    }
  }

  @Override
  public void close() throws SQLException {
    List<AutoCloseable> order = new ArrayList<>();
    if (reader != null) {
      order.add(reader);
    }
    if (rows != null) {
      order.add(rows);
    }
    order.add(statement);
    order.add(connection);
    order.addAll(imports);
    closeAll(order);
  }
}
