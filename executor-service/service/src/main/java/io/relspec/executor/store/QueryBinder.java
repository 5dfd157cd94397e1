package io.relspec.executor.store;

import static io.relspec.executor.store.ArrowImports.importStream;
import static io.relspec.executor.store.InputScans.scannedOnce;
import static io.relspec.executor.store.ScopedPartitions.inScopedPartitions;
import static io.relspec.executor.store.StoreDatabase.quote;
import static io.relspec.executor.store.StoreDatabase.quoteInternal;
import static io.relspec.executor.store.VersionMeasures.digest;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.duckdb.DuckDbTypes;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.executor.sql.NameBinding;
import io.relspec.executor.sql.SelectStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds what a task's SQL reads on one connection: catalog functions as temporary macros, each
 * input as a temporary view of its pinned version (a scoped input: only the rows of the attempt's
 * file ids), each view task as a temporary view of its own SQL. DuckDB's parser judges every
 * statement ({@link #parse}), and each may read only the names bound before it ({@link
 * NameBinding}).
 */
final class QueryBinder {
  private final StoreDatabase database;
  private final VersionLedger ledger;

  QueryBinder(StoreDatabase database, VersionLedger ledger) {
    this.database = database;
    this.ledger = ledger;
  }

  /** The view a task's result is cast from; a colon keeps it apart from every dataset name. */
  static final String RESULT_VIEW = "relspec:result";

  /** How many parsed statements {@link #parse} remembers before it starts over. */
  private static final int PARSED_LIMIT = 10_000;

  /**
   * Statements DuckDB's parser accepted, by the SHA-256 of their text: a task's SQL recurs on every
   * run, and the verdict depends on the text alone. Refusals are not remembered.
   */
  private final Map<String, SelectStatement> parsed = new ConcurrentHashMap<>();

  /**
   * Parses {@code sql} as exactly one SELECT with DuckDB's own parser, remembering accepted ones. A
   * forged message with DDL, COPY, ATTACH, PRAGMA, SET or several statements never reaches
   * execution.
   */
  SelectStatement parse(Connection connection, String sql)
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

  /**
   * Binds everything the task's SQL reads on this connection and returns the SELECT to store:
   * catalog functions as temporary macros (one scalar expression each, reading no table), each
   * input as a temporary view of its pinned version under the dataset's name (a scoped input: only
   * the rows of the attempt's file ids), each view task as a temporary view of its own SQL, and the
   * task's own SQL inline in the SELECT that casts its result (a temporary view instead when a
   * second statement reads it too). DuckDB's parser judges every statement, and each may read only
   * the names bound before it.
   */
  String prepare(
      Connection connection, Statement statement, TaskQuery query, List<AutoCloseable> streams)
      throws SQLException, SqlRefusedException {
    return prepare(connection, statement, query, streams, false);
  }

  /**
   * @param scannedTwice whether a second statement reads the inputs after the task's SQL (the
   *     partial aggregates of a full run): a fetched input is then copied, as a stream is read once
   */
  String prepare(
      Connection connection,
      Statement statement,
      TaskQuery query,
      List<AutoCloseable> streams,
      boolean scannedTwice)
      throws SQLException, SqlRefusedException {
    String text = bind(connection, statement, query, streams, scannedTwice);
    String inline = text.stripTrailing();
    while (inline.endsWith(";")) {
      inline = inline.substring(0, inline.length() - 1).stripTrailing();
    }
    // Read once, the task's SQL goes inline, which spares DuckDB a statement per task; a text with
    // a semicolon left (one in a literal, or before a trailing comment) keeps the view, where
    // DuckDB takes the semicolon as the statement's end.
    if (!scannedTwice && inline.indexOf(';') < 0) {
      return castTo(query.outputSchema(), "(\n" + inline + "\n)");
    }
    statement.execute("CREATE OR REPLACE TEMP VIEW " + quoteInternal(RESULT_VIEW) + " AS " + text);
    return castTo(query.outputSchema());
  }

  /**
   * Binds the macros, inputs and views of {@code query} on this connection and returns the text of
   * its own SQL to run there (dotted names flattened); see {@link #prepare}.
   */
  String bind(
      Connection connection, Statement statement, TaskQuery query, List<AutoCloseable> streams)
      throws SQLException, SqlRefusedException {
    return bind(connection, statement, query, streams, false);
  }

  String bind(
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
              + String.join(", ", macro.parameters().stream().map(StoreDatabase::quote).toList())
              + ") AS "
              + body);
    }
    Set<String> bound = new HashSet<>();
    int imported = 0;
    for (TaskQuery.Input input : query.inputs()) {
      String source =
          switch (input) {
            case TaskQuery.Local local ->
                ledger
                    .version(connection, local.dataset(), local.version())
                    .orElseThrow(
                        () ->
                            new StoreException(
                                StoreException.Reason.INPUT_NOT_AVAILABLE,
                                "input '"
                                    + local.dataset()
                                    + "' version "
                                    + local.version()
                                    + " is no longer held (this executor keeps the last "
                                    + database.retainVersions()
                                    + " versions)"))
                    .relation();
            case TaskQuery.Cached cached -> cached.relation();
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
              streams.add(
                  importStream(
                      database.allocator(), connection, statement, name, stream.reader(), copy));
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

  /**
   * {@code SELECT CAST(c AS type) AS c, …} from the task's result, so stored names and types are
   * the plan's output schema. The result's columns are renamed by position, so a column DuckDB
   * names differently from Calcite (an expression without an alias) lands in the plan's column.
   */
  static String castTo(ArrowSchema schema) {
    return castTo(schema, "temp." + quoteInternal(RESULT_VIEW));
  }

  /** {@link #castTo(ArrowSchema)} from {@code result}, a relation or a parenthesized query. */
  static String castTo(ArrowSchema schema, String result) {
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
}
