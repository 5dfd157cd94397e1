package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.cli.data.DataClient;
import io.relspec.cli.examples.CodeAnatomyGenerator;
import io.relspec.executor.ExecutorNode;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Flight SQL with the real Arrow Flight SQL JDBC driver against standalone, over the code-anatomy
 * example: what a SQL tool lists, what a query returns (checked against the same SQL on DuckDB over
 * the same data), prepared statements, refusals as Flight statuses, and a run pin.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDataDirectory.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlightSqlJdbcTest {
  private static final int FILES = 40;
  private static final String JOIN =
      """
      SELECT h.rel_path, h.hotspot_rank, m.definitions, m.calls, h.score
      FROM hotspots AS h
      JOIN file_metrics AS m ON m.file_id = h.file_id
      WHERE h.hotspot_rank <= 10""";

  @Inject ExecutorNode executor;

  private static Path work;
  private static String firstRun;
  private String token;
  private StandaloneHarness harness;

  @BeforeEach
  void loadOnce() throws Exception {
    harness = new StandaloneHarness(executor.flightUri());
    token = harness.token();
    if (firstRun != null) {
      return;
    }
    work = Files.createTempDirectory("flight-sql-test");
    Path bundle = work.resolve("code-anatomy");
    StandaloneHarness.copy(Path.of("..", "examples", "code-anatomy"), bundle);
    harness.cli("bundle", "push", bundle.toString());
    Path data = work.resolve("base");
    try (RootAllocator allocator = new RootAllocator()) {
      CodeAnatomyGenerator.write(
          new CodeAnatomyGenerator.Options(FILES, 11, 0, 0, CodeAnatomyGenerator.Variant.BASE),
          data,
          allocator);
    }
    Files.write(
        work.resolve("to-delete.txt"),
        CodeAnatomyGenerator.change(
                new CodeAnatomyGenerator.Options(
                    FILES, 11, 0, 0.1, CodeAnatomyGenerator.Variant.CHANGES))
            .deleted());
    harness.cli("data", "put", "--dir", data.toString());
    assertThat(harness.cli("run", "--full", "--wait")).contains("SUCCEEDED");
    firstRun = harness.api().get("api/v1/runs").get(0).path("runId").asText();
  }

  @Test
  @Order(1)
  void aSqlToolListsEveryDatasetAndViewWithItsColumns() throws Exception {
    try (Connection connection = connect("")) {
      DatabaseMetaData metadata = connection.getMetaData();
      Map<String, String> tables = new TreeMap<>();
      try (ResultSet rows = metadata.getTables(null, null, "%", null)) {
        while (rows.next()) {
          tables.put(rows.getString("TABLE_NAME"), rows.getString("TABLE_TYPE"));
        }
      }
      assertThat(tables)
          .containsEntry("hotspots", "TABLE")
          .containsEntry("file_metrics", "TABLE")
          .containsEntry("cpg_edges", "TABLE")
          .containsEntry("files", "TABLE")
          .containsEntry("norm_files", "VIEW");
      for (String source : CodeAnatomyGenerator.DATASETS) {
        assertThat(tables).containsKey(source);
      }
      List<String> columns = new ArrayList<>();
      try (ResultSet rows = metadata.getColumns(null, null, "hotspots", "%")) {
        while (rows.next()) {
          columns.add(rows.getString("COLUMN_NAME"));
        }
      }
      assertThat(columns)
          .containsExactly(
              "file_id",
              "rel_path",
              "definitions",
              "calls",
              "errors",
              "fan_in",
              "score",
              "hotspot_rank");
      List<String> viewColumns = new ArrayList<>();
      try (ResultSet rows = metadata.getColumns(null, null, "norm_files", "%")) {
        while (rows.next()) {
          viewColumns.add(rows.getString("COLUMN_NAME"));
        }
      }
      assertThat(viewColumns).startsWith("file_id", "file_node", "rel_path");
      try (ResultSet rows = metadata.getTableTypes()) {
        List<String> types = new ArrayList<>();
        while (rows.next()) {
          types.add(rows.getString(1));
        }
        assertThat(types).containsExactly("TABLE", "VIEW");
      }
      assertThat(metadata.isReadOnly()).isTrue();
      assertThat(metadata.getDatabaseProductName()).isEqualTo("Relspec");
    }
  }

  @Test
  @Order(2)
  void aJoinOfTwoOutputsReturnsWhatDuckDbReturnsForTheSameSql() throws Exception {
    ResultRows actual;
    try (Connection connection = connect("");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(JOIN)) {
      actual = ResultRows.of(rows);
    }
    ResultRows expected = onDuckDb(JOIN, "hotspots", "file_metrics");
    assertThat(expected.size()).as("the oracle returns rows").isGreaterThanOrEqualTo(10);
    assertThat(expected.difference(actual)).isNull();

    // A view (norm_files) calling a catalog function (stable_id) is bound with its own SQL.
    try (Connection connection = connect("");
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT count(*), count(DISTINCT file_node) FROM norm_files")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(1)).isEqualTo(FILES);
      assertThat(rows.getLong(2)).isEqualTo(FILES);
    }
  }

  @Test
  @Order(3)
  void aPreparedStatementTakesParameters() throws Exception {
    String literal =
        "SELECT rel_path, hotspot_rank FROM hotspots WHERE hotspot_rank <= 3 AND rel_path LIKE '%'";
    ResultRows expected;
    try (Connection connection = connect("");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(literal)) {
      expected = ResultRows.of(rows);
    }
    assertThat(expected.size()).isGreaterThanOrEqualTo(3);
    try (Connection connection = connect("");
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT rel_path, hotspot_rank FROM hotspots"
                    + " WHERE hotspot_rank <= ? AND rel_path LIKE ?")) {
      statement.setInt(1, 3);
      statement.setString(2, "%");
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(expected.difference(ResultRows.of(rows))).isNull();
      }
      statement.setInt(1, 1);
      statement.setString(2, "%");
      try (ResultSet rows = statement.executeQuery()) {
        ResultRows top = ResultRows.of(rows);
        assertThat(top.size()).isBetween(1, expected.size() - 1);
      }
    }
  }

  @Test
  @Order(3)
  void relspecSqlPrintsATableAndWritesFiles() throws Exception {
    String table =
        harness.cli("sql", "SELECT count(*) AS files, max(hotspot_rank) AS worst FROM hotspots");
    assertThat(table).contains("files", "worst", String.valueOf(FILES), "(1 of 1 rows)");
    Path csv = work.resolve("top.csv");
    String written =
        harness.cli(
            "sql",
            "SELECT rel_path, hotspot_rank FROM hotspots ORDER BY hotspot_rank, rel_path LIMIT 5",
            "--format",
            "csv",
            "-o",
            csv.toString());
    assertThat(written).contains("5 rows written");
    assertThat(Files.readAllLines(csv)).hasSize(6).first().asString().contains("rel_path");
    assertThat(harness.cliFailure("sql", "DROP TABLE hotspots")).contains("INVALID_ARGUMENT");
  }

  @Test
  @Order(4)
  void everyRefusalIsAFlightStatusAndTheServiceKeepsAnswering() throws Exception {
    assertThatThrownBy(() -> query(url("", null), "SELECT 1"))
        .satisfies(e -> assertThat(causes(e)).contains("UNAUTHENTICATED"));
    assertThatThrownBy(() -> query(url("", "not-a-token"), "SELECT 1"))
        .satisfies(e -> assertThat(causes(e)).contains("UNAUTHENTICATED", "invalid API token"));
    String ownUrl = url("", token);
    Map<String, String> refused = new TreeMap<>();
    refused.put("CREATE TABLE stolen AS SELECT * FROM hotspots", "INVALID_ARGUMENT");
    refused.put("COPY hotspots TO '/tmp/relspec-stolen.csv'", "INVALID_ARGUMENT");
    refused.put("SELECT * FROM read_csv('/etc/passwd')", "INVALID_ARGUMENT");
    refused.put("SELECT 1; SELECT 2", "INVALID_ARGUMENT");
    refused.put("SELECT * FROM relspec_meta.versions", "NOT_FOUND");
    refused.put("SELECT no_such_column FROM hotspots", "INVALID_ARGUMENT");
    for (Map.Entry<String, String> sql : refused.entrySet()) {
      assertThatThrownBy(() -> query(ownUrl, sql.getKey()))
          .as(sql.getKey())
          .satisfies(e -> assertThat(causes(e)).as(sql.getKey()).contains(sql.getValue()));
    }
    assertThat(Files.exists(Path.of("/tmp/relspec-stolen.csv"))).isFalse();
    // A query past the deadline the connection asked for is stopped by the server (Flight Java
    // names gRPC's DEADLINE_EXCEEDED TIMED_OUT).
    assertThatThrownBy(
            () ->
                query(
                    url("&relspec-query-timeout=1", token),
                    "SELECT sum(hash(i)) FROM range(100000000000) AS t(i)"))
        .satisfies(e -> assertThat(causes(e)).contains("TIMED_OUT", "deadline of 1000 ms"));
    assertThat(query(ownUrl, "SELECT count(*) FROM hotspots")).isEqualTo((long) FILES);
  }

  @Test
  @Order(5)
  void aRunPinSeesTheVersionsThatRunWroteWhileNewerOnesExist() throws Exception {
    long before = query(url("", token), "SELECT count(*) FROM file_metrics");
    List<String> deleted = Files.readAllLines(work.resolve("to-delete.txt"));
    assertThat(deleted).isNotEmpty();
    for (String dataset : CodeAnatomyGenerator.DATASETS) {
      harness.cli(
          "data", "delete-files", dataset, "--from", work.resolve("to-delete.txt").toString());
    }
    assertThat(harness.cli("run", "--incremental", "--wait")).contains("SUCCEEDED");
    assertThat(query(url("", token), "SELECT count(*) FROM file_metrics"))
        .isEqualTo(before - deleted.size());
    assertThat(query(url("&relspec-run=" + firstRun, token), "SELECT count(*) FROM file_metrics"))
        .as("pinned to the first run")
        .isEqualTo(before);
    assertThatThrownBy(() -> query(url("&relspec-run=no-such-run", token), "SELECT 1"))
        .satisfies(e -> assertThat(causes(e)).contains("NOT_FOUND", "no-such-run"));
    // Both runs used one plan catalog: pinning it reads its newest succeeded run, the second.
    String planCatalog =
        harness.api().get("api/v1/runs/" + firstRun).path("planCatalogId").asText();
    assertThat(
            query(
                url("&relspec-snapshot=" + planCatalog, token),
                "SELECT count(*) FROM file_metrics"))
        .isEqualTo(before - deleted.size());
    assertThatThrownBy(() -> query(url("&relspec-snapshot=no-such-snapshot", token), "SELECT 1"))
        .satisfies(e -> assertThat(causes(e)).contains("NOT_FOUND", "no-such-snapshot"));
    assertThat(
            harness.cli(
                "sql",
                "SELECT count(*) AS metrics FROM file_metrics",
                "--run",
                firstRun,
                "--format",
                "csv",
                "-o",
                work.resolve("pinned.csv").toString()))
        .contains("1 rows written");
    assertThat(Files.readAllLines(work.resolve("pinned.csv")))
        .containsExactly("metrics", String.valueOf(before));
  }

  // ---------------------------------------------------------------- helpers

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(url(options, token));
  }

  private String url(String options, String withToken) {
    URI flight = URI.create(executor.flightUri());
    return "jdbc:arrow-flight-sql://localhost:"
        + flight.getPort()
        + "/?useEncryption=false"
        + (withToken == null ? "" : "&token=" + withToken)
        + options;
  }

  /** The single number a query returns. */
  private static long query(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).isTrue();
      return rows.getLong(1);
    }
  }

  /** The oracle: {@code sql} on an in-memory DuckDB holding the same datasets, read over Flight. */
  private ResultRows onDuckDb(String sql, String... datasets) throws Exception {
    try (DuckDBConnection duckdb = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        DataClient data = new DataClient(URI.create(executor.flightUri()), token)) {
      BufferAllocator allocator = data.allocator();
      for (String dataset : datasets) {
        try (FlightStream stream = data.get(dataset, null);
            ArrowReader reader = new CopiedReader(allocator, stream);
            ArrowArrayStream exported = ArrowArrayStream.allocateNew(allocator);
            Statement statement = duckdb.createStatement()) {
          Data.exportArrayStream(allocator, reader, exported);
          duckdb.registerArrowStream("incoming_" + dataset, exported);
          statement.execute("CREATE TABLE " + dataset + " AS SELECT * FROM incoming_" + dataset);
        }
      }
      try (Statement statement = duckdb.createStatement();
          ResultSet rows = statement.executeQuery(sql)) {
        return ResultRows.of(rows);
      }
    }
  }

  /** A Flight stream read as an ArrowReader, batch by batch. */
  private static final class CopiedReader extends ArrowReader {
    private final FlightStream stream;

    CopiedReader(BufferAllocator allocator, FlightStream stream) {
      super(allocator);
      this.stream = stream;
    }

    @Override
    public boolean loadNextBatch() {
      if (!stream.next()) {
        return false;
      }
      VectorSchemaRoot incoming = stream.getRoot();
      try (ArrowRecordBatch batch = new VectorUnloader(incoming).getRecordBatch()) {
        loadRecordBatch(batch);
      }
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
      return stream.getSchema();
    }
  }

  /** Every message of an exception's cause chain, to find the Flight status the driver wraps. */
  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      text.append(cause).append('\n');
    }
    return text.toString();
  }
}
