package io.relspec.standalone;

import static io.relspec.contracts.duckdb.DuckDbSql.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.examples.TpchGenerator;
import io.relspec.contracts.duckdb.DuckDbTypes;
import io.relspec.contracts.messaging.RelspecJson;
import io.trino.tpcds.Results;
import io.trino.tpcds.Session;
import io.trino.tpcds.Table;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The differential corpus and its oracle. Queries nobody here wrote: the 22 TPC-H and 99 TPC-DS
 * queries in DuckDB's dialect (copied unchanged from DuckDB's repository, see {@code
 * differential/corpus/README.md}) and the 50 faithfulness cases over a small shop. Their tables are
 * generated in process (io.trino.tpch, io.trino.tpcds) into an in-memory DuckDB, the oracle, where
 * each query runs as written; the same tables are written as Parquet for upload, and a bundle
 * directory registers every query as a task.
 *
 * <p>TPC-H and TPC-DS both have a table named {@code customer}, so the TPC-H tables live in the
 * namespace {@code tpch} ({@code tpch.lineitem}, a DuckDB schema in the oracle) and the TPC-H
 * queries name them qualified: each table reference DuckDB's parser finds is prefixed, nothing else
 * of the text changes.
 */
final class DifferentialCorpus implements AutoCloseable {
  static final String RESOURCES = "/differential/";
  private static final Set<String> TPCH_TABLES =
      Set.of("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier");

  private final Connection oracle;

  /** Task name (as the bundle registers it) → SQL as registered. */
  private final Map<String, String> tasks = new TreeMap<>();

  private DifferentialCorpus(Connection oracle) {
    this.oracle = oracle;
  }

  /** Generates every table at {@code scale} into a fresh oracle and loads the queries. */
  static DifferentialCorpus generate(double scale) throws Exception {
    DifferentialCorpus corpus =
        new DifferentialCorpus(new DuckDBDriver().connect("jdbc:duckdb:", new Properties()));
    corpus.loadTpcds(scale);
    corpus.loadTpch(scale);
    corpus.loadShop();
    return corpus;
  }

  /** The oracle: an in-memory DuckDB holding every table. */
  Connection oracle() {
    return oracle;
  }

  Map<String, String> tasks() {
    return tasks;
  }

  // ------------------------------------------------------------------ tables

  private void loadTpcds(double scale) throws Exception {
    Session session = Session.getDefaultSession().withScale(scale).withParallelism(1);
    for (String file : resourceNames("corpus/tpcds/schema")) {
      String table = file.replace(".sql", "");
      execute(resource("corpus/tpcds/schema/" + file));
      List<String> columns = columns(table);
      execute(
          "CREATE TEMP TABLE stage ("
              + String.join(", ", columns.stream().map(c -> quote(c) + " VARCHAR").toList())
              + ")");
      try (DuckDBAppender appender =
          oracle.unwrap(DuckDBConnection.class).createAppender("temp", "main", "stage")) {
        for (List<List<String>> rows : Results.constructResults(Table.getTable(table), session)) {
          List<String> row = rows.get(0);
          if (row.size() != columns.size()) {
            throw new IllegalStateException(
                table + ": generator gives " + row.size() + " columns, DDL " + columns.size());
          }
          appender.beginRow();
          for (String value : row) {
            if (value == null) {
              appender.appendNull();
            } else {
              appender.append(value);
            }
          }
          appender.endRow();
        }
      }
      execute("INSERT INTO " + quote(table) + " SELECT * FROM temp.stage");
      execute("DROP TABLE temp.stage");
    }
    for (String file : resourceNames("corpus/tpcds/queries")) {
      tasks.put("tpcds.q" + file.replace(".sql", ""), resource("corpus/tpcds/queries/" + file));
    }
  }

