package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * DuckDB exports a TIMESTAMPTZ column with its own session time zone; a dataset declared with
 * another zone ({@code timestamp[us, tz=UTC]}, {@code tz=Europe/Paris}) is served with the declared
 * one. The values are instants either way, so only the schema changes: each batch moves, buffer by
 * buffer and without a copy, into a root of the declared schema.
 */
final class DeclaredTimezones extends ArrowReader {
  private final ArrowReader source;
  private final Schema schema;

  private DeclaredTimezones(ArrowReader source, Schema schema, BufferAllocator allocator) {
    super(allocator);
    this.source = source;
    this.schema = schema;
  }

  /** {@code source}, or a reader of it whose time zones are the declared ones where they differ. */
  static ArrowReader apply(ArrowReader source, ArrowSchema declared, BufferAllocator allocator)
      throws IOException {
    Schema exported = source.getVectorSchemaRoot().getSchema();
    List<Field> fields = new ArrayList<>();
    boolean changed = false;
    for (Field field : exported.getFields()) {
      Field declaredField = field;
      if (field.getType() instanceof ArrowType.Timestamp timestamp
          && timestamp.getTimezone() != null
          && declared.field(field.getName()).map(ArrowField::type).orElse(null)
              instanceof io.relspec.contracts.arrow.ArrowType.Timestamp zoned
          && zoned.timezone() != null
          && !Objects.equals(zoned.timezone(), timestamp.getTimezone())) {
        declaredField =
            new Field(
                field.getName(),
                new FieldType(
                    field.isNullable(),
                    new ArrowType.Timestamp(timestamp.getUnit(), zoned.timezone()),
                    field.getDictionary(),
                    field.getMetadata()),
                field.getChildren());
        changed = true;
      }
      fields.add(declaredField);
    }
    return changed
        ? new DeclaredTimezones(source, new Schema(fields, exported.getCustomMetadata()), allocator)
        : source;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    prepareLoadNextBatch();
    if (!source.loadNextBatch()) {
      return false;
    }
    try (ArrowRecordBatch batch =
        new VectorUnloader(source.getVectorSchemaRoot()).getRecordBatch()) {
      loadRecordBatch(batch);
    }
    return true;
  }

  @Override
  public long bytesRead() {
    return source.bytesRead();
  }

  @Override
  protected void closeReadSource() throws IOException {
    source.close();
  }

  @Override
  protected Schema readSchema() {
    return schema;
  }
}
