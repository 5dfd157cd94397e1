package io.relspec.scheduler.plans;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.messaging.PlanCatalogCompiled;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.scheduler.SchedulerErrorCode;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.lineage.Lineage;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The plan catalogs this scheduler received (fetched from the compiler on {@code
 * PlanCatalogCompiled}) and their task graphs, built once per catalog and kept for the newest few.
 */
@ApplicationScoped
public class PlanCatalogs {
  private static final Logger LOG = Logger.getLogger(PlanCatalogs.class);
  private static final int CACHED_GRAPHS = 4;

  private final AgroalDataSource dataSource;
  private final Lineage lineage;
  private final CompilerClient compiler;
  private final PlanCatalogStore store = new PlanCatalogStore();
  private final Map<String, TaskGraph> graphs =
      Collections.synchronizedMap(
          new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TaskGraph> eldest) {
              return size() > CACHED_GRAPHS;
            }
          });

  public PlanCatalogs(
      @DataSource("scheduler") AgroalDataSource dataSource,
      CompilerClient compiler,
      Lineage lineage) {
    this.dataSource = dataSource;
    this.lineage = lineage;
    this.compiler = compiler;
  }

  public void onPlanCatalogCompiled(PlanCatalogCompiled event) {
    PlanCatalog catalog = compiler.planCatalog(event.planCatalogId(), event.snapshotId());
    boolean saved =
        Jdbc.inTransaction(
            dataSource,
            connection -> {
              PlanCatalog previous = store.latest(connection).orElse(null);
              boolean added = store.save(connection, catalog);
              if (added) {
                lineage.catalogArrived(connection, catalog, previous);
              }
              return added;
            });
    if (saved) {
      lineage.wake();
      TaskGraph graph = graph(catalog);
      long errors = graph.diagnostics().stream().filter(GraphDiagnostic::isError).count();
      LOG.infof(
          "plan catalog %s for snapshot %s: %d plans, %d compile failures, graph %s with %d errors and %d warnings",
          shortId(catalog.id()),
          shortId(catalog.snapshotId()),
          catalog.plans().size(),
          catalog.failures().size(),
          shortId(graph.signature()),
          errors,
          graph.diagnostics().size() - errors);
    }
  }

  /** The graph of the newest plan catalog. */
  public TaskGraph latest() {
    return Jdbc.inTransaction(dataSource, this::latest);
  }

  public TaskGraph latest(Connection connection) throws SQLException {
    String id =
        store
            .latestId(connection)
            .orElseThrow(
                () ->
                    new RelspecException(
                        SchedulerErrorCode.NO_PLAN_CATALOG,
                        "no plan catalog has been compiled yet: register tasks in the catalog first"));
    return byId(connection, id);
  }

  /** The graph of the newest plan catalog, or empty before the first one was compiled. */
  public Optional<TaskGraph> latestIfAny(Connection connection) throws SQLException {
    Optional<String> id = store.latestId(connection);
    return id.isEmpty() ? Optional.empty() : Optional.of(byId(connection, id.get()));
  }

  public TaskGraph byId(Connection connection, String planCatalogId) throws SQLException {
    TaskGraph cached = graphs.get(planCatalogId);
    if (cached != null) {
      return cached;
    }
    return graph(
        store
            .get(connection, planCatalogId)
            .orElseThrow(
                () -> new IllegalStateException("plan catalog " + planCatalogId + " is gone")));
  }

  private TaskGraph graph(PlanCatalog catalog) {
    return graphs.computeIfAbsent(catalog.id(), id -> TaskGraph.build(catalog));
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