  private void loadTpch(double scale) throws Exception {
    Path dir = Files.createTempDirectory("relspec-tpch");
    execute("CREATE SCHEMA tpch");
    try (RootAllocator allocator = new RootAllocator()) {
      TpchGenerator.write(scale, dir, allocator);
      for (String table : new TreeSet<>(TPCH_TABLES)) {
        Path file = dir.resolve(table + ".arrow");
        try (ArrowFileReader reader =
                new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), allocator);
            ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
          Data.exportArrayStream(allocator, reader, stream);
          oracle.unwrap(DuckDBConnection.class).registerArrowStream("load_" + table, stream);
          execute("CREATE TABLE tpch." + table + " AS SELECT * FROM load_" + table);
        }
        Files.delete(file);
      }
    }
    Files.delete(dir);
    for (String file : resourceNames("corpus/tpch/queries")) {
      String sql = qualifyTpchTables(resource("corpus/tpch/queries/" + file));
      tasks.put("tpch." + file.replace(".sql", ""), sql);
    }
  }

  /** The shop of the faithfulness cases, with the catalog function they call. */
  private void loadShop() throws Exception {
    execute(
        "CREATE TABLE orders (id BIGINT NOT NULL, customer_id BIGINT, amount DECIMAL(10,2),"
            + " status VARCHAR, ordered_at TIMESTAMP, file_id VARCHAR NOT NULL)");
    execute(
        "INSERT INTO orders VALUES"
            + " (1, 1, 12.50, 'paid', TIMESTAMP '2026-01-05 10:00:00', 'f1'),"
            + " (2, 1, 30.00, 'open', TIMESTAMP '2026-02-11 09:30:00', 'f1'),"
            + " (3, 2, NULL, 'paid', TIMESTAMP '2026-02-12 17:45:00', 'f2'),"
            + " (4, 3, 7.25, NULL, NULL, 'f2'),"
            + " (5, NULL, 20.00, 'cancelled', TIMESTAMP '2026-03-01 00:00:00', 'f3'),"
            + " (6, 2, 45.10, 'paid', TIMESTAMP '2026-03-02 12:00:00', 'f3'),"
            + " (7, 3, 20.00, 'open', TIMESTAMP '2026-01-20 08:15:00', 'f1')");
    execute(
        "CREATE TABLE items (order_id BIGINT NOT NULL, sku VARCHAR NOT NULL, qty INTEGER,"
            + " price DOUBLE, file_id VARCHAR NOT NULL)");
    execute(
        "INSERT INTO items VALUES (1, 'apple', 3, 1.5, 'f1'), (1, 'pear', 1, 2.25, 'f1'),"
            + " (2, 'apple', 5, 1.5, 'f1'), (3, 'melon', 2, 4.0, 'f2'), (6, 'kiwi', NULL, 0.5,"
            + " 'f3'), (6, 'apple', 7, 1.25, 'f3'), (7, 'fig', 4, NULL, 'f1')");
    execute("CREATE TABLE customers (id BIGINT NOT NULL, name VARCHAR, region VARCHAR)");
    execute(
        "INSERT INTO customers VALUES (1, 'Ada', 'north'), (2, 'bob', 'south'),"
            + " (3, 'Alan', 'north'), (4, NULL, 'east'), (5, 'Cleo', NULL)");
    execute("CREATE MACRO cents(amount) AS CAST(amount * 100 AS BIGINT)");
    String text = resource("faithfulness.sql");
    int n = 0;
    for (String block : text.split("(?m)^-- case: ")) {
      if (!block.isBlank()) {
        String sql = block.substring(block.indexOf('\n') + 1).strip();
        tasks.put("faithful.c%02d".formatted(++n), sql);
      }
    }
  }

  /**
   * Prefixes every reference to a TPC-H table with {@code tpch.}, at the byte offset where DuckDB's
   * parser found it (CTE names and everything else stay as written).
   */
  private String qualifyTpchTables(String sql) throws Exception {
    JsonNode tree;
    try (PreparedStatement statement =
        oracle.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      statement.setString(1, sql);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        tree = RelspecJson.mapper().readTree(rows.getString(1));
      }
    }
    List<Integer> offsets = new ArrayList<>();
    tree.findParents("table_name")
        .forEach(
            node -> {
              if ("BASE_TABLE".equals(node.path("type").asText())
                  && node.path("schema_name").asText().isEmpty()
                  && TPCH_TABLES.contains(
                      node.path("table_name").asText().toLowerCase(Locale.ROOT))) {
                offsets.add(node.path("query_location").asInt());
              }
            });
    offsets.sort(Comparator.reverseOrder());
    byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(new String(bytes, StandardCharsets.UTF_8));
    for (int offset : offsets) {
      // The queries are ASCII, so byte offsets are character offsets.
      out.insert(offset, "tpch.");
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ bundle and uploads

  /**
   * Writes the bundle directory: every table as a dataset contract (from the oracle's column types
   * and NOT NULL constraints), the {@code cents} function, and every query as a task.
   */
  void writeBundle(Path bundle) throws Exception {
    Files.createDirectories(bundle);
    Files.writeString(
        bundle.resolve("bundle.yaml"), "name: differential\nversion: \"1\"\ndomain: corpus\n");
    for (Map.Entry<String, String> table : tables().entrySet()) {
      List<Map<String, Object>> fields = new ArrayList<>();
      try (Statement statement = oracle.createStatement();
          ResultSet rows = statement.executeQuery("DESCRIBE " + table.getValue())) {
        while (rows.next()) {
          Map<String, Object> field = new LinkedHashMap<>();
          field.put("name", rows.getString("column_name"));
          field.put("type", DuckDbTypes.toArrow(rows.getString("column_type")).toString());
          field.put("nullable", "YES".equals(rows.getString("null")));
          fields.add(field);
        }
      }
      write(
          bundle.resolve("datasets").resolve(table.getKey().replace('.', '/') + ".json"),
          RelspecJson.write(Map.of("schema", Map.of("fields", fields))));
    }
    write(
        bundle.resolve("functions/cents.json"),
        "{\"parameters\":[{\"name\":\"amount\",\"type\":\"decimal(10,2)\"}],"
            + "\"returns\":\"int64\",\"expression\":\"CAST(amount * 100 AS BIGINT)\"}");
    for (Map.Entry<String, String> task : tasks.entrySet()) {
      write(
          bundle.resolve("tasks").resolve(task.getKey().replace('.', '/') + ".sql"),
          task.getValue());
    }
  }

  /**
   * Writes every table as {@code <dataset>.parquet}, the name {@code relspec data put --dir} reads.
   */
  void writeParquet(Path directory) throws Exception {
    Files.createDirectories(directory);
    for (Map.Entry<String, String> table : tables().entrySet()) {
      Path file = directory.resolve(table.getKey() + ".parquet");
      execute("COPY " + table.getValue() + " TO '" + file.toAbsolutePath() + "' (FORMAT parquet)");
    }
  }

  /** Dataset name → how the oracle names the table. */
  Map<String, String> tables() throws SQLException {
    Map<String, String> tables = new TreeMap<>();
    try (Statement statement = oracle.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary")) {
      while (rows.next()) {
        String schema = rows.getString(1);
        String table = rows.getString(2);
        tables.put(
            "main".equals(schema) ? table : schema + "." + table,
            "main".equals(schema) ? quote(table) : schema + "." + quote(table));
      }
    }
    return tables;
  }

  // ------------------------------------------------------------------ the oracle

  /** The query run directly on the oracle, rows as {@link ResultRows} reads them. */
  ResultRows expected(String task) throws SQLException {
    try (Statement statement = oracle.createStatement();
        ResultSet rows = statement.executeQuery(tasks.get(task))) {
      return ResultRows.of(rows);
    }
  }

  private List<String> columns(String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Statement statement = oracle.createStatement();
        ResultSet rows = statement.executeQuery("DESCRIBE " + quote(table))) {
      while (rows.next()) {
        columns.add(rows.getString("column_name"));
      }
    }
    return columns;
  }

  private void execute(String sql) throws SQLException {
    try (Statement statement = oracle.createStatement()) {
      statement.execute(sql);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static String resource(String name) throws IOException {
    try (var in = DifferentialCorpus.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("no test resource " + RESOURCES + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The files of a resource directory, sorted (test resources are a directory on disk). */
  private static List<String> resourceNames(String directory) throws Exception {
    Path dir = Path.of(DifferentialCorpus.class.getResource(RESOURCES + directory).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public void close() throws SQLException {
    oracle.close();
  }
}
