package io.relspec.bench.system;

import static io.relspec.contracts.duckdb.DuckDbSql.quote;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.duckdb.DuckDbSql;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskKind;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.duckdb.DuckDBConnection;

/**
 * The engine's own speed: every task's own SQL run directly on one in-memory DuckDB in this
 * process, over the same source files — every materialized task as one {@code CREATE TABLE AS}, in
 * dependency order, view tasks as DuckDB views, the catalog's functions as macros. No services, no
 * broker, no store versions, no Flight: what a hand-written DuckDB script would do.
 */
final class DuckDbBaseline implements AutoCloseable {
  private final Connection duckdb;
  private final PlanCatalog catalog;
  private final List<PlanArtifact> order;
  private final Map<DatasetName, PlanArtifact> byOutput = new LinkedHashMap<>();
  private final Set<DatasetName> viewsCreated = new HashSet<>();

  /** The database's catalog name: a temporary view shadows {@code name}, this reaches the table. */
  private final String database;

  private Map<String, Long> lastTaskMillis = Map.of();

  /**
   * @param databaseFile null for an in-memory database (the headline baseline); a file to persist
   *     every table as the executor's store does, which splits persistence from the rest of a gap
   */
  DuckDbBaseline(
      PlanCatalog catalog, Path sources, BufferAllocator allocator, int threads, Path databaseFile)
      throws Exception {
    this.catalog = catalog;
    this.order = dependencyOrder(catalog.plans().values());
    catalog.plans().values().forEach(plan -> byOutput.put(plan.output(), plan));
    this.duckdb =
        DriverManager.getConnection(
            "jdbc:duckdb:" + (databaseFile == null ? "" : databaseFile.toString()));
    try (Statement statement = duckdb.createStatement()) {
      try (var rows = statement.executeQuery("SELECT current_database()")) {
        rows.next();
        this.database = quote(rows.getString(1));
      }
      statement.execute("SET threads = " + threads);
      statement.execute("SET preserve_insertion_order = false");
      for (Map.Entry<String, FunctionSpec> function : catalog.functions().entrySet()) {
        String parameters =
            function.getValue().parameters().stream()
                .map(FunctionSpec.Parameter::name)
                .collect(Collectors.joining(", "));
        statement.execute(
            "CREATE MACRO "
                + function.getKey()
                + "("
                + parameters
                + ") AS ("
                + function.getValue().expression()
                + ")");
      }
    }
    load(sources, allocator);
  }

  /** Loads every {@code <dataset>.arrow} of the directory as a table. */
  void load(Path directory, BufferAllocator allocator) throws Exception {
    try (var files = Files.list(directory);
        Statement statement = duckdb.createStatement()) {
      for (Path file : files.filter(f -> f.toString().endsWith(".arrow")).sorted().toList()) {
        String table = file.getFileName().toString().replace(".arrow", "");
        withArrowFile(
            file,
            "load_" + table,
            allocator,
            () ->
                statement.execute(
                    "CREATE OR REPLACE TABLE " + quote(table) + " AS SELECT * FROM load_" + table));
      }
    }
  }

  /** Every materialized task, in dependency order; returns the seconds it took. */
  double runAll() throws SQLException {
    long start = System.nanoTime();
    Map<String, Long> millis = new LinkedHashMap<>();
    try (Statement statement = duckdb.createStatement()) {
      for (PlanArtifact plan : order) {
        long taskStart = System.nanoTime();
        createViews(statement, plan);
        statement.execute(
            "CREATE OR REPLACE TABLE " + quote(plan.output().value()) + " AS " + plan.sql());
        millis.put(plan.task().value(), (System.nanoTime() - taskStart) / 1_000_000);
      }
    }
    lastTaskMillis = millis;
    return (System.nanoTime() - start) / 1e9;
  }

  /** Milliseconds per task of the last {@link #runAll}, in dependency order. */
  Map<String, Long> lastTaskMillis() {
    return lastTaskMillis;
  }

  /** Creates the views a task reads (once; DuckDB binds a view's names when it is read). */
  private void createViews(Statement statement, PlanArtifact plan) throws SQLException {
    for (DatasetName view : plan.views()) {
      if (viewsCreated.add(view)) {
        statement.execute(
            "CREATE OR REPLACE VIEW " + quote(view.value()) + " AS " + byOutput.get(view).sql());
      }
    }
  }

