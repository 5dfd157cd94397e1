package io.relspec.cli.commands;

import io.relspec.cli.data.FileFormats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Option;

/**
 * How {@code get} and {@code sql} show an Arrow Flight result (a picocli mixin with their shared
 * options): a table on the terminal, CSV (to the terminal or a file), or a Parquet or Arrow IPC
 * file.
 */
public final class ResultOutput {
  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, csv, parquet or arrow (default ${DEFAULT-VALUE})")
  String format;

  @Option(
      names = "--limit",
      description = "at most this many rows (default: 20 for table, all otherwise)")
  Long limit;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "write to a file (required for parquet and arrow)")
  Path output;

  /**
   * @param label what the rows are, in the line reporting a written file
   */
  void write(PrintWriter out, FlightStream stream, BufferAllocator allocator, String label)
      throws Exception {
    long max = limit == null ? Long.MAX_VALUE : limit;
    try (ArrowReader reader = new FlightStreamArrowReader(stream, allocator)) {
      switch (format) {
        case "table" -> printTable(out, stream, limit == null ? 20 : limit);
        case "csv" -> {
          if (output == null) {
            out.flush();
            FileFormats.writeCsv(reader, System.out, max);
          } else {
            report(
                out,
                label,
                output,
                FileFormats.write(reader, FileFormats.Format.CSV, output, allocator, max));
          }
        }
        case "parquet", "arrow" -> {
          if (output == null) {
            throw new IllegalArgumentException(
                "--format " + format + " writes a file: add -o FILE");
          }
          FileFormats.Format target =
              "parquet".equals(format) ? FileFormats.Format.PARQUET : FileFormats.Format.ARROW;
          report(out, label, output, FileFormats.write(reader, target, output, allocator, max));
        }
        default ->
            throw new IllegalArgumentException(
                "unknown format '" + format + "': table, csv, parquet or arrow");
      }
    }
  }

  private static void report(PrintWriter out, String label, Path output, long rows) {
    out.printf("%s: %,d rows written to %s%n", label, rows, output);
  }

  private static void printTable(PrintWriter out, FlightStream stream, long limit) {
    Schema schema = stream.getSchema();
    List<String> header = new ArrayList<>();
    for (Field field : schema.getFields()) {
      header.add(field.getName());
    }
    Table table = new Table(header);
    long shown = 0;
    long total = 0;
    while (stream.next()) {
      VectorSchemaRoot root = stream.getRoot();
      total += root.getRowCount();
      for (int row = 0; row < root.getRowCount() && shown < limit; row++, shown++) {
        List<String> cells = new ArrayList<>();
        for (FieldVector vector : root.getFieldVectors()) {
          Object value = vector.getObject(row);
          cells.add(value == null ? "NULL" : value.toString());
        }
        table.row(cells);
      }
    }
    table.print(out);
    out.printf("(%,d of %,d rows)%n", shown, total);
  }

  /** A Flight stream as an ArrowReader, so file writers can consume it batch by batch. */
  static final class FlightStreamArrowReader extends ArrowReader {
    private final FlightStream stream;

    FlightStreamArrowReader(FlightStream stream, BufferAllocator allocator) {
      super(allocator);
      this.stream = stream;
    }

    @Override
    public boolean loadNextBatch() throws java.io.IOException {
      prepareLoadNextBatch();
      if (!stream.next()) {
        return false;
      }
      try (var batch = new VectorUnloader(stream.getRoot()).getRecordBatch()) {
        new VectorLoader(getVectorSchemaRoot()).load(batch);
      }
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {
      // The caller closes the Flight stream.
    }

    @Override
    protected Schema readSchema() {
      return stream.getSchema();
    }
  }
}
