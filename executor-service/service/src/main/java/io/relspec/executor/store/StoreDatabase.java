package io.relspec.executor.store;

import static io.relspec.executor.store.StampedRows.VALID_FROM;
import static io.relspec.executor.store.StampedRows.VALID_TO;

import io.relspec.contracts.duckdb.DuckDbSql;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Identifiers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.memory.BufferAllocator;
import org.duckdb.DuckDBConnection;
import org.jboss.logging.Logger;

/**
 * The executor's DuckDB database file, opened locked down (no external access, no extension
 * loading, configuration locked), with the store's schemas and tables, a write lock per dataset and
 * the transactions writes run in.
 */
final class StoreDatabase {
  static final String META = "relspec_meta";
  private static final Logger LOG = Logger.getLogger(StoreDatabase.class);
  static final String DATA = "relspec_data";

  /** The write-ahead log size at which a commit checkpoints; see {@link #checkpoint}. */
  static final String CHECKPOINT_THRESHOLD = "256MB";

  private final DuckDBConnection root;
  private final String database;
  private final int retainVersions;
  private final BufferAllocator allocator;
  private final Map<DatasetName, ReentrantLock> writeLocks = new ConcurrentHashMap<>();

  private StoreDatabase(
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
  static StoreDatabase open(Path dataDir, DatasetStore.Settings settings, BufferAllocator allocator)
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
      StoreOutbox.createTable(statement);
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
    return new StoreDatabase(connection, database, settings.retainVersions(), allocator);
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

  /** A new connection to the same database (DuckDB connections are not shared across threads). */
  Connection connect() throws SQLException {
    return root.duplicate();
  }

  int retainVersions() {
    return retainVersions;
  }

  /** Arrow memory for imported inputs and uploads. */
  BufferAllocator allocator() {
    return allocator;
  }

  /** The physical table of one version of a dataset written as a new table. */
  String physical(DatasetName dataset, long version) {
    return quote(database) + "." + DATA + ".\"" + dataset.value() + "@" + version + "\"";
  }

  /** A table of the store's own in the data schema, by a name that holds a colon. */
  String internalTable(String name) {
    return quoteInternal(database) + "." + DATA + "." + quoteInternal(name);
  }

  /** The view that shows the newest version of a dataset. */
  String datasetView(DatasetName dataset) {
    return quote(database) + ".main." + quote(dataset.value());
  }

  @FunctionalInterface
  interface Work<T> {
    T run() throws SQLException, SqlRefusedException;
  }

  /** {@link #locked} for work that runs no task SQL, so it is never refused. */
  <T> T lockedData(DatasetName dataset, Work<T> work) throws SQLException {
    try {
      return locked(dataset, work);
    } catch (SqlRefusedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes of one dataset run one at a time; DuckDB would abort the second as a conflict. */
  <T> T locked(DatasetName dataset, Work<T> work) throws SQLException, SqlRefusedException {
    ReentrantLock lock = writeLocks.computeIfAbsent(dataset, ignored -> new ReentrantLock());
    lock.lock();
    try {
      return work.run();
    } finally {
      lock.unlock();
    }
  }

  static <T> T inTransaction(Statement statement, Work<T> work)
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

  void close() throws SQLException {
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
  boolean checkpoint() {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CHECKPOINT");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Sorted view of settings for diagnostics. */
  Map<String, String> settings(String... names) throws SQLException {
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
