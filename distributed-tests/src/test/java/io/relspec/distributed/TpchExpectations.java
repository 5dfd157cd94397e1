package io.relspec.distributed;

import io.relspec.cli.data.DataClient;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.duckdb.DuckDBConnection;

/**
 * The TPC-H example's queries run directly on an in-memory DuckDB over the same generated tables,
 * with the bundle's intermediate tasks as views: the answers Relspec must reproduce. Rows are
 * compared as sorted strings; floating-point values are rounded to cents after 12 significant
 * digits, since two plans may add the same doubles in a different order.
 */
final class TpchExpectations implements AutoCloseable {
  /** The bundle's non-query tasks, in dependency order. */
  private static final List<String> INTERMEDIATES =
      List.of(
          "priced_lineitem",
          "nation_region",
          "customer_orders",
          "supplier_nation",
          "supplier_revenue");

  private final Path bundle;
  private final Connection duckdb;

  TpchExpectations(Path bundle, Path tables) throws Exception {
    this.bundle = bundle;
    this.duckdb = DriverManager.getConnection("jdbc:duckdb:");
    try (RootAllocator allocator = new RootAllocator();
        Statement statement = duckdb.createStatement()) {
      try (var files = Files.list(tables)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".arrow")).sorted().toList()) {
          String table = file.getFileName().toString().replace(".arrow", "");
          try (ArrowFileReader reader =
                  new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), allocator);
              ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
            Data.exportArrayStream(allocator, reader, stream);
            duckdb.unwrap(DuckDBConnection.class).registerArrowStream("load_" + table, stream);
            statement.execute("CREATE TABLE " + table + " AS SELECT * FROM load_" + table);
          }
        }
      }
      for (String view : INTERMEDIATES) {
        statement.execute("CREATE VIEW " + view + " AS " + sql(view));
      }
    }
  }

  List<String> rows(String task) throws Exception {
    return rowsOf(sql(task));
  }

  /** Any SQL over the generated tables and the bundle's intermediate views, rendered and sorted. */
  List<String> rowsOf(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement statement = duckdb.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int c = 1; c <= columns; c++) {
          row.append(render(result.getObject(c))).append('|');
        }
        rows.add(row.toString());
      }
    }
    rows.sort(null);
    return rows;
  }

  /** A dataset's newest version from an executor, rendered like {@link #rows}. */
  static List<String> fetch(URI flight, String token, String dataset) throws Exception {
    try (DataClient data = new DataClient(flight, token);
        FlightStream stream = data.get(dataset, null)) {
      return rendered(stream);
    }
  }

  /** A Flight SQL query's result from an executor, rendered like {@link #rows}. */
  static List<String> query(URI flight, String token, String sql) throws Exception {
    try (DataClient data = new DataClient(flight, token);
        FlightStream stream = data.sql(sql, java.util.Map.of())) {
      return rendered(stream);
    }
  }

  private static List<String> rendered(FlightStream stream) {
    List<String> rows = new ArrayList<>();
    {
      while (stream.next()) {
        for (int r = 0; r < stream.getRoot().getRowCount(); r++) {
          StringBuilder row = new StringBuilder();
          for (FieldVector vector : stream.getRoot().getFieldVectors()) {
            Object value = vector.getObject(r);
            if (vector instanceof DateDayVector && value != null) {
              value = LocalDate.ofEpochDay(((Number) value).longValue());
            }
            row.append(render(value)).append('|');
          }
          rows.add(row.toString());
        }
      }
    }
    rows.sort(null);
    return rows;
  }

  private String sql(String task) throws Exception {
    return Files.readString(bundle.resolve("tasks").resolve(task + ".sql"));
  }

  static String render(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      BigDecimal exact =
          value instanceof BigDecimal decimal
              ? decimal
              : new BigDecimal(((Number) value).doubleValue());
      return exact.round(new MathContext(12)).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate().toString();
    }
    if (value instanceof LocalDateTime time) {
      return time.toLocalDate().toString();
    }
    if (value instanceof LocalDate date) {
      return date.toString();
    }
    return value.toString();
  }

  @Override
  public void close() throws Exception {
    duckdb.close();
  }
}
