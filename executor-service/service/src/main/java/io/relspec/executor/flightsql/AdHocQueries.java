package io.relspec.executor.flightsql;

import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.DatasetName;
import io.relspec.executor.flight.FlightFetcher;
import io.relspec.executor.sql.SelectStatement;
import io.relspec.executor.store.AdHocQuery;
import io.relspec.executor.store.DatasetStore;
import io.relspec.executor.store.SqlRefusedException;
import io.relspec.executor.store.StoreException;
import io.relspec.executor.store.TaskQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Binds a client's SELECT the way a task's SQL is bound: DuckDB's parser judges it (exactly one
 * SELECT, no table function but the generators), every name it reads, through views, must be a
 * dataset or view in scope, datasets held here are read at their version, datasets held by other
 * executors are fetched over Flight, views are bound with their own SQL and catalog functions as
 * macros. Nothing is written.
 */
final class AdHocQueries {
  /** The name a query's bound statement is reported under. */
  private static final DatasetName QUERY = DatasetName.of("query");

  private final DatasetStore store;
  private final FlightFetcher fetcher;
  private final BufferAllocator allocator;

  AdHocQueries(DatasetStore store, FlightFetcher fetcher, BufferAllocator allocator) {
    this.store = store;
    this.fetcher = fetcher;
    this.allocator = allocator;
  }

  /**
   * Binds {@code sql} in {@code scope}.
   *
   * @param dataNeeded false when only the result's shape is asked for: inputs held elsewhere are
   *     bound by schema alone, so nothing is fetched
   * @throws FlightRuntimeException INVALID_ARGUMENT for anything but one SELECT over names in
   *     scope, UNAVAILABLE when an input held elsewhere cannot be fetched
   */
  AdHocQuery bind(String sql, QueryNames.Scope scope, boolean dataNeeded) throws SQLException {
    SelectStatement statement = parse(sql);
    // Every dataset the query reads, directly or through views, and the views in catalog order.
    Set<String> datasets = new LinkedHashSet<>();
    Set<String> views = new LinkedHashSet<>();
    Deque<SelectStatement> pending = new ArrayDeque<>(List.of(statement));
    while (!pending.isEmpty()) {
      SelectStatement next = pending.pop();
      for (SelectStatement.TableReference table : next.tables()) {
        String name = table.name();
        if (scope.views().containsKey(name)) {
          if (views.add(name)) {
            pending.push(parse(scope.views().get(name).sql()));
          }
        } else if (scope.datasets().containsKey(name)) {
          datasets.add(name);
        } else {
          throw unknown(table, scope);
        }
      }
    }
    List<ViewDefinition> boundViews = new ArrayList<>();
    for (Map.Entry<String, ViewDefinition> view : scope.views().entrySet()) {
      if (views.contains(view.getKey())) {
        boundViews.add(view.getValue());
      }
    }
    List<TaskQuery.Input> inputs = new ArrayList<>();
    boolean bound = false;
    try {
      for (String name : datasets) {
        QueryNames.Located located = scope.datasets().get(name);
        inputs.add(input(located, dataNeeded));
      }
      AdHocQuery query =
          store.openQuery(
              new TaskQuery(
                  QUERY, sql, scope.macros(), boundViews, inputs, Map.of(), null, null, null));
      bound = true;
      return query;
    } catch (SqlRefusedException e) {
      throw CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException();
    } catch (SQLException e) {
      if (StoreException.is(e, StoreException.Reason.INPUT_NOT_AVAILABLE)) {
        throw CallStatus.UNAVAILABLE.withDescription(e.getMessage()).toRuntimeException();
      }
      // DuckDB's binder: an unknown column, a type error. The client's SQL is at fault.
      throw CallStatus.INVALID_ARGUMENT
          .withDescription(firstLine(e.getMessage()))
          .toRuntimeException();
    } finally {
      if (!bound) {
        closeFetched(inputs);
      }
    }
  }

  /** The Arrow schema of {@code sql}'s result, computing nothing and fetching no data. */
  Schema schema(String sql, QueryNames.Scope scope) throws SQLException {
    try (AdHocQuery query = bind(sql, scope, false)) {
      return query.schema(allocator);
    } catch (SQLException e) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription(firstLine(e.getMessage()))
          .toRuntimeException();
    }
  }

  private TaskQuery.Input input(QueryNames.Located located, boolean dataNeeded) {
    if (located.local()) {
      return new TaskQuery.Local(located.dataset(), located.version());
    }
    try {
      ArrowReader reader =
          dataNeeded
              ? fetcher.fetch(located.flightUri(), located.dataset(), located.version())
              : new SchemaOnlyReader(
                  allocator,
                  fetcher.schema(located.flightUri(), located.dataset(), located.version()));
      return new TaskQuery.Imported(located.dataset(), reader);
    } catch (FlightFetcher.FetchException e) {
      throw CallStatus.UNAVAILABLE.withDescription(e.getMessage()).toRuntimeException();
    }
  }

  /**
   * Closes the streams fetched for a query that could not be bound. Those the store had already
   * registered were released with it; closing them again is harmless but may throw.
   */
  private static void closeFetched(List<TaskQuery.Input> inputs) {
    for (TaskQuery.Input input : inputs) {
      if (input instanceof TaskQuery.Imported imported) {
        try {
          imported.reader().close();
        } catch (Exception alreadyReleased) {
          // Released by the store's cleanup of its Arrow C stream.
        }
      }
    }
  }

  private SelectStatement parse(String sql) throws SQLException {
    try (Connection connection = store.connect()) {
      return store.parse(connection, sql);
    } catch (SqlRefusedException e) {
      throw CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException();
    }
  }

  private static FlightRuntimeException unknown(
      SelectStatement.TableReference table, QueryNames.Scope scope) {
    List<String> known = new ArrayList<>(scope.datasets().keySet());
    known.addAll(scope.views().keySet());
    known.sort(null);
    String listed =
        known.isEmpty()
            ? "none is held here yet"
            : String.join(", ", known.subList(0, Math.min(20, known.size())))
                + (known.size() > 20 ? ", … (" + known.size() + " in all)" : "");
    return CallStatus.NOT_FOUND
        .withDescription(
            "'"
                + String.join(".", table.path())
                + "' is not a dataset or view"
                + (scope.pin().none() ? "" : " of " + scope.pin())
                + "; known: "
                + listed)
        .toRuntimeException();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
