package io.relspec.cli.commands;

import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.data.DataClient;
import io.relspec.cli.data.FileFormats;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relspec get <dataset>}: a dataset's rows over Flight DoGet, as a table or a file. */
@Command(
    name = "get",
    description = "Fetch a dataset (Arrow Flight DoGet) as a table, CSV, Parquet or Arrow IPC.")
public final class GetCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DATASET")
  String dataset;

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

  @Option(names = "--version", paramLabel = "N", description = "a retained older version")
  Long version;

  @Override
  public Integer call() throws Exception {
    try {
      return read(connection.data());
    } catch (FlightRuntimeException e) {
      if (e.status().code() != FlightStatusCode.NOT_FOUND) {
        throw e;
      }
      // Not held by the executor this CLI talks to: ask the scheduler which one holds it.
      URI holder;
      try {
        holder =
            URI.create(
                connection.api().get("api/v1/locations/" + dataset).path("flightUri").asText());
      } catch (RuntimeException lookup) {
        throw e;
      }
      return read(connection.data(holder));
    }
  }

  private int read(DataClient client) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    // The reader is closed before the allocator: its batches are the allocator's memory.
    try (DataClient data = client;
        FlightStream stream = data.get(dataset, version);
        ArrowReader reader = new FlightStreamArrowReader(stream, data.allocator())) {
      switch (format) {
        case "table" -> printTable(out, stream, limit == null ? 20 : limit);
        case "csv" -> {
          long max = limit == null ? Long.MAX_VALUE : limit;
          if (output == null) {
            out.flush();
            FileFormats.writeCsv(reader, System.out, max);
          } else {
            report(
                out,
                FileFormats.write(reader, FileFormats.Format.CSV, output, data.allocator(), max));
          }
        }
        case "parquet", "arrow" -> {
          if (output == null) {
            throw new IllegalArgumentException(
                "--format " + format + " writes a file: add -o FILE");
          }
          FileFormats.Format target =
              "parquet".equals(format) ? FileFormats.Format.PARQUET : FileFormats.Format.ARROW;
          report(
              out,
              FileFormats.write(
                  reader,
                  target,
                  output,
                  data.allocator(),
                  limit == null ? Long.MAX_VALUE : limit));
        }
        default ->
            throw new IllegalArgumentException(
                "unknown format '" + format + "': table, csv, parquet or arrow");
      }
    }
    return 0;
  }

  private void report(PrintWriter out, long rows) {
    out.printf("%s: %,d rows written to %s%n", dataset, rows, output);
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
      try (var batch =
          new org.apache.arrow.vector.VectorUnloader(stream.getRoot()).getRecordBatch()) {
        new org.apache.arrow.vector.VectorLoader(getVectorSchemaRoot()).load(batch);
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
