package io.relspec.compiler.plans;

import io.relspec.compiler.CompilerConfig;
import io.relspec.compiler.CompilerErrorCode;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.platform.error.RelspecException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Recent plan catalogs. They are derived data: after a restart the next snapshot recompiles them,
 * so memory is the right home.
 */
@ApplicationScoped
public class PlanCatalogRepository {
  private final int retained;
  private final LinkedHashMap<String, PlanCatalog> byId = new LinkedHashMap<>();
  private PlanCatalog latest;

  public PlanCatalogRepository(CompilerConfig config) {
    this.retained = config.retainedPlanCatalogs();
  }

  public synchronized void save(PlanCatalog catalog) {
    byId.remove(catalog.id());
    byId.put(catalog.id(), catalog);
    while (byId.size() > retained) {
      String eldest = byId.keySet().iterator().next();
      byId.remove(eldest);
    }
    latest = catalog;
  }

  public synchronized Optional<PlanCatalog> latest() {
    return Optional.ofNullable(latest);
  }

  public synchronized PlanCatalog get(String id) {
    PlanCatalog catalog = byId.get(id);
    if (catalog == null) {
      throw new RelspecException(
          CompilerErrorCode.PLAN_CATALOG_NOT_FOUND, "no plan catalog with id '" + id + "'");
    }
    return catalog;
  }

  synchronized Map<String, PlanCatalog> all() {
    return Map.copyOf(byId);
  }
}
