package io.relspec.bench;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.executor.flight.FlightEndpointServer;
import io.relspec.executor.flight.FlightFetcher;
import io.relspec.executor.flightsql.FlightSqlService;
import io.relspec.executor.flightsql.QueryNames;
import io.relspec.executor.store.DatasetStore;
import io.relspec.executor.store.TaskQuery;
import io.relspec.platform.security.ApiTokens;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.arrow.driver.jdbc.ArrowFlightJdbcDriver;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * The executor's data-plane figures, each beside its baseline measured in the same run:
 *
 * <ul>
 *   <li>Flight DoPut and DoGet of N rows × (int64, float64, utf8) over loopback, against an
 *       in-process Arrow IPC write + read of the same batches;
 *   <li>a full scan of the same dataset through Flight SQL, with Arrow's Flight SQL client and with
 *       the Flight SQL JDBC driver (every value read), against DoGet;
 *   <li>a file-scoped write of 1% of the file ids of a file-partitioned 10M-row output, in a store
 *       keeping one version and in one keeping two (the previous version stays readable: its rows
 *       are ended, not copied), against the same task rewriting the whole output;
 *   <li>a task through the store (pinned input, cast to the plan's schema, new version, row and
 *       size count, commit), and the same task with its input fetched from another executor over
 *       Flight, against the same SQL as one {@code CREATE TABLE AS} on DuckDB directly.
 * </ul>
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.relspec.bench.ExecutorBench [rows]
 * [repetitions] [results.md]}. Medians, minima and maxima over the repetitions are written to the
 * results file as a Markdown table.
 *
 * <p>Over 400 lines on purpose: a harness for figure 6: each row's setup, measurement and baseline
 * in the same run, then the table.
 */
public final class ExecutorBench {
  private static final String TOKEN = "bench-token-0123456789abcdef";
  private static final DatasetName ROWS = DatasetName.of("bench_rows");
  private static final String TASK_SQL =
      "SELECT id % 1000 AS k, SUM(x) AS total, COUNT(*) AS n, MAX(s) AS last"
          + " FROM \"bench_rows\" GROUP BY k";

