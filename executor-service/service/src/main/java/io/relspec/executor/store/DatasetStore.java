package io.relspec.executor.store;

import static io.relspec.executor.store.ArrowImports.closeAll;
import static io.relspec.executor.store.ArrowImports.importStream;
import static io.relspec.executor.store.ScopedPartitions.fillFileScope;
import static io.relspec.executor.store.ScopedPartitions.inFileScope;
import static io.relspec.executor.store.ScopedPartitions.inScopedPartitions;
import static io.relspec.executor.store.StampedRows.appendStamped;
import static io.relspec.executor.store.StampedRows.createStamped;
import static io.relspec.executor.store.StampedRows.rows;
import static io.relspec.executor.store.StampedRows.schemaOf;
import static io.relspec.executor.store.StoreDatabase.inTransaction;
import static io.relspec.executor.store.StoreDatabase.quote;
import static io.relspec.executor.store.StoreDatabase.quoteInternal;
import static io.relspec.executor.store.VersionMeasures.digest;
import static io.relspec.executor.store.VersionMeasures.partitionChanges;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.executor.sql.NameBinding;
import io.relspec.executor.sql.SelectStatement;
import io.relspec.executor.store.VersionLedger.Version;
import io.relspec.executor.store.VersionMeasures.PartitionChanges;
import io.relspec.executor.store.VersionMeasures.Totals;
import io.relspec.platform.outbox.OutboxStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
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
 * "relspec:from" <= v} and {@code "relspec:to"} is NULL or greater ({@link StampedRows}). A full
 * write creates a new table; an upsert of some file ids' partitions (a scoped task, an upload of
 * some files, a deletion of files) stays in the newest version's table: it ends the old rows of
 * those file ids and appends their new rows, so it costs what changed, not a copy of the table, and
 * an earlier version still reads exactly its rows. The view {@code "<dataset>"} shows the newest
 * version, and tasks read pinned versions through temporary views of the same name. Every write is
 * one DuckDB transaction (rows, version row, view, pruning, outbox event), so a crash leaves the
 * previous version intact. The newest {@code retainVersions} versions are kept; pruning drops a
 * table no kept version uses and deletes the rows a shared table holds for pruned versions only.
 * Row count, size and content hash of an upsert are the previous version's plus what it appended
 * minus what it ended (the content hash is a sum of row hashes, so it adds up).
 *
 * <p>This class is the store's API and its task writes (full, file-scoped, merged from partial
 * aggregates, rewritten in place); the parts it stands on are classes of their own: {@link
 * StoreDatabase} (the locked-down database, locks, transactions), {@link QueryBinder} (what a
 * task's SQL may read), {@link VersionLedger} (versions, retention, reads, outbox), {@link
 * SourceIngest} (uploads and deletes), {@link KeptPartials} (rule 2c: partials and merges), {@link
 * StampedRows} and {@link ScopedPartitions} (the SQL of stamped rows and scoped partitions).
 *
 * <p>Over 400 lines on purpose: each task write is one transaction whose steps read best in one
 * method.
 */
