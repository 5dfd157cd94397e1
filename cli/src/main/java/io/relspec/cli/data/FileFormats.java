package io.relspec.cli.data;

import static io.relspec.contracts.duckdb.DuckDbSql.quote;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.duckdb.DuckDbSql;
import io.relspec.contracts.duckdb.DuckDbTypes;
import io.relspec.contracts.spec.DatasetContract;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.Field;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * Reads Parquet, CSV and Arrow IPC files into Arrow batches shaped like a dataset contract, and
 * writes Arrow streams back out as CSV, Parquet or Arrow IPC. CSV and Parquet go through an
 * in-memory DuckDB on the client (the user's own files on the user's machine); Arrow IPC is read
 * and written directly.
 */
public final class FileFormats {
  public static final int BATCH_ROWS = 65_536;

  /** The formats a file can be in. */
  public enum Format {
    PARQUET,
    CSV,
    ARROW;

    public static Format of(Path file, String explicit) {
      String name = explicit != null ? explicit : extension(file);
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "parquet", "pq" -> PARQUET;
        case "csv", "tsv", "txt" -> CSV;
        case "arrow", "arrows", "ipc", "feather" -> ARROW;
        default ->
            throw new IllegalArgumentException(
                "cannot tell the format of "
                    + file
                    + "; name it .parquet, .csv or .arrow, or pass --format parquet|csv|arrow");
      };
    }

