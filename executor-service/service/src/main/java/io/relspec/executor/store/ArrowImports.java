package io.relspec.executor.store;

import static io.relspec.executor.store.StoreDatabase.quoteInternal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;

/** Arrow readers exposed to DuckDB through the Arrow C data interface, and their release. */
final class ArrowImports {
  private ArrowImports() {}

  /**
   * Exposes an Arrow reader to SQL as {@code temp."<name>"} (an internal name) through the Arrow C
   * data interface: a temporary table holding a copy, or a view over the stream (scannable once).
   * Returns the exported stream, to be closed once the query ran; closing it closes the reader.
   */
  static AutoCloseable importStream(
      BufferAllocator allocator,
      Connection connection,
      Statement statement,
      String name,
      ArrowReader reader,
      boolean copy)
      throws SQLException {
    RegisteredStream stream = register(allocator, connection, reader);
    try {
      statement.execute(
          "CREATE OR REPLACE TEMP "
              + (copy ? "TABLE " : "VIEW ")
              + quoteInternal(name)
              + " AS SELECT * FROM "
              + stream.name());
      return stream;
    } catch (SQLException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /** An Arrow reader DuckDB can scan (once) by {@code name}; closing it closes the reader. */
  record RegisteredStream(String name, ArrowArrayStream stream) implements AutoCloseable {
    @Override
    public void close() {
      stream.close();
    }
  }

  /** Registers {@code reader} with DuckDB through the Arrow C data interface, by a fresh name. */
  static RegisteredStream register(
      BufferAllocator allocator, Connection connection, ArrowReader reader) throws SQLException {
    String streamName = "relspec_stream_" + UUID.randomUUID().toString().replace("-", "");
    ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
    try {
      Data.exportArrayStream(allocator, reader, stream);
      connection.unwrap(DuckDBConnection.class).registerArrowStream(streamName, stream);
      return new RegisteredStream(streamName, stream);
    } catch (SQLException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  static void closeAll(List<AutoCloseable> resources) throws SQLException {
    SQLException failure = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new SQLException("cannot release an imported Arrow stream", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
