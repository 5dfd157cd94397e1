package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * The executor's local dataset store: one DuckDB database file, opened locked down (no external
 * access, no extension loading, configuration locked) so the only way in is a single SELECT that
 * passed {@link #requireSingleSelect}. Each write replaces a dataset's table and bumps its version
 * in one transaction.
 */
public final class DatasetStore implements AutoCloseable {
  private static final String META_SCHEMA = "relspec_meta";

  private final DuckDBConnection root;

  private DatasetStore(DuckDBConnection root) {
    this.root = root;
  }

  public static DatasetStore open(Path dataDir, String memoryLimit, int threads)
      throws SQLException {
    try {
      Files.createDirectories(dataDir.resolve("spill"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create executor data directory " + dataDir, e);
    }
    Properties settings = new Properties();
    // Order matters: everything DuckDB needs is configured before the configuration is locked.
    settings.setProperty("temp_directory", dataDir.resolve("spill").toString());
    settings.setProperty("memory_limit", memoryLimit);
    settings.setProperty("threads", Integer.toString(threads));
    settings.setProperty("autoinstall_known_extensions", "false");
    settings.setProperty("autoload_known_extensions", "false");
    settings.setProperty("allow_community_extensions", "false");
    settings.setProperty("enable_external_access", "false");
    DuckDBConnection connection =
        (DuckDBConnection)
            DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve("store.duckdb"), settings);
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + META_SCHEMA);
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + META_SCHEMA
              + ".dataset_version (dataset VARCHAR PRIMARY KEY, version BIGINT NOT NULL, row_count BIGINT NOT NULL,"
              + " updated_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      statement.execute("SET lock_configuration = true");
    }
    return new DatasetStore(connection);
  }

  /** A new connection to the same database (DuckDB connections are not shared across threads). */
  public Connection connect() throws SQLException {
    return root.duplicate();
  }

  /**
   * Refuses anything but exactly one SELECT, judged by DuckDB's own parser. A forged message with
   * DDL, COPY, ATTACH, PRAGMA or several statements never reaches execution.
   */
  public void requireSingleSelect(Connection connection, String sql)
      throws SQLException, SqlRefusedException {
    try (PreparedStatement check =
        connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      check.setString(1, sql);
      try (ResultSet rows = check.executeQuery()) {
        rows.next();
        com.fasterxml.jackson.databind.JsonNode result =
            io.relspec.contracts.messaging.RelspecJson.mapper().readTree(rows.getString(1));
        if (result.path("error").asBoolean(true)) {
          throw new SqlRefusedException(
              "only a single SELECT may run on an executor: "
                  + result.path("error_message").asText("not a SELECT statement"));
        }
        int statements = result.path("statements").size();
        if (statements != 1) {
          throw new SqlRefusedException(
              "exactly one SELECT statement is allowed, got " + statements);
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new SqlRefusedException("cannot check the statement: " + e.getOriginalMessage());
      }
    }
  }

  /** Replaces {@code output} with the rows of {@code selectSql}; returns the new version. */
  public StoredDataset replace(DatasetName output, String selectSql, List<MacroDefinition> macros)
      throws SQLException, SqlRefusedException {
    try (Connection connection = connect()) {
      requireSingleSelect(connection, selectSql);
      try (Statement statement = connection.createStatement()) {
        createMacros(connection, statement, macros);
        statement.execute("BEGIN TRANSACTION");
        try {
          statement.execute(
              "CREATE OR REPLACE TABLE " + quote(output.value()) + " AS " + selectSql);
          return commitVersion(connection, statement, output);
        } catch (SQLException e) {
          statement.execute("ROLLBACK");
          throw e;
        }
      }
    }
  }

  private void createMacros(
      Connection connection, Statement statement, List<MacroDefinition> macros)
      throws SQLException, SqlRefusedException {
    for (MacroDefinition macro : macros) {
      requireSingleSelect(connection, "SELECT " + macro.expression());
      statement.execute(
          "CREATE OR REPLACE TEMP MACRO "
              + quote(macro.name())
              + "("
              + String.join(", ", macro.parameters().stream().map(DatasetStore::quote).toList())
              + ") AS ("
              + macro.expression()
              + ")");
    }
  }

  /** Counts the output's rows, records the next version, and commits the open transaction. */
  private static StoredDataset commitVersion(
      Connection connection, Statement statement, DatasetName output) throws SQLException {
    long rows;
    try (ResultSet count =
        statement.executeQuery("SELECT COUNT(*) FROM " + quote(output.value()))) {
      count.next();
      rows = count.getLong(1);
    }
    long version = currentVersion(connection, output).orElse(0L) + 1;
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT OR REPLACE INTO "
                + META_SCHEMA
                + ".dataset_version VALUES (?, ?, ?, current_timestamp)")) {
      upsert.setString(1, output.value());
      upsert.setLong(2, version);
      upsert.setLong(3, rows);
      upsert.execute();
    }
    statement.execute("COMMIT");
    return new StoredDataset(output, version, rows, schema(connection, output));
  }

  /**
   * Replaces the partitions of some file ids: deletes the output's rows of those file ids and
   * inserts what the (already scoped) query returns, in one transaction, as a new version. The file
   * ids are also loaded into the temporary table {@value TaskRunRequested#FILE_SCOPE_TABLE}, which
   * a query above the scheduler's IN-list threshold joins.
   *
   * @throws OutputNotHeldException when this store does not hold the output to upsert into
   */
  public StoredDataset upsertFiles(
      DatasetName output,
      String selectSql,
      List<MacroDefinition> macros,
      String fileIdColumn,
      List<String> fileIds)
      throws SQLException, SqlRefusedException {
    if (describe(output).isEmpty()) {
      throw new OutputNotHeldException(output);
    }
    try (Connection connection = connect()) {
      requireSingleSelect(connection, selectSql);
      try (Statement statement = connection.createStatement()) {
        createMacros(connection, statement, macros);
        statement.execute(
            "CREATE OR REPLACE TEMP TABLE "
                + quote(TaskRunRequested.FILE_SCOPE_TABLE)
                + " ("
                + quote(TaskRunRequested.FILE_SCOPE_COLUMN)
                + " VARCHAR PRIMARY KEY)");
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO " + quote(TaskRunRequested.FILE_SCOPE_TABLE) + " VALUES (?)")) {
          for (String fileId : fileIds) {
            insert.setString(1, fileId);
            insert.addBatch();
          }
          insert.executeBatch();
        }
        statement.execute("BEGIN TRANSACTION");
        try {
          statement.execute(
              "DELETE FROM "
                  + quote(output.value())
                  + " WHERE CAST("
                  + quote(fileIdColumn)
                  + " AS VARCHAR) IN (SELECT "
                  + quote(TaskRunRequested.FILE_SCOPE_COLUMN)
                  + " FROM "
                  + quote(TaskRunRequested.FILE_SCOPE_TABLE)
                  + ")");
          statement.execute("INSERT INTO " + quote(output.value()) + " BY NAME " + selectSql);
          StoredDataset stored = commitVersion(connection, statement, output);
          statement.execute("DROP TABLE " + quote(TaskRunRequested.FILE_SCOPE_TABLE));
          return stored;
        } catch (SQLException e) {
          statement.execute("ROLLBACK");
          throw e;
        }
      }
    }
  }

  /** The output is not in this store, so its partitions cannot be upserted here. */
  public static final class OutputNotHeldException extends SQLException {
    OutputNotHeldException(DatasetName output) {
      super(
          "output '"
              + output
              + "' is not held by this executor, so its file partitions cannot be upserted here");
    }
  }

  public Optional<StoredDataset> describe(DatasetName dataset) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT version, row_count FROM "
                    + META_SCHEMA
                    + ".dataset_version WHERE dataset = ?")) {
      select.setString(1, dataset.value());
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new StoredDataset(
                dataset, rows.getLong(1), rows.getLong(2), schema(connection, dataset)));
      }
    }
  }

  public List<StoredDataset> list() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT dataset FROM " + META_SCHEMA + ".dataset_version ORDER BY dataset")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    List<StoredDataset> result = new ArrayList<>();
    for (String name : names) {
      describe(DatasetName.of(name)).ifPresent(result::add);
    }
    return result;
  }

  /** An Arrow stream of a dataset; closing the returned export closes its reader and connection. */
  public Export export(DatasetName dataset, BufferAllocator allocator, int batchRows)
      throws SQLException {
    Connection connection = connect();
    try {
      Statement statement = connection.createStatement();
      DuckDBResultSet rows =
          (DuckDBResultSet) statement.executeQuery("SELECT * FROM " + quote(dataset.value()));
      ArrowReader reader = (ArrowReader) rows.arrowExportStream(allocator, batchRows);
      return new Export(reader, statement, connection);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** An open Arrow export of one dataset. */
  public record Export(ArrowReader reader, Statement statement, Connection connection)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try (connection;
          statement) {
        reader.close();
      }
    }
  }

  private static Optional<Long> currentVersion(Connection connection, DatasetName dataset)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT version FROM " + META_SCHEMA + ".dataset_version WHERE dataset = ?")) {
      select.setString(1, dataset.value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
      }
    }
  }

  private static ArrowSchema schema(Connection connection, DatasetName dataset)
      throws SQLException {
    List<ArrowField> fields = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("DESCRIBE " + quote(dataset.value()))) {
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

  static String quote(String identifier) {
    if (!Identifiers.isIdentifier(identifier) && !Identifiers.isName(identifier)) {
      throw new IllegalArgumentException("'" + identifier + "' is not a valid identifier");
    }
    return "\"" + identifier + "\"";
  }

  @Override
  public void close() throws SQLException {
    root.close();
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