    private static String extension(Path file) {
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      return dot < 0 ? "" : name.substring(dot + 1);
    }
  }

  /** An open file as Arrow batches; closing releases the file and any DuckDB resources. */
  public interface Reading extends AutoCloseable {
    ArrowReader reader();

    @Override
    void close() throws Exception;
  }

  /**
   * Opens {@code file} as batches with exactly the contract's columns, in the contract's order and
   * types. Columns the file lacks must be nullable in the contract (they arrive as nulls); columns
   * the contract lacks are an error, so nothing is dropped silently.
   */
  public static Reading read(
      Path file, Format format, DatasetContract contract, BufferAllocator allocator)
      throws IOException, SQLException {
    if (!Files.isReadable(file)) {
      throw new IOException("cannot read " + file);
    }
    Connection connection = DriverManager.getConnection("jdbc:duckdb:");
    try {
      Statement statement = connection.createStatement();
      statement.execute("SET TimeZone = 'UTC'");
      ArrowArrayStream imported = null;
      String source;
      ArrowReader ipc = null;
      if (format == Format.ARROW) {
        ipc = openIpc(file, allocator);
        ipc.getVectorSchemaRoot();
        imported = ArrowArrayStream.allocateNew(allocator);
        Data.exportArrayStream(allocator, ipc, imported);
        String name = "upload_" + UUID.randomUUID().toString().replace("-", "");
        connection.unwrap(DuckDBConnection.class).registerArrowStream(name, imported);
        source = quote(name);
      } else if (format == Format.PARQUET) {
        source = "read_parquet(" + literal(file) + ")";
      } else {
        source = "read_csv(" + literal(file) + ", header = true, auto_detect = true)";
      }
      List<String> fileColumns = new ArrayList<>();
      if (ipc != null) {
        // A registered stream can be scanned once; its schema comes from the reader instead.
        ipc.getVectorSchemaRoot()
            .getSchema()
            .getFields()
            .forEach(f -> fileColumns.add(f.getName()));
      } else {
        fileColumns.addAll(columns(statement, source));
      }
      String select = projection(contract, fileColumns, file);
      ResultSet rows = statement.executeQuery("SELECT " + select + " FROM " + source);
      ArrowReader reader =
          (ArrowReader) ((DuckDBResultSet) rows).arrowExportStream(allocator, BATCH_ROWS);
      ArrowReader ipcReader = ipc;
      ArrowArrayStream stream = imported;
      return new Reading() {
        @Override
        public ArrowReader reader() {
          return reader;
        }

        @Override
        public void close() throws Exception {
          try {
            try {
              reader.close();
            } catch (NullPointerException alreadyReleased) {
              // A consumer that took the reader through the C data interface (DuckDB, writing
              // Parquet) released it already; Arrow reports a second release this way.
            }
            rows.close();
            statement.close();
          } finally {
            connection.close();
            if (stream != null) {
              stream.close();
            }
            if (ipcReader != null) {
              ipcReader.close();
            }
          }
        }
      };
    } catch (IOException | SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static List<String> columns(Statement statement, String source) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet described = statement.executeQuery("DESCRIBE SELECT * FROM " + source)) {
      while (described.next()) {
        names.add(described.getString(1));
      }
    }
    return names;
  }

  private static String projection(DatasetContract contract, List<String> fileColumns, Path file) {
    Set<String> remaining = new LinkedHashSet<>(fileColumns);
    List<String> select = new ArrayList<>();
    for (ArrowField field : contract.schema().fields()) {
      String type = DuckDbTypes.toDuckDb(field.type());
      if (remaining.remove(field.name())) {
        select.add("CAST(" + quote(field.name()) + " AS " + type + ") AS " + quote(field.name()));
      } else if (field.nullable()) {
        select.add("CAST(NULL AS " + type + ") AS " + quote(field.name()));
      } else {
        throw new IllegalArgumentException(
            file + " has no column '" + field.name() + "', which the contract requires");
      }
    }
    if (!remaining.isEmpty()) {
      throw new IllegalArgumentException(
          file
              + " has columns the contract does not: "
              + String.join(", ", remaining)
              + "; add them to the dataset contract first");
    }
    return String.join(", ", select);
  }

  private static ArrowReader openIpc(Path file, BufferAllocator allocator) throws IOException {
    byte[] magic = new byte[6];
    try (var in = Files.newInputStream(file)) {
      int read = in.readNBytes(magic, 0, 6);
      if (read == 6
          && new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("ARROW1")) {
        return new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), allocator);
      }
    }
    return new ArrowStreamReader(Files.newInputStream(file), allocator);
  }

  /** Writes every batch of {@code reader} to {@code out} (a file, or stdout for CSV). */
  public static long write(
      ArrowReader reader, Format format, Path out, BufferAllocator allocator, long limit)
      throws IOException, SQLException {
    return switch (format) {
      case ARROW -> writeIpc(reader, out, allocator, limit);
      case CSV, PARQUET -> writeWithDuckDb(reader, format, out, allocator, limit);
    };
  }

  private static long writeIpc(ArrowReader reader, Path out, BufferAllocator allocator, long limit)
      throws IOException {
    VectorSchemaRoot root = reader.getVectorSchemaRoot();
    long rows = 0;
    try (FileChannel channel =
            FileChannel.open(
                out,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        VectorSchemaRoot writing = VectorSchemaRoot.create(root.getSchema(), allocator);
        ArrowWriter writer = new ArrowFileWriter(writing, null, channel)) {
      writer.start();
      while (rows < limit && reader.loadNextBatch()) {
        int take = (int) Math.min(root.getRowCount(), limit - rows);
        root.setRowCount(take);
        try (var batch = new VectorUnloader(root).getRecordBatch()) {
          new org.apache.arrow.vector.VectorLoader(writing).load(batch);
        }
        writer.writeBatch();
        rows += take;
      }
      writer.end();
    }
    return rows;
  }

  private static long writeWithDuckDb(
      ArrowReader reader, Format format, Path out, BufferAllocator allocator, long limit)
      throws SQLException, IOException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      statement.execute("SET TimeZone = 'UTC'");
      Data.exportArrayStream(allocator, reader, stream);
      connection.unwrap(DuckDBConnection.class).registerArrowStream("download", stream);
      String query = "SELECT * FROM download" + (limit < Long.MAX_VALUE ? " LIMIT " + limit : "");
      String options = format == Format.PARQUET ? "FORMAT parquet" : "FORMAT csv, HEADER true";
      Path target = out.toAbsolutePath();
      statement.execute("COPY (" + query + ") TO " + literal(target) + " (" + options + ")");
      try (ResultSet count =
          statement.executeQuery(
              format == Format.PARQUET
                  ? "SELECT COUNT(*) FROM read_parquet(" + literal(target) + ")"
                  : "SELECT COUNT(*) FROM read_csv(" + literal(target) + ", header = true)")) {
        count.next();
        return count.getLong(1);
      }
    }
  }

  /** Writes CSV to a stream (stdout) from Arrow batches without a temporary file. */
  public static long writeCsv(ArrowReader reader, OutputStream out, long limit) throws IOException {
    var writer =
        new java.io.PrintWriter(
            new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8));
    VectorSchemaRoot root = reader.getVectorSchemaRoot();
    List<String> header = new ArrayList<>();
    for (Field field : root.getSchema().getFields()) {
      header.add(csv(field.getName()));
    }
    writer.println(String.join(",", header));
    long rows = 0;
    while (rows < limit && reader.loadNextBatch()) {
      for (int row = 0; row < root.getRowCount() && rows < limit; row++, rows++) {
        List<String> cells = new ArrayList<>();
        for (var vector : root.getFieldVectors()) {
          Object value = vector.getObject(row);
          cells.add(value == null ? "" : csv(value.toString()));
        }
        writer.println(String.join(",", cells));
      }
    }
    writer.flush();
    return rows;
  }

  private static String csv(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }

  static String literal(Path file) {
    return DuckDbSql.literal(file.toString());
  }

  private FileFormats() {}
}
