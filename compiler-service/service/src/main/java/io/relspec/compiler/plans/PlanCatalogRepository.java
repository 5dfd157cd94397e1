package io.relspec.compiler.plans;

import io.relspec.compiler.CompilerConfig;
import io.relspec.compiler.CompilerErrorCode;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.platform.error.RelspecException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * Recent plan catalogs. They are derived data: at start the compiler compiles the catalog's latest
 * snapshot again, every new snapshot adds one, and one asked for but not kept (another replica
 * compiled it) is compiled again from its snapshot; so memory is the right home, and replicas need
 * no shared store.
 */
@ApplicationScoped
public class PlanCatalogRepository {
  private final int retained;
  private final LinkedHashMap<String, PlanCatalog> byId = new LinkedHashMap<>();
  private final LinkedHashMap<String, String> bySnapshot = new LinkedHashMap<>();
  private PlanCatalog latest;

  public PlanCatalogRepository(CompilerConfig config) {
    this.retained = config.retainedPlanCatalogs();
  }

  public synchronized void save(PlanCatalog catalog) {
    byId.remove(catalog.id());
    byId.put(catalog.id(), catalog);
    bySnapshot.put(catalog.snapshotId(), catalog.id());
    while (byId.size() > retained) {
      PlanCatalog eldest = byId.values().iterator().next();
      byId.remove(eldest.id());
      bySnapshot.remove(eldest.snapshotId());
    }
    latest = catalog;
  }

  /** Saves unless a plan catalog is already kept (a catch-up must not replace a newer one). */
  public synchronized boolean saveIfEmpty(PlanCatalog catalog) {
    if (latest != null) {
      return false;
    }
    save(catalog);
    return true;
  }

  public synchronized Optional<PlanCatalog> latest() {
    return Optional.ofNullable(latest);
  }

  /** A plan catalog by id; {@code latest} names the newest. */
  public synchronized PlanCatalog get(String id) {
    if ("latest".equals(id)) {
      return latest()
          .orElseThrow(
              () ->
                  new RelspecException(
                      CompilerErrorCode.NO_PLAN_CATALOG_YET, "no snapshot has been compiled yet"));
    }
    PlanCatalog catalog = byId.get(id);
    if (catalog == null) {
      throw new RelspecException(
          CompilerErrorCode.PLAN_CATALOG_NOT_FOUND,
          "no plan catalog with id '"
              + id
              + "'; the compiler keeps the last "
              + retained
              + " (relspec.compiler.retained-plan-catalogs)");
    }
    return catalog;
  }

  /** A kept plan catalog by id. */
  public synchronized Optional<PlanCatalog> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The plan catalog compiled from a snapshot, if it is still kept. */
  public synchronized Optional<PlanCatalog> forSnapshot(String snapshotId) {
    String id = bySnapshot.get(snapshotId);
    return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
  }
}
