package io.relspec.executor.store;

import static io.relspec.executor.store.VersionMeasures.digest;
import static io.relspec.executor.store.VersionMeasures.measure;
import static io.relspec.executor.store.VersionMeasures.partitionChanges;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.duckdb.DuckDbSql;
import io.relspec.contracts.duckdb.DuckDbTypes;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.Identifiers;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.executor.sql.NameBinding;
import io.relspec.executor.sql.PartialAggregation;
import io.relspec.executor.sql.SelectStatement;
import io.relspec.executor.store.VersionMeasures.PartitionChanges;
import io.relspec.executor.store.VersionMeasures.Totals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;
import org.jboss.logging.Logger;

/**
 * The executor's local dataset store: one DuckDB database file, opened locked down (no external
 * access, no extension loading, configuration locked). The only SQL of a task that runs is its own:
 * one SELECT as DuckDB's parser reads it ({@link #parse}), reading only the names the store bound
 * for the attempt ({@link NameBinding}), wrapped in the store's own DDL.
 *
 * <p>Each dataset has versions, kept in tables {@code relspec_data."<dataset>@<version>"} whose
 * rows are stamped with the versions they belong to: a row is part of version {@code v} when {@code
 * "relspec:from" <= v} and {@code "relspec:to"} is NULL or greater ({@link #rows}). A full write
 * creates a new table; an upsert of some file ids' partitions (a scoped task, an upload of some
 * files, a deletion of files) stays in the newest version's table: it ends the old rows of those
 * file ids and appends their new rows, so it costs what changed, not a copy of the table, and an
 * earlier version still reads exactly its rows. The view {@code "<dataset>"} shows the newest
 * version, and tasks read pinned versions through temporary views of the same name. Every write is
 * one DuckDB transaction (rows, version row, view, pruning, outbox event), so a crash leaves the
 * previous version intact. The newest {@code retainVersions} versions are kept; pruning drops a
 * table no kept version uses and deletes the rows a shared table holds for pruned versions only.
 * Row count, size and content hash of an upsert are the previous version's plus what it appended
 * minus what it ended (the content hash is a sum of row hashes, so it adds up).
 */
public final class DatasetStore implements AutoCloseable {
  static final String META = "relspec_meta";
  private static final Logger LOG = Logger.getLogger(DatasetStore.class);
  private static final String DATA = "relspec_data";

  // Names of the store's own temporary objects. A colon is never part of a dataset name, so none
  // of them can shadow an input a task reads.
  private static final String FILE_SCOPE_TABLE = "relspec:file_scope";
  private static final String FILE_SCOPE_COLUMN = "file_id";
  private static final String RESULT_VIEW = "relspec:result";
  private static final String REWRITE_TABLE = "relspec:rewrite";

  /** The write-ahead log size at which a commit checkpoints; see {@link #checkpoint}. */
  static final String CHECKPOINT_THRESHOLD = "256MB";

  // The version stamps of a stored row (see the class comment); a colon keeps them apart from any
  // column a task or contract can declare.
  private static final String VALID_FROM = "\"relspec:from\"";
  private static final String VALID_TO = "\"relspec:to\"";

  private final DuckDBConnection root;
  private final String database;
  private final int retainVersions;
  private final BufferAllocator allocator;
  private final Map<DatasetName, ReentrantLock> writeLocks = new ConcurrentHashMap<>();
  private final Map<DatasetName, List<Version>> versionCache = new ConcurrentHashMap<>();

  private DatasetStore(
      DuckDBConnection root, String database, int retainVersions, BufferAllocator allocator) {
    this.root = root;
    this.database = database;
    this.retainVersions = retainVersions;
    this.allocator = allocator;
  }