  /**
   * What an incremental run does by hand: replace the changed files' rows of the source tables,
   * then re-run the given tasks — the scoped ones only for those files (delete their rows, insert
   * what the task's SQL computes with its file-keyed inputs shadowed by temporary views of the
   * changed files' rows), the others whole. Returns the seconds it took.
   */
  double runChanged(
      Path changedSources,
      BufferAllocator allocator,
      Collection<String> fileIds,
      Set<String> tasksToRun,
      Set<String> scopedTasks)
      throws Exception {
    String ids = fileIds.stream().map(DuckDbSql::literal).collect(Collectors.joining(", "));
    long start = System.nanoTime();
    try (var files = Files.list(changedSources);
        Statement statement = duckdb.createStatement()) {
      for (Path file : files.filter(f -> f.toString().endsWith(".arrow")).sorted().toList()) {
        String table = file.getFileName().toString().replace(".arrow", "");
        String fileIdColumn = catalog.sources().get(DatasetName.of(table)).fileIdColumn();
        withArrowFile(
            file,
            "changed_" + table,
            allocator,
            () -> {
              statement.execute(
                  "DELETE FROM "
                      + quote(table)
                      + " WHERE "
                      + quote(fileIdColumn)
                      + " IN ("
                      + ids
                      + ")");
              statement.execute("INSERT INTO " + quote(table) + " SELECT * FROM changed_" + table);
            });
      }
      for (PlanArtifact plan : order) {
        String task = plan.task().value();
        if (!tasksToRun.contains(task)) {
          continue;
        }
        String output = quote(plan.output().value());
        createViews(statement, plan);
        // A task kept from partial aggregates has no file-keyed output: by hand it is recomputed.
        if (scopedTasks.contains(task) && plan.fileScope().fileIdColumn() != null) {
          String column = quote(plan.fileScope().fileIdColumn());
          statement.execute("DELETE FROM " + output + " WHERE " + column + " IN (" + ids + ")");
          List<String> shadows = new ArrayList<>();
          for (Map.Entry<DatasetName, String> input : plan.fileScope().scopedInputs().entrySet()) {
            String name = quote(input.getKey().value());
            statement.execute(
                "CREATE OR REPLACE TEMP VIEW "
                    + name
                    + " AS SELECT * FROM "
                    + database
                    + ".main."
                    + name
                    + " WHERE CAST("
                    + quote(input.getValue())
                    + " AS VARCHAR) IN ("
                    + ids
                    + ")");
            shadows.add(name);
          }
          for (DatasetName view : plan.views()) {
            // the task's views, over the shadowed inputs
            String name = quote(view.value());
            statement.execute(
                "CREATE OR REPLACE TEMP VIEW " + name + " AS " + byOutput.get(view).sql());
            shadows.add(name);
          }
          statement.execute("INSERT INTO " + output + " BY NAME " + plan.sql());
          for (String shadow : shadows.reversed()) {
            statement.execute("DROP VIEW temp.main." + shadow);
          }
        } else {
          statement.execute("CREATE OR REPLACE TABLE " + output + " AS " + plan.sql());
        }
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  interface SqlWork {
    void run() throws SQLException;
  }

  /**
   * Registers an Arrow IPC file as a scannable stream under {@code name} while {@code work} runs.
   */
  private void withArrowFile(Path file, String name, BufferAllocator allocator, SqlWork work)
      throws Exception {
    try (ArrowFileReader reader =
            new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), allocator);
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      Data.exportArrayStream(allocator, reader, stream);
      duckdb.unwrap(DuckDBConnection.class).registerArrowStream(name, stream);
      work.run();
    }
  }

  private static List<PlanArtifact> dependencyOrder(Collection<PlanArtifact> plans) {
    Map<DatasetName, PlanArtifact> materialized = new LinkedHashMap<>();
    for (PlanArtifact plan : plans) {
      if (plan.kind() != TaskKind.VIEW) {
        materialized.put(plan.output(), plan);
      }
    }
    List<PlanArtifact> order = new ArrayList<>();
    Set<DatasetName> done = new HashSet<>();
    while (order.size() < materialized.size()) {
      boolean progressed = false;
      for (PlanArtifact plan : materialized.values()) {
        if (!done.contains(plan.output())
            && plan.physicalInputs().stream()
                .allMatch(input -> done.contains(input) || !materialized.containsKey(input))) {
          order.add(plan);
          done.add(plan.output());
          progressed = true;
        }
      }
      if (!progressed) {
        throw new IllegalStateException("the plan catalog has a cycle");
      }
    }
    return order;
  }

  @Override
  public void close() throws SQLException {
    duckdb.close();
  }
}