  private ExecutorBench() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path results = Path.of(args.length > 2 ? args[2] : "bench/target/executor-bench.md");
    Path work = Files.createTempDirectory("relspec-executor-bench");
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    long bodyBytes;
    try (BufferAllocator allocator = new RootAllocator();
        DatasetStore source = store(work.resolve("source"), allocator);
        DatasetStore target = store(work.resolve("target"), allocator);
        DatasetStore remote = store(work.resolve("remote"), allocator);
        DatasetStore ingested = store(work.resolve("ingested"), allocator);
        DatasetStore keepsTwo =
            DatasetStore.open(
                work.resolve("keeps-two"), new DatasetStore.Settings("4GB", 2, 2), allocator);
        // The same input with the rows of each file together, as per-file uploads store them.
        DatasetStore clustered =
            DatasetStore.open(
                work.resolve("clustered"), new DatasetStore.Settings("4GB", 2, 2), allocator);
        FlightFetcher fetcher =
            new FlightFetcher(allocator, Optional.of(TOKEN), Optional.empty(), 64 << 20);
        FlightEndpointServer server =
            new FlightEndpointServer(
                FlightEndpointServer.Options.loopback("bench-target"),
                target,
                allocator,
                tokens(),
                dataset -> Optional.of(contract()),
                () -> {},
                new FlightEndpointServer.SqlService(
                    new QueryNames(target, "bench-target", Optional.empty()),
                    fetcher,
                    new FlightSqlService.Limits(
                        Duration.ofMinutes(10),
                        Long.MAX_VALUE,
                        Long.MAX_VALUE,
                        10_000,
                        10,
                        65_536)));
        FlightClient client =
            FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", server.port()))
                .build()) {
      CallOption auth = new CredentialCallOption(new BearerCredentialWriter(TOKEN));
      source.replace(
          TaskQuery.of(
              ROWS,
              "SELECT range::BIGINT AS id, (range * 0.5)::DOUBLE AS x, 'value-' || range AS s FROM range("
                  + rows
                  + ")"));
      bodyBytes = ipcRoundTrip(source, allocator);
      for (DatasetStore store : List.of(source, keepsTwo, clustered)) {
        String file =
            store == clustered
                ? "range // " + Math.max(1, rows / FILE_COUNT)
                : "range % " + FILE_COUNT;
        store.replace(
            TaskQuery.of(
                FILES_INPUT,
                "SELECT 'f' || lpad(("
                    + file
                    + ")::VARCHAR, 5, '0') AS file_id, range::BIGINT AS id,"
                    + " (range * 0.5)::DOUBLE AS x FROM range("
                    + rows
                    + ")"));
        store.replace(filesTask(store));
      }
      System.out.printf(Locale.ROOT, "%,d rows, %.1f MB of Arrow buffers%n", rows, bodyBytes / 1e6);
      for (int repetition = 1; repetition <= repetitions; repetition++) {
        time(seconds, "ipc", () -> ipcRoundTrip(source, allocator));
        time(seconds, "doput", () -> doPut(source, client, auth, allocator));
        time(seconds, "ingest", () -> ingest(source, ingested, allocator));
        time(seconds, "doget", () -> doGet(client, auth));
        time(seconds, "flight_sql", () -> flightSql(client, auth));
        time(seconds, "jdbc", () -> jdbc(server.port()));
        time(seconds, "rewrite", () -> source.replace(filesTask(source)));
        time(seconds, "scoped_in_place", () -> scopedWrite(source));
        time(seconds, "scoped_copy", () -> scopedWrite(keepsTwo));
        time(seconds, "rewrite_clustered", () -> clustered.replace(filesTask(clustered)));
        time(seconds, "scoped_clustered", () -> scopedWrite(clustered));
        time(seconds, "aggregate_rewrite", () -> aggregate(clustered, false));
        time(seconds, "aggregate_partials_kept", () -> aggregate(clustered, true));
        time(seconds, "aggregate_merged", () -> mergeAggregate(clustered));
        time(seconds, "direct", () -> direct(source));
        time(seconds, "task", () -> task(source, TaskQuery.Local::new));
        time(
            seconds,
            "task_fetched",
            () -> {
              ArrowReader fetched = fetcher.fetch(server.advertisedUri(), ROWS, null);
              task(remote, (dataset, version) -> new TaskQuery.Imported(dataset, fetched));
            });
        System.out.printf(Locale.ROOT, "repetition %d: %s%n", repetition, last(seconds));
      }
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    String table = table(rows, repetitions, bodyBytes, seconds);
    Files.createDirectories(results.toAbsolutePath().getParent());
    Files.writeString(results, table);
    System.out.println(table);
    System.out.println("written to " + results);
  }

  private interface Timed {
    void run() throws Exception;
  }

  private static void time(Map<String, List<Double>> seconds, String name, Timed work)
      throws Exception {
    long started = System.nanoTime();
    work.run();
    seconds
        .computeIfAbsent(name, key -> new ArrayList<>())
        .add((System.nanoTime() - started) / 1e9);
  }

  private static DatasetStore store(Path directory, BufferAllocator allocator) throws Exception {
    return DatasetStore.open(directory, new DatasetStore.Settings("4GB", 2, 1), allocator);
  }

