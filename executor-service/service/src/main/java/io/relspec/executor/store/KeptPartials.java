package io.relspec.executor.store;

import static io.relspec.executor.store.ArrowImports.closeAll;
import static io.relspec.executor.store.QueryBinder.RESULT_VIEW;
import static io.relspec.executor.store.QueryBinder.castTo;
import static io.relspec.executor.store.ScopedPartitions.fillFileScope;
import static io.relspec.executor.store.ScopedPartitions.inScopedPartitionsOf;
import static io.relspec.executor.store.StampedRows.createStamped;
import static io.relspec.executor.store.StampedRows.schemaOf;
import static io.relspec.executor.store.StoreDatabase.META;
import static io.relspec.executor.store.StoreDatabase.inTransaction;
import static io.relspec.executor.store.StoreDatabase.quoteInternal;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.model.DatasetName;
import io.relspec.executor.sql.NameBinding;
import io.relspec.executor.sql.PartialAggregation;
import io.relspec.executor.store.DatasetStore.Partials;
import io.relspec.executor.store.VersionLedger.Version;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The partial aggregates kept per file id for outputs of rule 2c (an aggregation grouped by other
 * keys): their table {@code relspec_data."partials:<dataset>"}, the ledger row saying which plan
 * and output version they belong to, and the split of the task's SQL into a partial and a final
 * query, kept per plan.
 */
final class KeptPartials {
  private static final Logger LOG = Logger.getLogger(KeptPartials.class);

  private final StoreDatabase database;
  private final VersionLedger ledger;
  private final QueryBinder binder;

  KeptPartials(StoreDatabase database, VersionLedger ledger, QueryBinder binder) {
    this.database = database;
    this.ledger = ledger;
    this.binder = binder;
  }

  /** Why the kept partials cannot be merged into, or null when they can. */
  static String whyNoMerge(Optional<Version> held, Optional<Long> kept, Long previousVersion) {
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
  Optional<StoredDataset> merge(
      TaskQuery query, List<String> fileIds, Partials partials, Long previousVersion)
      throws SQLException, SqlRefusedException {
    return database.locked(
        query.output(),
        () -> {
          List<AutoCloseable> streams = new ArrayList<>();
          try (Connection connection = database.connect();
              Statement statement = connection.createStatement()) {
            Optional<Version> held = ledger.latest(connection, query.output());
            Optional<Long> kept = version(connection, query.output(), partials);
            String missing = whyNoMerge(held, kept, previousVersion);
            if (missing != null) {
              LOG.infof("%s: cannot merge partial aggregates (%s)", query.output(), missing);
              return Optional.empty();
            }
            fillFileScope(connection, statement, fileIds);
            String taskSql = binder.bind(connection, statement, query, streams);
            PartialAggregation split;
            try {
              split = split(connection, query, partials);
            } catch (PartialAggregation.Unsupported e) {
              // The partials were kept by a full run of this very plan, so its SQL did split then.
              forget(connection, query.output());
              throw new IllegalStateException(
                  "the partials of "
                      + query.output()
                      + " were kept, but its SQL no longer splits ("
                      + e.getMessage()
                      + "); the next attempt runs it in full");
            }
            String partialSql =
                NameBinding.bind(
                    binder.parse(connection, split.partialSql()),
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
                    + String.join(", ", names.stream().map(StoreDatabase::quoteInternal).toList())
                    + ")";
            long version = held.get().version() + 1;
            String table = database.physical(query.output(), version);
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
                      record(connection, query.output(), partials, version);
                      return ledger.commitVersion(
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
  String partialSql(Connection connection, TaskQuery query, Partials partials) throws SQLException {
    if (version(connection, query.output(), partials).orElse(0L) == DECLINED) {
      return null;
    }
    try {
      PartialAggregation split = split(connection, query, partials);
      String partialSql =
          NameBinding.bind(
              binder.parse(connection, split.partialSql()),
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
  private static final int SPLITS_LIMIT = 10_000;

  private final Map<String, PartialAggregation> splits = new ConcurrentHashMap<>();

  /** Splits the task's SQL, with its inputs bound on {@code connection} to resolve names. */
  PartialAggregation split(Connection connection, TaskQuery query, Partials partials)
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
    if (splits.size() >= SPLITS_LIMIT) {
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
                "DESCRIBE " + NameBinding.bind(binder.parse(connection, probe), bound, "a probe"));
            return true;
          } catch (SqlRefusedException | SQLException e) {
            return false;
          }
        });
  }

  /** The names {@link #bind} binds for {@code query}: its inputs and views. */
  static Set<String> boundNames(TaskQuery query) {
    Set<String> bound = new HashSet<>();
    query.inputs().forEach(input -> bound.add(input.dataset().value()));
    query.views().forEach(view -> bound.add(view.name().value()));
    return bound;
  }

  String partialsTable(DatasetName dataset) {
    return database.internalTable("partials:" + dataset.value());
  }

  /**
   * Partial aggregates pay only when they are far fewer than the rows they summarize: a merge
   * aggregates all partials again. Where they are more than a quarter of the key input's rows (the
   * groups are nearly as many as the rows, as for a GROUP BY of a per-row id), they are dropped and
   * the plan is marked {@link #DECLINED}, so its later full runs do not compute them again and its
   * scoped runs run in full.
   */
  void keepIfWorthIt(
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
            ledger
                .version(connection, local.dataset(), local.version())
                .map(Version::rows)
                .orElse(-1L);
      }
    }
    if (inputRows >= 0 && partialRows > Math.max(1_000, inputRows / 4)) {
      LOG.infof(
          "%s: partial aggregates declined: %d partials for %d rows of %s; its scoped runs will"
              + " run in full",
          query.output(), partialRows, inputRows, partials.key().keyInput());
      statement.execute("DROP TABLE " + partialsTable(query.output()));
      record(connection, query.output(), partials, DECLINED);
      return;
    }
    record(connection, query.output(), partials, version);
  }

  /** The ledger's version for a plan whose partials are not worth keeping. */
  static final long DECLINED = -1;

  /** The output version whose partials are kept for this plan, if any. */
  static Optional<Long> version(Connection connection, DatasetName dataset, Partials partials)
      throws SQLException {
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

  static void record(Connection connection, DatasetName dataset, Partials partials, long version)
      throws SQLException {
    forget(connection, dataset);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO " + META + ".partials (dataset, fingerprint, version) VALUES (?, ?, ?)")) {
      insert.setString(1, dataset.value());
      insert.setString(2, partials.fingerprint().value());
      insert.setLong(3, version);
      insert.executeUpdate();
    }
  }

  static void forget(Connection connection, DatasetName dataset) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM " + META + ".partials WHERE dataset = ?")) {
      delete.setString(1, dataset.value());
      delete.executeUpdate();
    }
  }
}