public final class DatasetStore implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DatasetStore.class);

  private static final String REWRITE_TABLE = "relspec:rewrite";

  private final StoreDatabase database;
  private final VersionLedger ledger;
  private final StoreOutbox outbox;
  private final QueryBinder binder;
  private final KeptPartials keptPartials;
  private final SourceIngest sources;
  private final InputCache inputCache;

  private DatasetStore(StoreDatabase database, InputCache inputCache) {
    this.database = database;
    this.inputCache = inputCache;
    this.outbox = new StoreOutbox(database);
    this.ledger = new VersionLedger(database, outbox);
    this.binder = new QueryBinder(database, ledger);
    this.keptPartials = new KeptPartials(database, ledger, binder);
    this.sources = new SourceIngest(database, ledger);
  }

  /**
   * DuckDB settings of the store, and the bound of its input cache in bytes (0: no cache, fetched
   * inputs are read as streams and not kept).
   */
  public record Settings(
      String memoryLimit, int threads, int retainVersions, long inputCacheBytes) {
    public Settings(String memoryLimit, int threads, int retainVersions) {
      this(memoryLimit, threads, retainVersions, 0);
    }
  }

  /**
   * Opens (or creates) the store under {@code dataDir}.
   *
   * @param allocator Arrow memory for imported inputs and uploads; owned by the caller
   */
  public static DatasetStore open(Path dataDir, Settings settings, BufferAllocator allocator)
      throws SQLException {
    StoreDatabase database = StoreDatabase.open(dataDir, settings, allocator);
    try {
      return new DatasetStore(database, InputCache.open(database, settings.inputCacheBytes()));
    } catch (SQLException | RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** A new connection to the same database (DuckDB connections are not shared across threads). */
  public Connection connect() throws SQLException {
    return database.connect();
  }

  public int retainVersions() {
    return database.retainVersions();
  }

  /** See {@link QueryBinder#parse}. */
  public SelectStatement parse(Connection connection, String sql)
      throws SQLException, SqlRefusedException {
    return binder.parse(connection, sql);
  }

  // ---------------------------------------------------------------- reads and source data

  /** The newest version of a dataset held here. */
  public Optional<StoredDataset> describe(DatasetName dataset) throws SQLException {
    return ledger.describe(dataset);
  }

  /**
   * The version held here: {@code version} itself when still held, the newest when it is null.
   * Unlike {@link #describe} it reads no schema, and usually not the database either.
   */
  public Optional<Long> heldVersion(DatasetName dataset, Long version) throws SQLException {
    return ledger.heldVersion(dataset, version);
  }

  /** One version of a dataset, if still held. */
  public Optional<StoredDataset> describe(DatasetName dataset, long version) throws SQLException {
    return ledger.describe(dataset, version);
  }

  /** The versions held of one dataset, newest first. */
  public List<StoredDataset> history(DatasetName dataset) throws SQLException {
    return ledger.history(dataset);
  }

  /** The newest version of every dataset held here, by name. */
  public List<StoredDataset> list() throws SQLException {
    return ledger.list();
  }

  /** See {@link SourceIngest#ingest}. */
  public Ingested ingest(
      DatasetName dataset,
      ArrowReader reader,
      DatasetContract contract,
      Function<Ingested, RelspecMessage> event)
      throws SQLException {
    return sources.ingest(dataset, reader, contract, event);
  }

  /** See {@link SourceIngest#deleteFiles}. */
  public Ingested deleteFiles(
      DatasetName dataset, List<String> fileIds, Function<Ingested, RelspecMessage> event)
      throws SQLException {
    return sources.deleteFiles(dataset, fileIds, event);
  }

  /** Events committed with uploaded data, for the executor's outbox relay. */
  public OutboxStore outbox() {
    return outbox;
  }

  /** See {@link StoreDatabase#checkpoint}. */
  public boolean checkpoint() {
    return database.checkpoint();
  }

  /** Sorted view of settings for diagnostics. */
  public Map<String, String> settings(String... names) throws SQLException {
    return database.settings(names);
  }

  @Override
  public void close() throws SQLException {
    database.close();
  }

  // ---------------------------------------------------------------- input cache

  /** Whether fetched input versions are kept ({@link Settings#inputCacheBytes} above 0). */
  public boolean inputCacheEnabled() {
    return inputCache.enabled();
  }

  /** Bytes the input cache holds now. */
  public long inputCacheBytes() {
    return inputCache.bytes();
  }

  /**
   * A version fetched from another executor earlier and still kept, held from eviction until the
   * returned input is closed; empty when not cached.
   */
  public Optional<TaskQuery.Cached> cachedInput(DatasetName dataset, long version) {
    return inputCache.lookup(dataset, version);
  }

  /**
   * Keeps a version being fetched ({@code reader}, consumed here) in the input cache and returns
   * it, held until closed; the least recently used versions no task reads are dropped past the
   * bound.
   */
  public TaskQuery.Cached cacheInput(DatasetName dataset, long version, ArrowReader reader)
      throws SQLException {
    return inputCache.load(dataset, version, reader);
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
    return database.locked(
        query.output(),
        () -> {
          List<AutoCloseable> streams = new ArrayList<>();
          try (Connection connection = connect();
              Statement statement = connection.createStatement()) {
            String select = binder.prepare(connection, statement, query, streams, partials != null);
            String partialSql =
                partials == null ? null : keptPartials.partialSql(connection, query, partials);
            Optional<Version> held = ledger.latest(connection, query.output());
            long version = held.map(Version::version).orElse(0L) + 1;
            String table = database.physical(query.output(), version);
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
                                + keptPartials.partialsTable(query.output())
                                + " AS SELECT * FROM ("
                                + partialSql
                                + ")");
                    keptPartials.keepIfWorthIt(connection, statement, query, partials, version);
                  } else if (partials != null
                      && KeptPartials.version(connection, query.output(), partials).orElse(0L)
                          != KeptPartials.DECLINED) {
                    KeptPartials.forget(connection, query.output());
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
                  return ledger.commitVersion(
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
   * @throws StoreException ({@code OUTPUT_NOT_HELD}) when neither this store nor {@code previous}
   *     has the output
   */
  public StoredDataset upsertFiles(
      TaskQuery query, String fileIdColumn, List<String> fileIds, PreviousVersion previous)
      throws SQLException, SqlRefusedException {
    if (fileIdColumn == null) {
      throw new SqlRefusedException("an upsert of file partitions needs the file-id column");
    }
    return database.locked(
        query.output(),
        () -> {
          List<AutoCloseable> streams = new ArrayList<>();
          try (Connection connection = connect();
              Statement statement = connection.createStatement()) {
            Optional<Version> held = ledger.latest(connection, query.output());
            if (held.isEmpty() && previous == null) {
              throw StoreException.outputNotHeld(query.output());
            }
            // The scope table exists before the scoped inputs' views that read it.
            fillFileScope(connection, statement, fileIds);
            String select = binder.prepare(connection, statement, query, streams);
            long base = held.map(Version::version).orElse(0L);
            if (previous != null) {
              base = Math.max(base, previous.version());
              streams.add(
                  importStream(
                      database.allocator(),
                      connection,
                      statement,
                      "relspec_previous",
                      previous.reader(),
                      true));
            }
            long version = base + 1;
            // The newest version held here is continued in its own table; one fetched from
            // another executor is copied into a new table first.
            Version continued = previous == null ? held.orElseThrow() : null;
            String table =
                continued != null ? continued.table() : database.physical(query.output(), version);
            return inTransaction(
                statement,
                () -> {
                  Totals ended = null;
                  if (continued != null) {
                    ended =
                        ledger.endPartitions(
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
                  return ledger.commitVersion(
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

  /** Which partial aggregates to keep for an output: their key, and the plan they belong to. */
  public record Partials(FileScope.PartialAggregate key, Fingerprint fingerprint) {}

  /** See {@link KeptPartials#merge}. */
  public Optional<StoredDataset> mergePartials(
      TaskQuery query, List<String> fileIds, Partials partials, Long previousVersion)
      throws SQLException, SqlRefusedException {
    return keptPartials.merge(query, fileIds, partials, previousVersion);
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
              return ledger
                  .commitVersion(
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
            ledger.endPartitions(connection, statement, held, partitions, version);
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
            return ledger
                .commitVersion(
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
        String text = binder.bind(connection, statement, query, imports);
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

  /** A committed upload or removal: the new version and the file ids it replaced or removed. */
  public record Ingested(StoredDataset stored, List<String> fileIds) {}

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
          (version == null
                  ? ledger.latest(connection, dataset)
                  : ledger.version(connection, dataset, version))
              .orElseThrow(
                  () ->
                      version == null
                          ? StoreException.notHeld(dataset)
                          : StoreException.notHeld(dataset, version));
      PreparedStatement statement;
      if (fileId == null) {
        statement = connection.prepareStatement("SELECT * FROM " + held.relation());
      } else {
        if (held.fileIdColumn() == null) {
          throw StoreException.invalidData(
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
      StoredDataset stored = VersionLedger.stored(connection, dataset, held);
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
}
