package io.relspec.executor.flightsql;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow stream with a schema and no batch: binds a dataset held by another executor when only
 * the shape of a query's result is asked for, so describing a query fetches no data.
 */
final class SchemaOnlyReader extends ArrowReader {
  private final Schema schema;

  SchemaOnlyReader(BufferAllocator allocator, Schema schema) {
    super(allocator);
    this.schema = schema;
  }

  @Override
  public boolean loadNextBatch() {
    return false;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {
    // Nothing was opened.
  }

  @Override
  protected Schema readSchema() {
    return schema;
  }
}