  /** Writes the dataset's batches as an Arrow IPC stream in memory and reads them back. */
  private static long ipcRoundTrip(DatasetStore source, BufferAllocator allocator)
      throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    long body = 0;
    try (DatasetStore.Export export = source.export(ROWS, null, null, allocator, 65_536);
        ArrowStreamWriter writer =
            new ArrowStreamWriter(export.reader().getVectorSchemaRoot(), null, buffer)) {
      writer.start();
      while (export.reader().loadNextBatch()) {
        try (ArrowRecordBatch batch =
            new VectorUnloader(export.reader().getVectorSchemaRoot()).getRecordBatch()) {
          body += batch.computeBodyLength();
        }
        writer.writeBatch();
      }
      writer.end();
    }
    long read = 0;
    try (ArrowStreamReader reader =
        new ArrowStreamReader(new ByteArrayInputStream(buffer.toByteArray()), allocator)) {
      while (reader.loadNextBatch()) {
        read += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    if (read == 0) {
      throw new IllegalStateException("the IPC round trip read nothing");
    }
    return body;
  }

  private static void doPut(
      DatasetStore source, FlightClient client, CallOption auth, BufferAllocator allocator)
      throws Exception {
    try (DatasetStore.Export export = source.export(ROWS, null, null, allocator, 65_536)) {
      VectorSchemaRoot root = export.reader().getVectorSchemaRoot();
      SyncPutListener listener = new SyncPutListener();
      FlightClient.ClientStreamListener upload =
          client.startPut(FlightDescriptor.path(ROWS.value()), root, listener, auth);
      while (export.reader().loadNextBatch()) {
        upload.putNext();
      }
      upload.completed();
      upload.getResult();
      listener.read().close();
    }
  }

  /** What DoPut does on the server, without Flight: the same batches into a store in-process. */
  private static void ingest(DatasetStore source, DatasetStore target, BufferAllocator allocator)
      throws Exception {
    try (DatasetStore.Export export = source.export(ROWS, null, null, allocator, 65_536)) {
      target.ingest(ROWS, export.reader(), contract(), stored -> null);
    }
  }

  private static void doGet(FlightClient client, CallOption auth) throws Exception {
    long rows = 0;
    try (FlightStream stream =
        client.getStream(
            new org.apache.arrow.flight.Ticket(
                ("{\"dataset\":\"" + ROWS.value() + "\"}").getBytes()),
            auth)) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    if (rows == 0) {
      throw new IllegalStateException("DoGet streamed nothing");
    }
  }

  private static final String SCAN = "SELECT * FROM " + ROWS.value();

  /** The full scan as a Flight SQL statement with Arrow's own client: the protocol's cost. */
  private static void flightSql(FlightClient client, CallOption auth) throws Exception {
    FlightSqlClient sql = new FlightSqlClient(client);
    FlightInfo info = sql.execute(SCAN, auth);
    long rows = 0;
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), auth)) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    if (rows == 0) {
      throw new IllegalStateException("Flight SQL streamed nothing");
    }
  }

  /** The full scan through the Flight SQL JDBC driver, every value of every row read. */
  private static void jdbc(int port) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("useEncryption", "false");
    properties.setProperty("token", TOKEN);
    long rows = 0;
    long checksum = 0;
    try (java.sql.Connection connection =
            new ArrowFlightJdbcDriver()
                .connect("jdbc:arrow-flight-sql://localhost:" + port, properties);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(SCAN)) {
      while (result.next()) {
        checksum += result.getLong(1) + (long) result.getDouble(2) + result.getString(3).length();
        rows++;
      }
    }
    if (rows == 0 || checksum == 0) {
      throw new IllegalStateException("JDBC read nothing");
    }
  }

  private static final DatasetName FILES_INPUT = DatasetName.of("bench_files");
  private static final DatasetName FILES_OUTPUT = DatasetName.of("bench_files_out");
  private static final int FILE_COUNT = 1_000;

  /** A file-scopable task over the file-partitioned input: every row, the file id kept. */
  private static TaskQuery filesTask(DatasetStore store) throws Exception {
    return filesTask(store, Map.of());
  }

  private static TaskQuery filesTask(DatasetStore store, Map<DatasetName, String> scoped)
      throws Exception {
    long version =
        store
            .describe(FILES_INPUT)
            .map(io.relspec.executor.store.StoredDataset::version)
            .orElse(1L);
    return new TaskQuery(
        FILES_OUTPUT,
        "SELECT file_id, id, x * 2 AS y FROM bench_files",
        List.of(),
        List.of(),
        List.of(new TaskQuery.Local(FILES_INPUT, version)),
        scoped,
        new ArrowSchema(
            List.of(field("file_id", "utf8"), field("id", "int64"), field("y", "float64"))),
        "file_id",
        null);
  }

  /** Every hundredth file id: 1% of the files. */
  private static List<String> onePercentOfFileIds() {
    List<String> fileIds = new ArrayList<>();
    for (int f = 0; f < FILE_COUNT / 100; f++) {
      fileIds.add(String.format(Locale.ROOT, "f%05d", f * 100));
    }
    return fileIds;
  }

  /** The same task for 1% of the file ids: their partitions replaced, the rest kept. */
  private static void scopedWrite(DatasetStore store) throws Exception {
    List<String> fileIds = onePercentOfFileIds();
    store.upsertFiles(filesTask(store, Map.of(FILES_INPUT, "file_id")), "file_id", fileIds, null);
  }

  private static final DatasetName GROUPS = DatasetName.of("bench_groups");

  /** An aggregation over the file-partitioned input grouped by another key (rule 2c). */
  private static final String GROUPS_SQL =
      "SELECT id % 16 AS k, COUNT(*) AS n, SUM(id) AS total, MIN(x) AS lo, MAX(x) AS hi,"
          + " AVG(x) AS mean FROM \"bench_files\" GROUP BY k";

  private static final DatasetStore.Partials GROUPS_PARTIALS =
      new DatasetStore.Partials(
          new FileScope.PartialAggregate(FILES_INPUT, "file_id"),
          io.relspec.contracts.model.Fingerprint.sha256(GROUPS_SQL));

  private static TaskQuery groupsTask(DatasetStore store, Map<DatasetName, String> scoped)
      throws Exception {
    long version = store.describe(FILES_INPUT).orElseThrow().version();
    return new TaskQuery(
        GROUPS,
        GROUPS_SQL,
        List.of(),
        List.of(),
        List.of(new TaskQuery.Local(FILES_INPUT, version)),
        scoped,
        new ArrowSchema(
            List.of(
                field("k", "int64"),
                field("n", "int64"),
                field("total", "int64"),
                field("lo", "float64"),
                field("hi", "float64"),
                field("mean", "float64"))),
        null,
        null);
  }

  /** The aggregation rewritten whole, with or without keeping its partials per file id. */
  private static void aggregate(DatasetStore store, boolean keepPartials) throws Exception {
    store.replace(groupsTask(store, Map.of()), false, keepPartials ? GROUPS_PARTIALS : null);
  }

  /** The same for 1% of the file ids, from the partials the previous write kept. */
  private static void mergeAggregate(DatasetStore store) throws Exception {
    List<String> fileIds = onePercentOfFileIds();
    if (store
        .mergePartials(
            groupsTask(store, Map.of(FILES_INPUT, "file_id")), fileIds, GROUPS_PARTIALS, null)
        .isEmpty()) {
      throw new IllegalStateException("no partials to merge into");
    }
  }

  private static void direct(DatasetStore source) throws Exception {
    try (Connection connection = source.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE OR REPLACE TEMP TABLE direct_result AS " + TASK_SQL);
    }
  }

  private interface InputBinding {
    TaskQuery.Input bind(DatasetName dataset, long version) throws Exception;
  }

  private static void task(DatasetStore store, InputBinding input) throws Exception {
    long version =
        store.describe(ROWS).map(io.relspec.executor.store.StoredDataset::version).orElse(1L);
    store.replace(
        new TaskQuery(
            DatasetName.of("bench_totals"),
            TASK_SQL,
            List.of(),
            List.of(),
            List.of(input.bind(ROWS, version)),
            Map.of(),
            new ArrowSchema(
                List.of(
                    field("k", "int64"),
                    field("total", "float64"),
                    field("n", "int64"),
                    field("last", "utf8"))),
            null,
            null));
  }

  private static ArrowField field(String name, String type) {
    return new ArrowField(name, ArrowType.parse(type), true, Map.of());
  }

  private static DatasetContract contract() {
    return new DatasetContract(
        new ArrowSchema(List.of(field("id", "int64"), field("x", "float64"), field("s", "utf8"))),
        null,
        null,
        Map.of());
  }

  private static ApiTokens tokens() {
    return ApiTokens.of(
        Map.of("bench", new ApiTokens.StaticToken(TOKEN, Set.of("admin"))), Optional.of(TOKEN));
  }

  private static String last(Map<String, List<Double>> seconds) {
    StringBuilder line = new StringBuilder();
    seconds.forEach(
        (name, values) ->
            line.append(
                String.format(Locale.ROOT, "%s %.3fs  ", name, values.get(values.size() - 1))));
    return line.toString();
  }

  private static String table(
      long rows, int repetitions, long bodyBytes, Map<String, List<Double>> seconds) {
    double ipc = median(seconds.get("ipc"));
    double direct = median(seconds.get("direct"));
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%,d rows × (int64, float64, utf8) = %.1f MB of Arrow buffers; %d repetitions;"
                + " seconds as median (min–max)%n%n",
            rows,
            bodyBytes / 1e6,
            repetitions));
    out.append("| figure | median s (min–max) | MB/s | rows/s | baseline | ratio |\n");
    out.append("|---|---|---|---|---|---|\n");
    row(
        out,
        "in-process Arrow IPC write+read",
        seconds.get("ipc"),
        rows,
        bodyBytes,
        "—",
        Double.NaN);
    row(
        out,
        "Flight DoPut (loopback, into the store)",
        seconds.get("doput"),
        rows,
        bodyBytes,
        "IPC",
        ipc / median(seconds.get("doput")));
    row(
        out,
        "the same upload into a store in-process (no Flight)",
        seconds.get("ingest"),
        rows,
        bodyBytes,
        "DoPut",
        median(seconds.get("ingest")) / median(seconds.get("doput")));
    row(
        out,
        "Flight DoGet (loopback, from the store)",
        seconds.get("doget"),
        rows,
        bodyBytes,
        "IPC",
        ipc / median(seconds.get("doget")));
    double doget = median(seconds.get("doget"));
    row(
        out,
        "Flight SQL full scan (Arrow Flight SQL client)",
        seconds.get("flight_sql"),
        rows,
        bodyBytes,
        "DoGet",
        median(seconds.get("flight_sql")) / doget);
    row(
        out,
        "Flight SQL full scan (JDBC driver, every value read)",
        seconds.get("jdbc"),
        rows,
        bodyBytes,
        "DoGet",
        median(seconds.get("jdbc")) / doget);
    double rewrite = median(seconds.get("rewrite"));
    row(
        out,
        "a file-partitioned task rewriting its whole output (1,000 file ids)",
        seconds.get("rewrite"),
        rows,
        bodyBytes,
        "—",
        Double.NaN);
    row(
        out,
        "the same task for 1% of the file ids, store keeping 1 version",
        seconds.get("scoped_in_place"),
        rows,
        bodyBytes,
        "rewrite",
        median(seconds.get("scoped_in_place")) / rewrite);
    row(
        out,
        "the same task for 1% of the file ids, store keeping 2 versions (the default)",
        seconds.get("scoped_copy"),
        rows,
        bodyBytes,
        "rewrite",
        median(seconds.get("scoped_copy")) / rewrite);
    double rewriteClustered = median(seconds.get("rewrite_clustered"));
    row(
        out,
        "the whole rewrite, each file's rows stored together (as per-file uploads are)",
        seconds.get("rewrite_clustered"),
        rows,
        bodyBytes,
        "—",
        Double.NaN);
    row(
        out,
        "the same task for 1% of the file ids, each file's rows stored together (2 versions)",
        seconds.get("scoped_clustered"),
        rows,
        bodyBytes,
        "rewrite",
        median(seconds.get("scoped_clustered")) / rewriteClustered);
    double aggregate = median(seconds.get("aggregate_rewrite"));
    row(
        out,
        "an aggregation grouped by another key (16 groups) over the clustered input, rewritten",
        seconds.get("aggregate_rewrite"),
        rows,
        bodyBytes,
        "—",
        Double.NaN);
    row(
        out,
        "the same rewrite keeping its partial aggregates per file id (16,000 rows)",
        seconds.get("aggregate_partials_kept"),
        rows,
        bodyBytes,
        "rewrite",
        median(seconds.get("aggregate_partials_kept")) / aggregate);
    row(
        out,
        "the same for 1% of the file ids, merged from the partials",
        seconds.get("aggregate_merged"),
        rows,
        bodyBytes,
        "rewrite",
        median(seconds.get("aggregate_merged")) / aggregate);
    row(
        out,
        "task SQL directly on DuckDB",
        seconds.get("direct"),
        rows,
        bodyBytes,
        "—",
        Double.NaN);
    row(
        out,
        "task through the store (input local)",
        seconds.get("task"),
        rows,
        bodyBytes,
        "direct",
        median(seconds.get("task")) / direct);
    row(
        out,
        "task through the store (input fetched over Flight)",
        seconds.get("task_fetched"),
        rows,
        bodyBytes,
        "direct",
        median(seconds.get("task_fetched")) / direct);
    out.append(
        "\nRatios: for transfers, baseline time / figure time (throughput relative to IPC, higher"
            + " is better); for the in-process upload, its time / DoPut's (the share of DoPut that"
            + " is the store write, not Flight); for Flight SQL, its time / DoGet's; for scoped"
            + " writes, their time / the whole rewrite's; for tasks, figure time / direct time"
            + " (overhead, lower is better).\n");
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      String name,
      List<Double> values,
      long rows,
      long bytes,
      String baseline,
      double ratio) {
    double median = median(values);
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %.3f (%.3f–%.3f) | %.0f | %.2fM | %s | %s |%n",
            name,
            median,
            values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
            values.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
            bytes / 1e6 / median,
            rows / 1e6 / median,
            baseline,
            Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.2f×", ratio)));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
