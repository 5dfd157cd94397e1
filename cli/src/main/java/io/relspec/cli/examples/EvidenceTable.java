package io.relspec.cli.examples;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Rows of one generated dataset (utf8, int32, int64, float64 and date32 columns), written as an
 * Arrow IPC file in batches. Column order and types match the example's dataset contract.
 */
final class EvidenceTable implements AutoCloseable {
  private static final int BATCH_ROWS = 32_768;

  private final Schema schema;
  private final VectorSchemaRoot root;
  private final ArrowFileWriter writer;
  private final FileChannel channel;
  private int pending;
  private long rows;

  /** {@code columns} as "name:utf8", "name:int64", with a trailing "?" when nullable. */
  EvidenceTable(Path file, BufferAllocator allocator, String... columns) throws IOException {
    List<Field> fields = new ArrayList<>();
    for (String column : columns) {
      String[] parts = column.split(":");
      boolean nullable = parts[1].endsWith("?");
      String type = nullable ? parts[1].substring(0, parts[1].length() - 1) : parts[1];
      ArrowType arrow =
          switch (type) {
            case "utf8" -> ArrowType.Utf8.INSTANCE;
            case "int64" -> new ArrowType.Int(64, true);
            case "int32" -> new ArrowType.Int(32, true);
            case "float64" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "date32" -> new ArrowType.Date(DateUnit.DAY);
            default -> throw new IllegalArgumentException("unsupported type " + type);
          };
      fields.add(new Field(parts[0], new FieldType(nullable, arrow, null), null));
    }
    this.schema = new Schema(fields);
    this.root = VectorSchemaRoot.create(schema, allocator);
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    this.writer = new ArrowFileWriter(root, null, channel);
    writer.start();
    root.allocateNew();
  }

  /**
   * One row; values in column order (String for utf8, a Number otherwise; date32 in days), null
   * allowed.
   */
  void add(Object... values) throws IOException {
    for (int c = 0; c < values.length; c++) {
      FieldVector vector = root.getVector(c);
      Object value = values[c];
      if (vector instanceof VarCharVector text) {
        if (value == null) {
          text.setNull(pending);
        } else {
          text.setSafe(pending, value.toString().getBytes(StandardCharsets.UTF_8));
        }
      } else if (vector instanceof BigIntVector number) {
        if (value == null) {
          number.setNull(pending);
        } else {
          number.setSafe(pending, ((Number) value).longValue());
        }
      } else if (vector instanceof IntVector number) {
        if (value == null) {
          number.setNull(pending);
        } else {
          number.setSafe(pending, ((Number) value).intValue());
        }
      } else if (vector instanceof Float8Vector number) {
        if (value == null) {
          number.setNull(pending);
        } else {
          number.setSafe(pending, ((Number) value).doubleValue());
        }
      } else if (vector instanceof DateDayVector day) {
        if (value == null) {
          day.setNull(pending);
        } else {
          day.setSafe(pending, ((Number) value).intValue());
        }
      }
    }
    pending++;
    rows++;
    if (pending == BATCH_ROWS) {
      flush();
    }
  }

  long rows() {
    return rows;
  }

  private void flush() throws IOException {
    if (pending == 0) {
      return;
    }
    root.setRowCount(pending);
    writer.writeBatch();
    pending = 0;
    root.allocateNew();
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
      writer.end();
    } finally {
      writer.close();
      root.close();
      channel.close();
    }
  }
}