  /**
   * Opens (or creates) the store under {@code dataDir}.
   *
   * @param allocator Arrow memory for imported inputs and uploads; owned by the caller
   */
  public static DatasetStore open(Path dataDir, Settings settings, BufferAllocator allocator)
      throws SQLException {
    if (settings.retainVersions() < 1) {
      throw new IllegalArgumentException(
          "retain-versions must be at least 1, got " + settings.retainVersions());
    }
    try {
      Files.createDirectories(dataDir.resolve("spill"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create executor data directory " + dataDir, e);
    }
    Properties properties = new Properties();
    // Order matters: everything DuckDB needs is configured before the configuration is locked.
    properties.setProperty("temp_directory", dataDir.resolve("spill").toString());
    properties.setProperty("memory_limit", settings.memoryLimit());
    properties.setProperty("threads", Integer.toString(settings.threads()));
    // Small outputs are committed to the write-ahead log; DuckDB moves them into the database file
    // (a checkpoint) once the log passes this size, in whichever commit crosses it, and only when
    // no other transaction is open, so in a run it lands on the last task. A larger bound lets the
    // executor checkpoint when it is idle instead (checkpoint()); the log is as durable meanwhile.
    properties.setProperty("checkpoint_threshold", CHECKPOINT_THRESHOLD);
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    properties.setProperty("allow_community_extensions", "false");
    properties.setProperty("enable_external_access", "false");
    DuckDBConnection connection =
        (DuckDBConnection)
            DriverManager.getConnection(
                "jdbc:duckdb:" + dataDir.resolve("store.duckdb"), properties);
    String database;
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + META);
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + DATA);
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + META
              + ".versions (dataset VARCHAR NOT NULL, version BIGINT NOT NULL,"
              + " table_name VARCHAR NOT NULL, row_count BIGINT NOT NULL, byte_count BIGINT NOT NULL,"
              + " file_id_column VARCHAR, created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      // The schema the version was declared with (the contract, the plan): DuckDB keeps no time
      // zone of a TIMESTAMPTZ column, so the declared one is served back from here.
      statement.execute(
          "ALTER TABLE " + META + ".versions ADD COLUMN IF NOT EXISTS declared_schema VARCHAR");
      // The sum of the version's row hashes, from which an upsert's content hash is derived.
      statement.execute(
          "ALTER TABLE " + META + ".versions ADD COLUMN IF NOT EXISTS row_hash_sum VARCHAR");
      // Per file-id partition of a version: its rows, size and row-hash sum, kept for versions
      // whose writer asked which partitions changed, so the next comparison hashes one side only.
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + META
              + ".partition_digests (dataset VARCHAR NOT NULL, version BIGINT NOT NULL,"
              + " file_id VARCHAR, row_count BIGINT NOT NULL, byte_count BIGINT NOT NULL,"
              + " hash_sum HUGEINT NOT NULL)");
      // Per dataset kept from partial aggregates: the plan and the output version its partials
      // table (DATA."partials:<dataset>") belongs to.
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + META
              + ".partials (dataset VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL,"
              + " version BIGINT NOT NULL)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + META
              + ".outbox (event_id VARCHAR NOT NULL, payload VARCHAR NOT NULL,"
              + " created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      try (ResultSet rows = statement.executeQuery("SELECT current_database()")) {
        rows.next();
        database = rows.getString(1);
      }
      stampTablesWrittenBefore(statement, database);
      statement.execute("SET lock_configuration = true");
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return new DatasetStore(connection, database, settings.retainVersions(), allocator);
  }

  /**
   * Gives tables written before rows carried version stamps their stamps: every row belongs to
   * every version kept in its table (such tables were never shared by two kept versions).
   */
  private static void stampTablesWrittenBefore(Statement statement, String database)
      throws SQLException {
    Set<String> stamped = new HashSet<>();
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT table_name FROM duckdb_columns() WHERE schema_name = '"
                + DATA
                + "' AND column_name = 'relspec:from'")) {
      while (rows.next()) {
        stamped.add(quoteInternal(database) + "." + DATA + "." + quoteInternal(rows.getString(1)));
      }
    }
    List<String> tables = new ArrayList<>();
    try (ResultSet rows =
        statement.executeQuery("SELECT DISTINCT table_name FROM " + META + ".versions")) {
      while (rows.next()) {
        if (!stamped.contains(rows.getString(1))) {
          tables.add(rows.getString(1));
        }
      }
    }
    for (String table : tables) {
      statement.execute("ALTER TABLE " + table + " ADD COLUMN " + VALID_FROM + " BIGINT DEFAULT 0");
      statement.execute("ALTER TABLE " + table + " ADD COLUMN " + VALID_TO + " BIGINT");
    }
  }

  /** How many parsed statements {@link #parse} remembers before it starts over. */
  private static final int PARSED_LIMIT = 10_000;

  /**
   * Statements DuckDB's parser accepted, by the SHA-256 of their text: a task's SQL recurs on every
   * run, and the verdict depends on the text alone. Refusals are not remembered.
   */
  private final Map<String, SelectStatement> parsed = new ConcurrentHashMap<>();

  /** DuckDB settings of the store. */
  public record Settings(String memoryLimit, int threads, int retainVersions) {}

  /** A new connection to the same database (DuckDB connections are not shared across threads). */
  public Connection connect() throws SQLException {
    return root.duplicate();
  }

  public int retainVersions() {
    return retainVersions;
  }

  /**
   * Parses {@code sql} as exactly one SELECT with DuckDB's own parser, remembering accepted ones. A
   * forged message with DDL, COPY, ATTACH, PRAGMA, SET or several statements never reaches
   * execution.
   */
  public SelectStatement parse(Connection connection, String sql)
      throws SQLException, SqlRefusedException {
    String digest = Fingerprint.sha256(sql).value();
    SelectStatement known = parsed.get(digest);
    if (known != null) {
      return known;
    }
    SelectStatement statement = SelectStatement.parse(connection, sql);
    if (parsed.size() >= PARSED_LIMIT) {
      parsed.clear();
    }
    parsed.put(digest, statement);
    return statement;
  }

  // ---------------------------------------------------------------- task writes

  /** Replaces {@code query.output()} with the query's rows as a new version. */
  public StoredDataset replace(TaskQuery query) throws SQLException, SqlRefusedException {
    return replace(query, false);
  }

  /**
   * Replaces {@code query.output()} with the query's rows as a new version; with {@code
   * reportChangedFiles} and a file-id column, also compares it with the previous version held here
   * partition by partition ({@link StoredDataset#changedFileIds()}).
   */
  public StoredDataset replace(TaskQuery query, boolean reportChangedFiles)
      throws SQLException, SqlRefusedException {
    return replace(query, reportChangedFiles, null);
  }

  /**
   * {@link #replace(TaskQuery, boolean)}, and with {@code partials} also keeps the output's partial
   * aggregates per file id, computed from the same inputs in the same transaction, for the next
   * {@link #mergePartials}.
   */
  public StoredDataset replace(TaskQuery query, boolean reportChangedFiles, Partials partials)
      throws SQLException, SqlRefusedException {
    return locked(
        query.output(),
        () -> {
          List<AutoCloseable> streams = new ArrayList<>();
          try (Connection connection = connect();
              Statement statement = connection.createStatement()) {
            String select = prepare(connection, statement, query, streams, partials != null);
            String partialSql = partials == null ? null : partialSql(connection, query, partials);
            Optional<Version> held = latest(connection, query.output());
            long version = held.map(Version::version).orElse(0L) + 1;
            String table = physical(query.output(), version);
            if (partialSql == null
                && reportChangedFiles
                && query.fileIdColumn() != null
                && held.isPresent()
                && query.fileIdColumn().equals(held.get().fileIdColumn())) {
              return rewriteChangedPartitions(
                  connection, statement, query, select, held.get(), version, table);
            }
            return inTransaction(
                statement,
                () -> {
                  query
                      .cancellation()
                      .execute(statement, createStamped(table, "(" + select + ")", version));
                  if (partialSql != null) {
                    query
                        .cancellation()
                        .execute(
                            statement,
                            "CREATE OR REPLACE TABLE "
                                + partialsTable(query.output())
                                + " AS SELECT * FROM ("
                                + partialSql
                                + ")");
                    keepPartialsIfWorthIt(connection, statement, query, partials, version);
                  } else if (partials != null
                      && partialsVersion(connection, query.output(), partials).orElse(0L)
                          != DECLINED) {
                    forgetPartials(connection, query.output());
                  }
                  // Digested even here (no previous version held, or one partitioned by another
                  // column: nothing to compare with), so the next rewrite compares against it.
                  Totals measured = null;
                  if (reportChangedFiles && query.fileIdColumn() != null) {
                    String rows = rows(table, version);
                    ArrowSchema schema = schemaOf(connection, rows);
                    if (schema.field(query.fileIdColumn()).isPresent()) {
                      measured =
                          digest(
                              connection,
                              query.output(),
                              version,
                              rows,
                              schema,
                              query.fileIdColumn());
                    }
                  }
                  return commitVersion(
                      connection,
                      query.output(),
                      version,
                      table,
                      null,
                      measured,
                      query.fileIdColumn(),
                      query.outputSchema(),
                      null);
                });
          } finally {
            closeAll(streams);
          }
        });
  }

  /**
   * Replaces the partitions of {@code fileIds}: the new version is the previous one without the
   * rows of those file ids, plus what the query returns, with its scoped inputs bound to the rows
   * of those file ids only.
   *
   * @param previous the version to upsert into when this store does not hold it (fetched from the
   *     executor that does), or null to use the newest version held here
   * @throws OutputNotHeldException when neither this store nor {@code previous} has the output
   */
  public StoredDataset upsertFiles(
      TaskQuery query, String fileIdColumn, List<String> fileIds, PreviousVersion previous)
      throws SQLException, SqlRefusedException {
    if (fileIdColumn == null) {
      throw new SqlRefusedException("an upsert of file partitions needs the file-id column");
    }
    return locked(
        query.output(),
        () -> {
          List<AutoCloseable> streams = new ArrayList<>();
          try (Connection connection = connect();
              Statement statement = connection.createStatement()) {
            Optional<Version> held = latest(connection, query.output());
            if (held.isEmpty() && previous == null) {
              throw new OutputNotHeldException(query.output());
            }
            // The scope table exists before the scoped inputs' views that read it.
            fillFileScope(connection, statement, fileIds);
            String select = prepare(connection, statement, query, streams);
            long base = held.map(Version::version).orElse(0L);
            if (previous != null) {
              base = Math.max(base, previous.version());
              streams.add(
                  importStream(connection, statement, "relspec_previous", previous.reader(), true));
            }
            long version = base + 1;
            // The newest version held here is continued in its own table; one fetched from
            // another executor is copied into a new table first.
            Version continued = previous == null ? held.orElseThrow() : null;
            String table =
                continued != null ? continued.table() : physical(query.output(), version);
            return inTransaction(
                statement,
                () -> {
                  Totals ended = null;
                  if (continued != null) {
                    ended =
                        endPartitions(
                            connection,
                            statement,
                            continued,
                            inScopedPartitions(fileIdColumn),
                            version);
                  } else {
                    statement.execute(
                        createStamped(
                            table,
                            "(SELECT * FROM temp.relspec_previous WHERE NOT "
                                + inScopedPartitions(fileIdColumn)
                                + ")",
                            version));
                  }
                  query.cancellation().execute(statement, appendStamped(table, select, version));
                  return commitVersion(
                      connection,
                      query.output(),
                      version,
                      table,
                      continued,
                      ended,
                      fileIdColumn,
                      query.outputSchema(),
                      null);
                });
          } finally {
            closeAll(streams);
          }
        });
  }

  /** Why the kept partials cannot be merged into, or null when they can. */
  private static String whyNoMerge(
      Optional<Version> held, Optional<Long> kept, Long previousVersion) {
    if (held.isEmpty()) {
      return "the output is not held here";
    }
    long newest = held.get().version();
    if (kept.isEmpty()) {
      return "no partials are kept here for this plan";
    }
    if (kept.get() == DECLINED) {
      return "declined: about as many partials as rows";
    }
    if (kept.get() != newest) {
      return "the partials belong to version " + kept.get();
    }
    if (previousVersion != null && previousVersion != newest) {
      return "the newest version held here is " + newest + ", not " + previousVersion;
    }
    return null;
  }

  /** Which partial aggregates to keep for an output: their key, and the plan they belong to. */
  public record Partials(FileScope.PartialAggregate key, Fingerprint fingerprint) {}

  /**
   * Recomputes the partial aggregates of {@code fileIds} (and of the rows without a file id) from
   * the query's scoped inputs, and the output as a new version from all partials: rule 2c, an
   * aggregation grouped by other keys kept at the cost of the changed files plus one aggregation
   * over the partials. Returns empty, having written nothing, when this store holds no partials of
   * the newest version of the output for this plan (another executor built it, or its SQL cannot be
   * split): the caller then runs the task in full.
   *
   * @param previousVersion the version the scheduler expects to build on, or null
   */
  public Optional<StoredDataset> mergePartials(
      TaskQuery query, List<String> fileIds, Partials partials, Long previousVersion)
      throws SQLException, SqlRefusedException {
    return locked(
        query.output(),
        () -> {
          List<AutoCloseable> streams = new ArrayList<>();
          try (Connection connection = connect();
              Statement statement = connection.createStatement()) {
            Optional<Version> held = latest(connection, query.output());
            Optional<Long> kept = partialsVersion(connection, query.output(), partials);
            String missing = whyNoMerge(held, kept, previousVersion);
            if (missing != null) {
              LOG.infof("%s: cannot merge partial aggregates (%s)", query.output(), missing);
              return Optional.empty();
            }
            fillFileScope(connection, statement, fileIds);
            String taskSql = bind(connection, statement, query, streams);
            PartialAggregation split;
            try {
              split = split(connection, query, partials);
            } catch (PartialAggregation.Unsupported e) {
              // The partials were kept by a full run of this very plan, so its SQL did split then.
              forgetPartials(connection, query.output());
              throw new IllegalStateException(
                  "the partials of "
                      + query.output()
                      + " were kept, but its SQL no longer splits ("
                      + e.getMessage()
                      + "); the next attempt runs it in full");
            }
            String partialSql =
                NameBinding.bind(
                    parse(connection, split.partialSql()),
                    boundNames(query),
                    "the partial aggregation of the task");
            // The final query's columns take the task's names, by position.
            List<String> names =
                (query.outputSchema() != null
                        ? query.outputSchema()
                        : schemaOf(connection, "(" + taskSql + ")"))
                    .fields().stream().map(ArrowField::name).toList();
            String merged =
                "SELECT * FROM ("
                    + split.finalSql()
                    + ") AS \"relspec:m\"("
                    + String.join(", ", names.stream().map(DatasetStore::quoteInternal).toList())
                    + ")";
            long version = held.get().version() + 1;
            String table = physical(query.output(), version);
            String partialsTable = partialsTable(query.output());
            return Optional.of(
                inTransaction(
                    statement,
                    () -> {
                      statement.execute(
                          "DELETE FROM "
                              + partialsTable
                              + " WHERE "
                              + inScopedPartitionsOf(quoteInternal(PartialAggregation.KEY)));
                      query
                          .cancellation()
                          .execute(
                              statement,
                              "INSERT INTO "
                                  + partialsTable
                                  + " SELECT * FROM ("
                                  + partialSql
                                  + ")");
                      statement.execute(
                          "CREATE OR REPLACE TEMP VIEW "
                              + quoteInternal(PartialAggregation.PARTIALS)
                              + " AS SELECT * FROM "
                              + partialsTable);
                      statement.execute(
                          "CREATE OR REPLACE TEMP VIEW "
                              + quoteInternal(RESULT_VIEW)
                              + " AS "
                              + merged);
                      query
                          .cancellation()
                          .execute(
                              statement,
                              createStamped(
                                  table, "(" + castTo(query.outputSchema()) + ")", version));
                      recordPartials(connection, query.output(), partials, version);
                      return commitVersion(
                          connection,
                          query.output(),
                          version,
                          table,
                          null,
                          null,
                          query.fileIdColumn(),
                          query.outputSchema(),
                          null);
                    }));
          } finally {
            closeAll(streams);
          }
        });
  }

  /**
   * The partial query of a full run, bound to the inputs bound on {@code connection} and checked by
   * DuckDB's binder, or null (logged) when the task's SQL cannot be split: then no partials are
   * kept, and the task's scoped runs run in full.
   */
  private String partialSql(Connection connection, TaskQuery query, Partials partials)
      throws SQLException {
    if (partialsVersion(connection, query.output(), partials).orElse(0L) == DECLINED) {
      return null;
    }
    try {
      PartialAggregation split = split(connection, query, partials);
      String partialSql =
          NameBinding.bind(
              parse(connection, split.partialSql()),
              boundNames(query),
              "the partial aggregation of the task");
      try (Statement check = connection.createStatement()) {
        check.execute("DESCRIBE " + partialSql);
      }
      return partialSql;
    } catch (PartialAggregation.Unsupported | SqlRefusedException | SQLException e) {
      LOG.infof(
          "%s: no partial aggregates kept (%s); its scoped runs will run in full",
          query.output(), String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      return null;
    }
  }

  /**
   * Splits of tasks' SQL by plan, key and text: a plan's fingerprint covers its SQL and its inputs'
   * schemas, which is all a split depends on. Splitting costs a few round trips through DuckDB's
   * parser (about 20 ms), a fifth of a merge.
   */
  private final Map<String, PartialAggregation> splits = new ConcurrentHashMap<>();

  /** Splits the task's SQL, with its inputs bound on {@code connection} to resolve names. */
  private PartialAggregation split(Connection connection, TaskQuery query, Partials partials)
      throws SQLException, PartialAggregation.Unsupported {
    String cacheKey =
        partials.fingerprint().value()
            + '\n'
            + partials.key().keyInput()
            + '\n'
            + partials.key().keyColumn()
            + '\n'
            + query.sql();
    PartialAggregation known = splits.get(cacheKey);
    if (known != null) {
      return known;
    }
    if (splits.size() >= PARSED_LIMIT) {
      splits.clear();
    }
    PartialAggregation split = splitNow(connection, query, partials);
    splits.put(cacheKey, split);
    return split;
  }

  private PartialAggregation splitNow(Connection connection, TaskQuery query, Partials partials)
      throws SQLException, PartialAggregation.Unsupported {
    Set<String> bound = boundNames(query);
    return PartialAggregation.of(
        connection,
        query.sql(),
        partials.key().keyInput().value(),
        partials.key().keyColumn(),
        probe -> {
          // Its own statement: DuckDB's JDBC closes a statement whose execution failed.
          try (Statement check = connection.createStatement()) {
            check.execute(
                "DESCRIBE " + NameBinding.bind(parse(connection, probe), bound, "a probe"));
            return true;
          } catch (SqlRefusedException | SQLException e) {
            return false;
          }
        });
  }

  /** The names {@link #bind} binds for {@code query}: its inputs and views. */
  private static Set<String> boundNames(TaskQuery query) {
    Set<String> bound = new HashSet<>();
    query.inputs().forEach(input -> bound.add(input.dataset().value()));
    query.views().forEach(view -> bound.add(view.name().value()));
    return bound;
  }

  private String partialsTable(DatasetName dataset) {
    return quoteInternal(database)
        + "."
        + DATA
        + "."
        + quoteInternal("partials:" + dataset.value());
  }

  /**
   * Partial aggregates pay only when they are far fewer than the rows they summarize: a merge
   * aggregates all partials again. Where they are more than a quarter of the key input's rows (the
   * groups are nearly as many as the rows, as for a GROUP BY of a per-row id), they are dropped and
   * the plan is marked {@link #DECLINED}, so its later full runs do not compute them again and its
   * scoped runs run in full.
   */
  private void keepPartialsIfWorthIt(
      Connection connection, Statement statement, TaskQuery query, Partials partials, long version)
      throws SQLException {
    long partialRows;
    try (ResultSet rows =
        statement.executeQuery("SELECT count(*) FROM " + partialsTable(query.output()))) {
      rows.next();
      partialRows = rows.getLong(1);
    }
    long inputRows = -1;
    for (TaskQuery.Input input : query.inputs()) {
      if (input instanceof TaskQuery.Local local
          && local.dataset().equals(partials.key().keyInput())) {
        inputRows =
            version(connection, local.dataset(), local.version()).map(Version::rows).orElse(-1L);
      }
    }
    if (inputRows >= 0 && partialRows > Math.max(1_000, inputRows / 4)) {
      LOG.infof(
          "%s: partial aggregates declined: %d partials for %d rows of %s; its scoped runs will"
              + " run in full",
          query.output(), partialRows, inputRows, partials.key().keyInput());
      statement.execute("DROP TABLE " + partialsTable(query.output()));
      recordPartials(connection, query.output(), partials, DECLINED);
      return;
    }
    recordPartials(connection, query.output(), partials, version);
  }

  /** The ledger's version for a plan whose partials are not worth keeping. */
  private static final long DECLINED = -1;

  /** The output version whose partials are kept for this plan, if any. */
  private static Optional<Long> partialsVersion(
      Connection connection, DatasetName dataset, Partials partials) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT version FROM " + META + ".partials WHERE dataset = ? AND fingerprint = ?")) {
      select.setString(1, dataset.value());
      select.setString(2, partials.fingerprint().value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
      }
    }
  }

  private static void recordPartials(
      Connection connection, DatasetName dataset, Partials partials, long version)
      throws SQLException {
    forgetPartials(connection, dataset);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO " + META + ".partials (dataset, fingerprint, version) VALUES (?, ?, ?)")) {
      insert.setString(1, dataset.value());
      insert.setString(2, partials.fingerprint().value());
      insert.setLong(3, version);
      insert.executeUpdate();
    }
  }

  private static void forgetPartials(Connection connection, DatasetName dataset)
      throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM " + META + ".partials WHERE dataset = ?")) {
      delete.setString(1, dataset.value());
      delete.executeUpdate();
    }
  }

  /**
   * A full rewrite of a file-keyed output that writes only what changed. The query's rows are
   * computed into a temporary table and digested per file id; when few partitions differ from the
   * newest version held here (same columns, same file id column), the new version continues that
   * version's table: the rows of the changed partitions (and of the rows without a file id, when
   * those changed) end as of the new version and their new rows are appended, as an upsert would.
   * Otherwise the new version is written whole from the temporary table. Either way its rows,
   * digests and totals are those of the query's result, and the versions before it read what they
   * read. Writing a table to the store costs several times what computing it into memory does (a
   * 4M-row table of five columns here: 1.1 s against 0.2 s), so an output rebuilt whole with a few
   * changed files is written at about the cost of those files.
   */
  private StoredDataset rewriteChangedPartitions(
      Connection connection,
      Statement statement,
      TaskQuery query,
      String select,
      Version held,
      long version,
      String table)
      throws SQLException, SqlRefusedException {
    String fileIdColumn = query.fileIdColumn();
    query
        .cancellation()
        .execute(
            statement,
            "CREATE OR REPLACE TEMP TABLE " + quoteInternal(REWRITE_TABLE) + " AS " + select);
    String result = "temp." + quoteInternal(REWRITE_TABLE);
    try {
      ArrowSchema schema = schemaOf(connection, result);
      boolean comparable =
          schema.field(fileIdColumn).isPresent()
              && schema.equals(schemaOf(connection, held.relation()));
      return inTransaction(
          statement,
          () -> {
            Totals measured =
                comparable
                    ? digest(connection, query.output(), version, result, schema, fileIdColumn)
                    : null;
            PartitionChanges changes =
                comparable
                    ? partitionChanges(
                        connection, query.output(), held, version, schema, fileIdColumn)
                    : null;
            if (changes == null || !changes.fewEnough()) {
              statement.execute(createStamped(table, "(SELECT * FROM " + result + ")", version));
              return commitVersion(
                      connection,
                      query.output(),
                      version,
                      table,
                      null,
                      measured,
                      fileIdColumn,
                      query.outputSchema(),
                      null)
                  .withChangedFileIds(changes == null ? null : changes.reported());
            }
            fillFileScope(connection, statement, changes.fileIds());
            String partitions =
                changes.withoutFileId()
                    ? inScopedPartitions(fileIdColumn)
                    : inFileScope(fileIdColumn);
            endPartitions(connection, statement, held, partitions, version);
            statement.execute(
                appendStamped(
                    held.table(), "SELECT * FROM " + result + " WHERE " + partitions, version));
            LOG.infof(
                "%s: rewritten in place, %d of %d partitions changed%s",
                query.output(),
                changes.fileIds().size(),
                changes.partitions(),
                changes.withoutFileId() ? " and the rows without a file id" : "");
            // The totals are the digests' (the whole new version), not the previous ones adjusted.
            return commitVersion(
                    connection,
                    query.output(),
                    version,
                    held.table(),
                    null,
                    measured,
                    fileIdColumn,
                    query.outputSchema(),
                    null)
                .withChangedFileIds(changes.reported());
          });
    } finally {
      statement.execute("DROP TABLE IF EXISTS " + result);
    }
  }

  /** The version an upsert builds on, fetched from the executor that holds it. */
  public record PreviousVersion(long version, ArrowReader reader) {}

  /** The output is not in this store, so its file partitions cannot be upserted here. */
  public static final class OutputNotHeldException extends SQLException {
    OutputNotHeldException(DatasetName output) {
      super(
          "output '"
              + output
              + "' is not held by this executor, so its file partitions cannot be upserted here");
    }
  }

  /**
   * Binds everything the task's SQL reads on this connection and returns the SELECT to store:
   * catalog functions as temporary macros (one scalar expression each, reading no table), each
   * input as a temporary view of its pinned version under the dataset's name (a scoped input: only
   * the rows of the attempt's file ids), each view task as a temporary view of its own SQL, and the
   * task's own SQL as the temporary view the result is cast from. DuckDB's parser judges every
   * statement, and each may read only the names bound before it.
   */
  private String prepare(
      Connection connection, Statement statement, TaskQuery query, List<AutoCloseable> streams)
      throws SQLException, SqlRefusedException {
    return prepare(connection, statement, query, streams, false);
  }

  /**
   * @param scannedTwice whether a second statement reads the inputs after the task's SQL (the
   *     partial aggregates of a full run): a fetched input is then copied, as a stream is read once
   */
  private String prepare(
      Connection connection,
      Statement statement,
      TaskQuery query,
      List<AutoCloseable> streams,
      boolean scannedTwice)
      throws SQLException, SqlRefusedException {
    String text = bind(connection, statement, query, streams, scannedTwice);
    statement.execute("CREATE OR REPLACE TEMP VIEW " + quoteInternal(RESULT_VIEW) + " AS " + text);
    return castTo(query.outputSchema());
  }

  /**
   * Binds the macros, inputs and views of {@code query} on this connection and returns the text of
   * its own SQL to run there (dotted names flattened); see {@link #prepare}.
   */
  private String bind(
      Connection connection, Statement statement, TaskQuery query, List<AutoCloseable> streams)
      throws SQLException, SqlRefusedException {
    return bind(connection, statement, query, streams, false);
  }

  private String bind(
      Connection connection,
      Statement statement,
      TaskQuery query,
      List<AutoCloseable> streams,
      boolean scannedTwice)
      throws SQLException, SqlRefusedException {
    SelectStatement task = parse(connection, query.sql());
    List<SelectStatement> views = new ArrayList<>();
    for (ViewDefinition view : query.views()) {
      views.add(parse(connection, view.sql()));
    }
    for (MacroDefinition macro : query.macros()) {
      String body = "(\n" + macro.expression() + "\n)";
      NameBinding.requireScalarExpression(parse(connection, "SELECT " + body), macro.name());
      statement.execute(
          "CREATE OR REPLACE TEMP MACRO "
              + quote(macro.name())
              + "("
              + String.join(", ", macro.parameters().stream().map(DatasetStore::quote).toList())
              + ") AS "
              + body);
    }
    Set<String> bound = new HashSet<>();
    int imported = 0;
    for (TaskQuery.Input input : query.inputs()) {
      String source =
          switch (input) {
            case TaskQuery.Local local ->
                version(connection, local.dataset(), local.version())
                    .orElseThrow(
                        () ->
                            new InputNotAvailableException(
                                "input '"
                                    + local.dataset()
                                    + "' version "
                                    + local.version()
                                    + " is no longer held (this executor keeps the last "
                                    + retainVersions
                                    + " versions)"))
                    .relation();
            case TaskQuery.Imported stream -> {
              String name = "relspec:input:" + imported++;
              // A registered Arrow stream can be scanned once and has no push-down: it is copied
              // into a temporary table unless DuckDB's reading of the SQL shows one plain scan.
              boolean copy =
                  scannedTwice
                      || !scannedOnce(
                          stream.dataset().value(),
                          task,
                          views,
                          query.views().stream().map(ViewDefinition::name).toList());
              streams.add(importStream(connection, statement, name, stream.reader(), copy));
              yield "temp." + quoteInternal(name);
            }
          };
      String scopeColumn = query.scopedInputs().get(input.dataset());
      statement.execute(
          "CREATE OR REPLACE TEMP VIEW "
              + quote(input.dataset().value())
              + " AS SELECT * FROM "
              + source
              + (scopeColumn == null ? "" : " WHERE " + inScopedPartitions(scopeColumn)));
      bound.add(input.dataset().value());
    }
    for (int i = 0; i < views.size(); i++) {
      DatasetName view = query.views().get(i).name();
      String text = NameBinding.bind(views.get(i), bound, "view " + view);
      statement.execute("CREATE OR REPLACE TEMP VIEW " + quote(view.value()) + " AS " + text);
      bound.add(view.value());
    }
    return NameBinding.bind(task, bound, "the task's SQL");
  }

  // ---------------------------------------------------------------- ad-hoc reads

  /**
   * Binds an ad-hoc SELECT (a Flight SQL query) exactly as a task's query is bound, with its {@code
   * ?} parameters left to the caller, and writes nothing. {@code query.output()} only names the
   * query in messages.
   */
  public AdHocQuery openQuery(TaskQuery query) throws SQLException, SqlRefusedException {
    List<AutoCloseable> imports = new ArrayList<>();
    Connection connection = connect();
    try {
      try (Statement statement = connection.createStatement()) {
        String text = bind(connection, statement, query, imports);
        return new AdHocQuery(connection, text, connection.prepareStatement(text), imports);
      }
    } catch (SQLException | SqlRefusedException | RuntimeException e) {
      try {
        connection.close();
        closeAll(imports);
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * An ad-hoc SELECT bound on its own connection: set its parameters, read its result as Arrow,
   * cancel it from another thread; closing releases the result, the connection and every imported
   * input.
   */
  public static final class AdHocQuery implements AutoCloseable {
    private final Connection connection;
    private final String text;
    private final PreparedStatement statement;
    private final List<AutoCloseable> imports;
    private DuckDBResultSet rows;
    private ArrowReader reader;

    private AdHocQuery(
        Connection connection,
        String text,
        PreparedStatement statement,
        List<AutoCloseable> imports) {
      this.connection = connection;
      this.text = text;
      this.statement = statement;
      this.imports = imports;
    }

    /** How many {@code ?} parameters the statement has. */
    public int parameterCount() throws SQLException {
      return statement.getParameterMetaData().getParameterCount();
    }

    /** DuckDB's type of parameter {@code index} (1-based), as DESCRIBE would print it. */
    public String parameterType(int index) throws SQLException {
      return statement.getParameterMetaData().getParameterTypeName(index);
    }

    /**
     * The Arrow schema of the result, from DuckDB's own Arrow export of the statement limited to no
     * row (parameters bound to NULL): nothing is computed.
     */
    public org.apache.arrow.vector.types.pojo.Schema schema(BufferAllocator allocator)
        throws SQLException {
      String body = text.strip();
      while (body.endsWith(";")) {
        body = body.substring(0, body.length() - 1).strip();
      }
      try (PreparedStatement empty =
          connection.prepareStatement("SELECT * FROM (\n" + body + "\n) LIMIT 0")) {
        int parameters = empty.getParameterMetaData().getParameterCount();
        for (int i = 1; i <= parameters; i++) {
          empty.setObject(i, null);
        }
        try (DuckDBResultSet empties = (DuckDBResultSet) empty.executeQuery();
            ArrowReader schemaOnly = (ArrowReader) empties.arrowExportStream(allocator, 1)) {
          return schemaOnly.getVectorSchemaRoot().getSchema();
        } catch (IOException e) {
          throw new SQLException("cannot read the result schema", e);
        }
      }
    }

    /** Binds parameter {@code index} (1-based). */
    public void setParameter(int index, Object value) throws SQLException {
      statement.setObject(index, value);
    }

    /** Runs the statement and exposes its result as Arrow batches of {@code batchRows}. */
    public ArrowReader execute(BufferAllocator allocator, int batchRows) throws SQLException {
      rows = (DuckDBResultSet) statement.executeQuery();
      reader = (ArrowReader) rows.arrowExportStream(allocator, batchRows);
      return reader;
    }

    /** Interrupts the running statement (a deadline, a client that went away). */
    public void cancel() {
      try {
        statement.cancel();
      } catch (SQLException ignored) {
        // Finished or closed: nothing left to stop.
      }
    }

    @Override
    public void close() throws SQLException {
      List<AutoCloseable> order = new ArrayList<>();
      if (reader != null) {
        order.add(reader);
      }
      if (rows != null) {
        order.add(rows);
      }
      order.add(statement);
      order.add(connection);
      order.addAll(imports);
      closeAll(order);
    }
  }

  /**
   * Whether {@code name} is read by exactly one plain scan once the views are expanded: named once
   * in all the statements, counting a view's statement as many times as the view is scanned, and no
   * statement on the way from that reference up to the task holds a join, a sub-query or a CTE
   * (DuckDB may scan either of those more than once, or inline a CTE at each use).
   */
  private static boolean scannedOnce(
      String name, SelectStatement task, List<SelectStatement> views, List<DatasetName> viewNames) {
    Map<SelectStatement, Integer> scans = new IdentityHashMap<>();
    SelectStatement reader = null;
    int references = 0;
    for (SelectStatement statement : prepend(task, views)) {
      int here = statement.references(name) * scansOf(statement, task, views, viewNames, scans);
      references += here;
      if (here > 0) {
        reader = statement;
      }
    }
    while (references == 1 && plainScan(reader)) {
      int at = views.indexOf(reader);
      if (at < 0) {
        return true;
      }
      SelectStatement next = null;
      for (SelectStatement statement : prepend(task, views)) {
        if (statement.references(viewNames.get(at).value()) > 0
            && scansOf(statement, task, views, viewNames, scans) > 0) {
          next = statement;
        }
      }
      reader = next;
    }
    return false;
  }

  private static boolean plainScan(SelectStatement statement) {
    return statement != null
        && statement.joins() == 0
        && statement.subqueries() == 0
        && statement.ctes() == 0;
  }

  /** How many times a statement runs: once for the task, once per scan of a view's name. */
  private static int scansOf(
      SelectStatement statement,
      SelectStatement task,
      List<SelectStatement> views,
      List<DatasetName> viewNames,
      Map<SelectStatement, Integer> memo) {
    if (statement == task) {
      return 1;
    }
    Integer known = memo.get(statement);
    if (known != null) {
      return known;
    }
    memo.put(statement, 0); // views read only views bound before them; this guards a cycle anyway
    String view = viewNames.get(views.indexOf(statement)).value();
    int scans = 0;
    for (SelectStatement reader : prepend(task, views)) {
      if (reader != statement) {
        int here = reader.references(view);
        scans += here == 0 ? 0 : here * scansOf(reader, task, views, viewNames, memo);
      }
    }
    memo.put(statement, scans);
    return scans;
  }

  private static List<SelectStatement> prepend(SelectStatement first, List<SelectStatement> rest) {
    List<SelectStatement> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  /** An input version that was pruned or never held; the attempt may succeed elsewhere. */
  public static final class InputNotAvailableException extends SQLException {
    public InputNotAvailableException(String message) {
      super(message);
    }
  }

  /**
   * Exposes an Arrow reader to SQL as {@code temp."<name>"} (an internal name) through the Arrow C
   * data interface: a temporary table holding a copy, or a view over the stream (scannable once).
   * Returns the exported stream, to be closed once the query ran; closing it closes the reader.
   */
  private AutoCloseable importStream(
      Connection connection, Statement statement, String name, ArrowReader reader, boolean copy)
      throws SQLException {
    String streamName = "relspec_stream_" + UUID.randomUUID().toString().replace("-", "");
    ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
    try {
      Data.exportArrayStream(allocator, reader, stream);
      connection.unwrap(DuckDBConnection.class).registerArrowStream(streamName, stream);
      statement.execute(
          "CREATE OR REPLACE TEMP "
              + (copy ? "TABLE " : "VIEW ")
              + quoteInternal(name)
              + " AS SELECT * FROM "
              + streamName);
      return stream;
    } catch (SQLException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  private static void closeAll(List<AutoCloseable> resources) throws SQLException {
    SQLException failure = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new SQLException("cannot release an imported Arrow stream", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * {@code SELECT CAST(c AS type) AS c, …} from the task's result, so stored names and types are
   * the plan's output schema. The result's columns are renamed by position, so a column DuckDB
   * names differently from Calcite (an expression without an alias) lands in the plan's column.
   */
  private static String castTo(ArrowSchema schema) {
    String result = "temp." + quoteInternal(RESULT_VIEW);
    if (schema == null || schema.fields().isEmpty()) {
      return "SELECT * FROM " + result;
    }
    StringBuilder select = new StringBuilder("SELECT ");
    StringBuilder aliases = new StringBuilder();
    for (int i = 0; i < schema.fields().size(); i++) {
      ArrowField field = schema.fields().get(i);
      String column = quoteInternal(field.name());
      select
          .append(i == 0 ? "" : ", ")
          .append("CAST(\"relspec:r\".")
          .append(column)
          .append(" AS ")
          .append(DuckDbTypes.toDuckDb(field.type()))
          .append(") AS ")
          .append(column);
      aliases.append(i == 0 ? "" : ", ").append(column);
    }
    return select
        .append(" FROM ")
        .append(result)
        .append(" AS \"relspec:r\"(")
        .append(aliases)
        .append(')')
        .toString();
  }

  /**
   * The partitions a file-scoped task run reads and replaces: those of the attempt's file ids, and
   * the global partition, the rows without a file id. A scoped plan derives its rows without a file
   * id only from its inputs' rows without one and from inputs not keyed by file (read whole), so
   * recomputing that partition on every scoped run keeps it exact (a UNION with global branches
   * writes it; elsewhere it is usually empty).
   */
  private static String inScopedPartitions(String fileIdColumn) {
    return inScopedPartitionsOf(quote(fileIdColumn));
  }

  /** {@link #inScopedPartitions} of a column given quoted. */
  private static String inScopedPartitionsOf(String quotedColumn) {
    return "(" + quotedColumn + " IS NULL OR " + inFileScopeOf(quotedColumn) + ")";
  }

  /** The condition that keeps the rows of the attempt's file ids. */
  private static String inFileScope(String fileIdColumn) {
    return inFileScopeOf(quote(fileIdColumn));
  }

  private static String inFileScopeOf(String quotedColumn) {
    return "CAST("
        + quotedColumn
        + " AS VARCHAR) IN (SELECT "
        + quoteInternal(FILE_SCOPE_COLUMN)
        + " FROM temp."
        + quoteInternal(FILE_SCOPE_TABLE)
        + ")";
  }

  private static void fillFileScope(
      Connection connection, Statement statement, Collection<String> fileIds) throws SQLException {
    statement.execute(
        "CREATE OR REPLACE TEMP TABLE "
            + quoteInternal(FILE_SCOPE_TABLE)
            + " ("
            + quoteInternal(FILE_SCOPE_COLUMN)
            + " VARCHAR PRIMARY KEY)");
    // One statement per chunk of ids, passed as a JSON array: DuckDB's JDBC batch runs one
    // INSERT per row, which took minutes for an upload of 100,000 files.
    List<String> ids = List.copyOf(fileIds);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO temp."
                + quoteInternal(FILE_SCOPE_TABLE)
                + " SELECT DISTINCT unnest(from_json(?, '[\"VARCHAR\"]')) ON CONFLICT DO NOTHING")) {
      for (int from = 0; from < ids.size(); from += FILE_SCOPE_CHUNK) {
        insert.setString(
            1, RelspecJson.write(ids.subList(from, Math.min(ids.size(), from + FILE_SCOPE_CHUNK))));
        insert.execute();
      }
    }
  }

  private static final int FILE_SCOPE_CHUNK = 100_000;

  // ---------------------------------------------------------------- source data

  /**
   * Ingests uploaded source data: the rows of {@code reader}, in the contract's column order.
   * Without a file-id column the dataset is replaced; with one, the partitions of the file ids
   * present are replaced and the others kept. The contract holds: a NULL in a column it declares
   * not nullable refuses the whole upload, naming the column and the first such row. {@code event}
   * builds the outbox message committed with the data.
   */
  public Ingested ingest(
      DatasetName dataset,
      ArrowReader reader,
      DatasetContract contract,
      Function<Ingested, String> event)
      throws SQLException {
    List<String> columns = contract.schema().fields().stream().map(ArrowField::name).toList();
    String fileIdColumn = contract.fileIdColumn();
    return lockedData(
        dataset,
        () -> {
          List<AutoCloseable> streams = new ArrayList<>();
          try (Connection connection = connect();
              Statement statement = connection.createStatement()) {
            // With file ids the upload is read twice (its ids, then its rows): copy it first.
            // Without, it is read once into the new version, straight from the stream.
            streams.add(
                importStream(
                    connection, statement, "relspec_upload", reader, fileIdColumn != null));
            List<String> fileIds = new ArrayList<>();
            if (fileIdColumn != null) {
              try (ResultSet rows =
                  statement.executeQuery(
                      "SELECT DISTINCT CAST("
                          + quote(fileIdColumn)
                          + " AS VARCHAR) AS f FROM temp.relspec_upload ORDER BY f NULLS FIRST")) {
                while (rows.next()) {
                  String fileId = rows.getString(1);
                  if (fileId == null) {
                    throw new InvalidDataException(
                        "column '" + fileIdColumn + "' holds the file id and must not be null");
                  }
                  fileIds.add(fileId);
                }
              }
              fillFileScope(connection, statement, fileIds);
            }
            String projection =
                String.join(", ", columns.stream().map(DatasetStore::quote).toList());
            Optional<Version> held = latest(connection, dataset);
            long version = held.map(Version::version).orElse(0L) + 1;
            boolean partial = fileIdColumn != null && held.isPresent();
            // An upload of some files continues the newest version's table, unless the contract's
            // columns changed since: then the kept partitions are copied into a new table and
            // given the new columns, so the earlier version keeps reading its own.
            Version continued =
                partial && sameColumns(statement, held.get(), columns) ? held.get() : null;
            String table = continued != null ? continued.table() : physical(dataset, version);
            return inTransaction(
                statement,
                () -> {
                  Totals ended = null;
                  if (partial) {
                    if (continued != null) {
                      ended =
                          endPartitions(
                              connection, statement, continued, inFileScope(fileIdColumn), version);
                    } else {
                      statement.execute(
                          createStamped(
                              table,
                              "(SELECT * FROM "
                                  + held.get().relation()
                                  + " WHERE "
                                  + quote(fileIdColumn)
                                  + " IS NULL OR NOT "
                                  + inFileScope(fileIdColumn)
                                  + ")",
                              version));
                      conformColumns(statement, table, columns);
                    }
                    statement.execute(
                        appendStamped(
                            table, "SELECT " + projection + " FROM temp.relspec_upload", version));
                    requireValues(statement, "temp.relspec_upload", contract);
                  } else {
                    statement.execute(
                        createStamped(
                            table,
                            "(SELECT " + projection + " FROM temp.relspec_upload)",
                            version));
                    requireValues(statement, table, contract);
                  }
                  return commitIngest(
                      connection,
                      dataset,
                      version,
                      table,
                      continued,
                      ended,
                      fileIdColumn,
                      contract.schema(),
                      fileIds,
                      event);
                });
          } finally {
            closeAll(streams);
          }
        });
  }

  /**
   * Refuses an upload with a NULL in a column the contract declares not nullable, naming the column
   * and the first row (in upload order) that holds one.
   */
  private static void requireValues(Statement statement, String rows, DatasetContract contract)
      throws SQLException {
    for (ArrowField field : contract.schema().fields()) {
      if (field.nullable()) {
        continue;
      }
      try (ResultSet first =
          statement.executeQuery(
              // Row ids of rows written in this transaction start at an offset: count from it.
              "SELECT min(rowid) FILTER (WHERE "
                  + quoteInternal(field.name())
                  + " IS NULL) - min(rowid) FROM "
                  + rows)) {
        first.next();
        long row = first.getLong(1);
        if (!first.wasNull()) {
          throw new InvalidDataException(
              "column '"
                  + field.name()
                  + "' is not nullable in the contract, but row "
                  + (row + 1)
                  + " of the upload holds NULL");
        }
      }
    }
  }

  /**
   * Gives the kept partitions the upload's columns when the contract changed since they were
   * stored: a column the contract gained is added (NULL in the kept rows), one it lost is dropped.
   * The upload was already checked against the current contract, so its columns are the truth.
   */
  private static void conformColumns(Statement statement, String table, List<String> columns)
      throws SQLException {
    Map<String, String> uploaded = describe(statement, "temp.relspec_upload");
    Map<String, String> stored = describe(statement, table);
    stored.remove("relspec:from");
    stored.remove("relspec:to");
    for (String column : columns) {
      if (!stored.containsKey(column)) {
        statement.execute(
            "ALTER TABLE " + table + " ADD COLUMN " + quote(column) + " " + uploaded.get(column));
      }
    }
    for (String column : stored.keySet()) {
      if (!columns.contains(column)) {
        statement.execute("ALTER TABLE " + table + " DROP COLUMN " + quote(column));
      }
    }
  }

  /** Whether a stored version has exactly {@code columns} (by name, in any order). */
  private static boolean sameColumns(Statement statement, Version held, List<String> columns)
      throws SQLException {
    Map<String, String> stored = describe(statement, "SELECT * FROM " + held.relation());
    return stored.keySet().equals(new HashSet<>(columns));
  }

  private static Map<String, String> describe(Statement statement, String relation)
      throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    try (ResultSet rows = statement.executeQuery("DESCRIBE " + relation)) {
      while (rows.next()) {
        columns.put(rows.getString(1), rows.getString(2));
      }
    }
    return columns;
  }

  /**
   * Removes the partitions of {@code fileIds} as a new version; {@code event} builds the outbox
   * message committed with it. When the newest version holds none of them nothing is written and
   * the answer names no file id.
   *
   * @throws DatasetNotHeldException when this store does not hold the dataset
   * @throws InvalidDataException when the dataset has no file-id column
   */
  public Ingested deleteFiles(
      DatasetName dataset, List<String> fileIds, Function<Ingested, String> event)
      throws SQLException {
    return lockedData(
        dataset,
        () -> {
          try (Connection connection = connect();
              Statement statement = connection.createStatement()) {
            Version held =
                latest(connection, dataset).orElseThrow(() -> new DatasetNotHeldException(dataset));
            if (held.fileIdColumn() == null) {
              throw new InvalidDataException(
                  "dataset '" + dataset + "' has no file-id column, so it has no file partitions");
            }
            fillFileScope(connection, statement, fileIds);
            // Only the file ids the version holds are removed; none held changes nothing (no new
            // version, no event), so a retried or mistaken call costs nothing downstream.
            List<String> sorted = new ArrayList<>();
            try (ResultSet rows =
                statement.executeQuery(
                    "SELECT DISTINCT CAST("
                        + quote(held.fileIdColumn())
                        + " AS VARCHAR) AS f FROM "
                        + held.relation()
                        + " WHERE "
                        + inFileScope(held.fileIdColumn())
                        + " ORDER BY f")) {
              while (rows.next()) {
                sorted.add(rows.getString(1));
              }
            }
            if (sorted.isEmpty()) {
              return new Ingested(stored(connection, dataset, held), List.of());
            }
            fillFileScope(connection, statement, sorted);
            long version = held.version() + 1;
            return inTransaction(
                statement,
                () -> {
                  Totals ended =
                      endPartitions(
                          connection, statement, held, inFileScope(held.fileIdColumn()), version);
                  return commitIngest(
                      connection,
                      dataset,
                      version,
                      held.table(),
                      held,
                      ended,
                      held.fileIdColumn(),
                      held.declaredSchema() == null
                          ? null
                          : RelspecJson.read(held.declaredSchema(), ArrowSchema.class),
                      sorted,
                      event);
                });
          }
        });
  }

  /**
   * Ends, as of {@code version}, the live rows of {@code continued} (the newest version) in {@code
   * partitions} (a condition on the file id column): they stay in the table for the versions before
   * it. A store that keeps one version deletes them at once, since no kept version would read them,
   * and returns their totals, measured before; otherwise null (they are measured from their
   * stamps).
   */
  private Totals endPartitions(
      Connection connection,
      Statement statement,
      Version continued,
      String partitions,
      long version)
      throws SQLException {
    String table = continued.table();
    String live = VALID_TO + " IS NULL AND " + partitions;
    if (retainVersions == 1) {
      Totals ended =
          measure(connection, stampedRows(table, live), schemaOf(connection, continued.relation()));
      statement.execute("DELETE FROM " + table + " WHERE " + live);
      return ended;
    }
    statement.execute("UPDATE " + table + " SET " + VALID_TO + " = " + version + " WHERE " + live);
    return null;
  }

  /** A new table of {@code relation}'s rows (a parenthesized query), all from {@code version}. */
  private static String createStamped(String table, String relation, long version) {
    return "CREATE TABLE "
        + table
        + " AS SELECT *, CAST("
        + version
        + " AS BIGINT) AS "
        + VALID_FROM
        + ", CAST(NULL AS BIGINT) AS "
        + VALID_TO
        + " FROM "
        + relation
        + " AS \"relspec:rows\"";
  }

  /** Appends the rows of {@code select} to {@code table}, by column name, from {@code version}. */
  private static String appendStamped(String table, String select, long version) {
    return "INSERT INTO "
        + table
        + " BY NAME SELECT *, CAST("
        + version
        + " AS BIGINT) AS "
        + VALID_FROM
        + " FROM ("
        + select
        + ") AS \"relspec:rows\"";
  }

  private Ingested commitIngest(
      Connection connection,
      DatasetName dataset,
      long version,
      String table,
      Version continued,
      Totals ended,
      String fileIdColumn,
      ArrowSchema declared,
      List<String> fileIds,
      Function<Ingested, String> event)
      throws SQLException {
    StoredDataset[] stored = new StoredDataset[1];
    commitVersion(
        connection,
        dataset,
        version,
        table,
        continued,
        ended,
        fileIdColumn,
        declared,
        written -> {
          stored[0] = written;
          return event.apply(new Ingested(written, fileIds));
        });
    return new Ingested(stored[0], fileIds);
  }

  /** A committed upload or removal: the new version and the file ids it replaced or removed. */
  public record Ingested(StoredDataset stored, List<String> fileIds) {}

  /** Uploaded or requested data the store cannot take (null file ids, no partitions). */
  public static final class InvalidDataException extends SQLException {
    InvalidDataException(String message) {
      super(message);
    }
  }

  /** This store holds no such dataset (or version). */
  public static final class DatasetNotHeldException extends SQLException {
    DatasetNotHeldException(DatasetName dataset) {
      super("this executor holds no dataset '" + dataset + "'");
    }

    DatasetNotHeldException(DatasetName dataset, long version) {
      super("this executor holds no version " + version + " of dataset '" + dataset + "'");
    }
  }

  // ---------------------------------------------------------------- outbox

  /** Events committed with data and not yet confirmed by the broker, oldest first. */
  public List<PendingEvent> pendingEvents() throws SQLException {
    List<PendingEvent> events = new ArrayList<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT event_id, payload FROM "
                    + META
                    + ".outbox ORDER BY created_at, event_id")) {
      while (rows.next()) {
        events.add(new PendingEvent(rows.getString(1), rows.getString(2)));
      }
    }
    return events;
  }

  public void eventPublished(String eventId) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM " + META + ".outbox WHERE event_id = ?")) {
      delete.setString(1, eventId);
      delete.executeUpdate();
    }
  }

  /** An outbox row: the event id and its JSON. */
  public record PendingEvent(String eventId, String payload) {}

  // ---------------------------------------------------------------- versions

  /**
   * Measures the new version, records it, points the dataset's view at it, prunes versions beyond
   * the retention, writes the outbox event and commits.
   *
   * @param continued the version whose table this one continues (an upsert), measured as that
   *     version plus the rows appended minus the rows ended; null when {@code table} is new
   * @param ended the totals of the rows the upsert ended, when they were deleted rather than
   *     stamped (null: measured from their stamps)
   */
  private StoredDataset commitVersion(
      Connection connection,
      DatasetName dataset,
      long version,
      String table,
      Version continued,
      Totals known,
      String fileIdColumn,
      ArrowSchema declared,
      Function<StoredDataset, String> event)
      throws SQLException {
    List<Version> held = versions(connection, dataset);
    String declaredJson = declared == null ? null : RelspecJson.write(declared);
    String rows = rows(table, version);
    ArrowSchema schema = withDeclaredTimezones(schemaOf(connection, rows), declaredJson);
    Totals totals;
    if (continued != null && continued.hashSum() != null) {
      totals =
          new Totals(continued.rows(), continued.bytes(), continued.hashSum())
              .plus(measure(connection, appended(table, version), schema))
              .minus(known != null ? known : measure(connection, ended(table, version), schema));
    } else {
      totals = known != null ? known : measure(connection, rows, schema);
    }
    StoredDataset stored =
        new StoredDataset(
            dataset,
            version,
            totals.rows(),
            totals.bytes(),
            schema,
            fileIdColumn,
            totals.contentHash(schema),
            null);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + META
                + ".versions (dataset, version, table_name, row_count, byte_count, file_id_column,"
                + " created_at, declared_schema, row_hash_sum)"
                + " VALUES (?, ?, ?, ?, ?, ?, current_timestamp, ?, ?)")) {
      insert.setString(1, dataset.value());
      insert.setLong(2, version);
      insert.setString(3, table);
      insert.setLong(4, stored.rows());
      insert.setLong(5, stored.bytes());
      insert.setString(6, fileIdColumn);
      insert.setString(7, declaredJson);
      insert.setString(8, totals.hashSum().toString());
      insert.execute();
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE OR REPLACE VIEW "
              + quote(database)
              + ".main."
              + quote(dataset.value())
              + " AS SELECT * FROM "
              + rows);
      List<Version> kept = new ArrayList<>();
      kept.add(
          new Version(
              version,
              table,
              stored.rows(),
              stored.bytes(),
              fileIdColumn,
              declaredJson,
              totals.hashSum()));
      kept.addAll(held);
      kept = prune(connection, statement, dataset, kept);
      if (event != null) {
        String payload = event.apply(stored);
        try (PreparedStatement outbox =
            connection.prepareStatement(
                "INSERT INTO " + META + ".outbox VALUES (?, ?, current_timestamp)")) {
          outbox.setString(1, UUID.randomUUID().toString());
          outbox.setString(2, payload);
          outbox.execute();
        }
      }
      statement.execute("COMMIT");
      // Only a committed version is visible to readers of the cache.
      versionCache.put(dataset, List.copyOf(kept));
    }
    return stored;
  }

  /**
   * Drops versions beyond the retention: each table no kept version still points at, and in a table
   * kept versions share, the rows only pruned versions read. Returns the kept versions, newest
   * first.
   */
  private List<Version> prune(
      Connection connection, Statement statement, DatasetName dataset, List<Version> versions)
      throws SQLException {
    if (versions.size() <= retainVersions) {
      return versions;
    }
    List<Version> kept = versions.subList(0, retainVersions);
    for (Version old : versions.subList(retainVersions, versions.size())) {
      try (PreparedStatement delete =
          connection.prepareStatement(
              "DELETE FROM " + META + ".versions WHERE dataset = ? AND version = ?")) {
        delete.setString(1, dataset.value());
        delete.setLong(2, old.version());
        delete.execute();
      }
      try (PreparedStatement delete =
          connection.prepareStatement(
              "DELETE FROM " + META + ".partition_digests WHERE dataset = ? AND version = ?")) {
        delete.setString(1, dataset.value());
        delete.setLong(2, old.version());
        delete.execute();
      }
      if (kept.stream().noneMatch(version -> version.table().equals(old.table()))) {
        statement.execute("DROP TABLE IF EXISTS " + old.table());
      }
    }
    Map<String, Long> oldestKept = new LinkedHashMap<>();
    for (Version version : kept) {
      oldestKept.merge(version.table(), version.version(), Math::min);
    }
    for (Version old : versions.subList(retainVersions, versions.size())) {
      Long oldest = oldestKept.remove(old.table());
      if (oldest != null) {
        // Rows ended at or before the oldest kept version of the table belong to none kept.
        statement.execute("DELETE FROM " + old.table() + " WHERE " + VALID_TO + " <= " + oldest);
      }
    }
    return kept;
  }

  /**
   * One stored version: its physical table (possibly shared with the versions before and after it),
   * partitioning, and the sum of its row hashes (null for versions stored before it was kept).
   */
  record Version(
      long version,
      String table,
      long rows,
      long bytes,
      String fileIdColumn,
      String declaredSchema,
      BigInteger hashSum) {
    /** The version's rows, without the stamps, as a parenthesized query. */
    String relation() {
      return DatasetStore.rows(table, version);
    }
  }

  /** The rows of {@code table} that belong to {@code version}, as a parenthesized query. */
  private static String rows(String table, long version) {
    return stampedRows(
        table,
        VALID_FROM
            + " <= "
            + version
            + " AND ("
            + VALID_TO
            + " IS NULL OR "
            + VALID_TO
            + " > "
            + version
            + ")");
  }

  /** The rows {@code version} appended to {@code table}. */
  private static String appended(String table, long version) {
    return stampedRows(table, VALID_FROM + " = " + version);
  }

  /** The rows {@code version} ended in {@code table}. */
  private static String ended(String table, long version) {
    return stampedRows(table, VALID_TO + " = " + version);
  }

  /** The rows of {@code table} meeting {@code condition}, without the stamps, parenthesized. */
  private static String stampedRows(String table, String condition) {
    return "(SELECT * EXCLUDE ("
        + VALID_FROM
        + ", "
        + VALID_TO
        + ") FROM "
        + table
        + " WHERE "
        + condition
        + ")";
  }

  /**
   * The versions held of a dataset, newest first. Read from the store once per dataset, then kept
   * here: every change goes through {@link #commitVersion}, which replaces the entry after its
   * commit, under the dataset's write lock. (Each lookup used to be a query, several per task.)
   */
  private List<Version> versions(Connection connection, DatasetName dataset) throws SQLException {
    List<Version> cached = versionCache.get(dataset);
    if (cached != null) {
      return cached;
    }
    List<Version> loaded = List.copyOf(loadVersions(connection, dataset));
    List<Version> raced = versionCache.putIfAbsent(dataset, loaded);
    return raced == null ? loaded : raced;
  }

  private static List<Version> loadVersions(Connection connection, DatasetName dataset)
      throws SQLException {
    List<Version> versions = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT version, table_name, row_count, byte_count, file_id_column, declared_schema,"
                + " row_hash_sum FROM "
                + META
                + ".versions WHERE dataset = ? ORDER BY version DESC")) {
      select.setString(1, dataset.value());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          versions.add(
              new Version(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getLong(3),
                  rows.getLong(4),
                  rows.getString(5),
                  rows.getString(6),
                  rows.getString(7) == null ? null : new BigInteger(rows.getString(7))));
        }
      }
    }
    return versions;
  }

  private Optional<Version> latest(Connection connection, DatasetName dataset) throws SQLException {
    return versions(connection, dataset).stream().findFirst();
  }

  private Optional<Version> version(Connection connection, DatasetName dataset, long version)
      throws SQLException {
    return versions(connection, dataset).stream()
        .filter(stored -> stored.version() == version)
        .findFirst();
  }

  private String physical(DatasetName dataset, long version) {
    return quote(database) + "." + DATA + ".\"" + dataset.value() + "@" + version + "\"";
  }

  // ---------------------------------------------------------------- reads

  /** The newest version of a dataset held here. */
  public Optional<StoredDataset> describe(DatasetName dataset) throws SQLException {
    try (Connection connection = connect()) {
      Optional<Version> held = latest(connection, dataset);
      return held.isEmpty()
          ? Optional.empty()
          : Optional.of(stored(connection, dataset, held.get()));
    }
  }

  /** One version of a dataset, if still held. */
  public Optional<StoredDataset> describe(DatasetName dataset, long version) throws SQLException {
    try (Connection connection = connect()) {
      Optional<Version> held = version(connection, dataset, version);
      return held.isEmpty()
          ? Optional.empty()
          : Optional.of(stored(connection, dataset, held.get()));
    }
  }

  /** The versions held of one dataset, newest first. */
  public List<StoredDataset> history(DatasetName dataset) throws SQLException {
    try (Connection connection = connect()) {
      List<StoredDataset> result = new ArrayList<>();
      for (Version version : versions(connection, dataset)) {
        result.add(stored(connection, dataset, version));
      }
      return result;
    }
  }

  private static StoredDataset stored(Connection connection, DatasetName dataset, Version version)
      throws SQLException {
    return new StoredDataset(
        dataset,
        version.version(),
        version.rows(),
        version.bytes(),
        withDeclaredTimezones(schemaOf(connection, version.relation()), version.declaredSchema()),
        version.fileIdColumn(),
        null,
        null);
  }

  /** The newest version of every dataset held here, by name. */
  public List<StoredDataset> list() throws SQLException {
    Map<DatasetName, Version> newest = new LinkedHashMap<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT dataset, version, table_name, row_count, byte_count, file_id_column,"
                    + " declared_schema, row_hash_sum FROM "
                    + META
                    + ".versions ORDER BY dataset, version DESC")) {
      while (rows.next()) {
        newest.putIfAbsent(
            DatasetName.of(rows.getString(1)),
            new Version(
                rows.getLong(2),
                rows.getString(3),
                rows.getLong(4),
                rows.getLong(5),
                rows.getString(6),
                rows.getString(7),
                rows.getString(8) == null ? null : new BigInteger(rows.getString(8))));
      }
      List<StoredDataset> result = new ArrayList<>();
      for (Map.Entry<DatasetName, Version> entry : newest.entrySet()) {
        result.add(stored(connection, entry.getKey(), entry.getValue()));
      }
      return result;
    }
  }

  /**
   * An Arrow stream of one version of a dataset (the newest when {@code version} is null),
   * optionally only the partition of one file id. Closing the export closes its reader and
   * connection.
   */
  public Export export(
      DatasetName dataset, Long version, String fileId, BufferAllocator allocator, int batchRows)
      throws SQLException {
    Connection connection = connect();
    try {
      Version held =
          (version == null ? latest(connection, dataset) : version(connection, dataset, version))
              .orElseThrow(
                  () ->
                      version == null
                          ? new DatasetNotHeldException(dataset)
                          : new DatasetNotHeldException(dataset, version));
      PreparedStatement statement;
      if (fileId == null) {
        statement = connection.prepareStatement("SELECT * FROM " + held.relation());
      } else {
        if (held.fileIdColumn() == null) {
          throw new InvalidDataException(
              "dataset '" + dataset + "' has no file-id column, so it has no file partitions");
        }
        statement =
            connection.prepareStatement(
                "SELECT * FROM "
                    + held.relation()
                    + " AS \"relspec:held\" WHERE CAST("
                    + quote(held.fileIdColumn())
                    + " AS VARCHAR) = ?");
        statement.setString(1, fileId);
      }
      DuckDBResultSet rows = (DuckDBResultSet) statement.executeQuery();
      ArrowReader reader = (ArrowReader) rows.arrowExportStream(allocator, batchRows);
      StoredDataset stored = stored(connection, dataset, held);
      try {
        reader = DeclaredTimezones.apply(reader, stored.schema(), allocator);
      } catch (java.io.IOException e) {
        throw new SQLException("cannot read the exported schema of '" + dataset + "'", e);
      }
      return new Export(stored, reader, statement, connection);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** An open Arrow export of one dataset version. */
  public record Export(
      StoredDataset stored, ArrowReader reader, Statement statement, Connection connection)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try (connection;
          statement) {
        reader.close();
      } catch (NullPointerException alreadyReleased) {
        // Imported into another store, whose Arrow C stream released (and closed) this reader.
      }
    }
  }

  /**
   * The stored columns with the time zones their version was declared with: DuckDB keeps a
   * TIMESTAMPTZ as an instant and would report every zone as its own session zone.
   */
  private static ArrowSchema withDeclaredTimezones(ArrowSchema stored, String declaredJson) {
    if (declaredJson == null) {
      return stored;
    }
    ArrowSchema declared = RelspecJson.read(declaredJson, ArrowSchema.class);
    List<ArrowField> fields = new ArrayList<>();
    for (ArrowField field : stored.fields()) {
      ArrowType type = field.type();
      if (type instanceof ArrowType.Timestamp timestamp && timestamp.timezone() != null) {
        ArrowType declaredType = declared.field(field.name()).map(ArrowField::type).orElse(null);
        if (declaredType instanceof ArrowType.Timestamp zoned && zoned.timezone() != null) {
          type = new ArrowType.Timestamp(timestamp.unit(), zoned.timezone());
        }
      }
      fields.add(new ArrowField(field.name(), type, field.nullable(), field.metadata()));
    }
    return new ArrowSchema(fields);
  }

  /** The columns of a relation (a table or a parenthesized query). */
  static ArrowSchema schemaOf(Connection connection, String relation) throws SQLException {
    List<ArrowField> fields = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
      while (rows.next()) {
        fields.add(
            new ArrowField(
                rows.getString("column_name"),
                DuckDbTypes.toArrow(rows.getString("column_type")),
                "YES".equals(rows.getString("null")),
                Map.of()));
      }
    }
    return new ArrowSchema(fields);
  }

  // ---------------------------------------------------------------- plumbing

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException, SqlRefusedException;
  }

  /** {@link #locked} for work that runs no task SQL, so it is never refused. */
  private <T> T lockedData(DatasetName dataset, Work<T> work) throws SQLException {
    try {
      return locked(dataset, work);
    } catch (SqlRefusedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes of one dataset run one at a time; DuckDB would abort the second as a conflict. */
  private <T> T locked(DatasetName dataset, Work<T> work) throws SQLException, SqlRefusedException {
    ReentrantLock lock = writeLocks.computeIfAbsent(dataset, ignored -> new ReentrantLock());
    lock.lock();
    try {
      return work.run();
    } finally {
      lock.unlock();
    }
  }

  private static <T> T inTransaction(Statement statement, Work<T> work)
      throws SQLException, SqlRefusedException {
    statement.execute("BEGIN TRANSACTION");
    try {
      return work.run();
    } catch (SQLException | SqlRefusedException | RuntimeException e) {
      try {
        statement.execute("ROLLBACK");
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
  }

  /** Quotes a name the store chose, or a column name of a result (any text, escaped). */
  static String quoteInternal(String name) {
    return DuckDbSql.quote(name);
  }

  static String quote(String identifier) {
    if (!Identifiers.isIdentifier(identifier) && !Identifiers.isName(identifier)) {
      throw new IllegalArgumentException("'" + identifier + "' is not a valid identifier");
    }
    return DuckDbSql.quote(identifier);
  }

  @Override
  public void close() throws SQLException {
    root.close();
  }

  /**
   * Moves what the write-ahead log holds into the database file. The executor calls it when no task
   * attempt is running, so the work is not paid by the next task's commit. DuckDB skips or refuses
   * a checkpoint while another transaction is open; that is not an error here (the next idle
   * moment, or the log's size bound, checkpoints instead).
   *
   * @return whether the checkpoint ran
   */
  public boolean checkpoint() {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CHECKPOINT");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Sorted view of settings for diagnostics. */
  public Map<String, String> settings(String... names) throws SQLException {
    Map<String, String> result = new TreeMap<>();
    try (Connection connection = connect();
        PreparedStatement select = connection.prepareStatement("SELECT current_setting(?)")) {
      for (String name : names) {
        select.setString(1, name);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          result.put(name, rows.getString(1));
        }
      }
    }
    return result;
  }
}
