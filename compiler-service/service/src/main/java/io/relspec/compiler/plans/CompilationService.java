package io.relspec.compiler.plans;

import io.relspec.compiler.CompilerConfig;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.PlanCatalogCompiled;
import io.relspec.contracts.messaging.PlanCatalogCompiled.PlanChanges;
import io.relspec.contracts.messaging.SnapshotPublished;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.client.ServiceClient;
import io.relspec.platform.messaging.EmitterMessageSender;
import io.relspec.platform.messaging.MessageSender;
import io.relspec.platform.security.ApiTokens;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Reacts to a published snapshot: fetches it from the catalog, compiles it, keeps the plan catalog
 * and publishes {@link PlanCatalogCompiled}. The compiler keeps no database; if publishing fails
 * the snapshot message is redelivered and compiled again, which yields the same plan catalog id.
 */
@ApplicationScoped
public class CompilationService {
  private static final Logger LOG = Logger.getLogger(CompilationService.class);

  private final ServiceClient catalog;
  private final PlanCatalogRepository repository;
  private final MessageSender sender;
  private final CompilerConfig config;
  private final PlanCompiler compiler = new PlanCompiler();

  public CompilationService(
      CompilerConfig config,
      ApiTokens tokens,
      PlanCatalogRepository repository,
      @Channel("plan-catalog-compiled") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> planCatalogCompiled) {
    this.config = config;
    this.catalog =
        new ServiceClient(
            "catalog-service", config.catalogUrl(), tokens.clientToken(), config.catalogTimeout());
    this.repository = repository;
    this.sender =
        new EmitterMessageSender(
            "compiler", Map.of(MessageType.PLAN_CATALOG_COMPILED, planCatalogCompiled));
  }

  /** Compiles and publishes; the stage completes when the broker confirmed PlanCatalogCompiled. */
  public CompletionStage<Void> onSnapshotPublished(SnapshotPublished event) {
    CatalogSnapshot snapshot =
        catalog.get("/api/v1/snapshots/" + event.snapshotId(), CatalogSnapshot.class);
    Optional<PlanCatalog> previous = repository.latest();
    PlanCatalog compiled = compiler.compile(snapshot, Instant.now());
    repository.save(compiled);
    PlanCatalogCompiled result =
        new PlanCatalogCompiled(
            UUID.randomUUID(),
            compiled.compiledAt(),
            compiled.id(),
            compiled.snapshotId(),
            previous.map(PlanCatalog::id).orElse(null),
            fingerprints(compiled),
            compiled.failures(),
            changes(previous.orElse(null), compiled));
    LOG.infof(
        "compiled snapshot %s: %d plans, %d failures -> plan catalog %s",
        shortId(snapshot.id()),
        compiled.plans().size(),
        compiled.failures().size(),
        shortId(compiled.id()));
    return sender
        .send(result)
        .toCompletableFuture()
        .orTimeout(config.publishConfirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  static Map<TaskName, Fingerprint> fingerprints(PlanCatalog catalog) {
    Map<TaskName, Fingerprint> result = new TreeMap<>();
    catalog.plans().forEach((task, plan) -> result.put(task, plan.fingerprint()));
    return result;
  }

  static PlanChanges changes(PlanCatalog previous, PlanCatalog current) {
    Map<TaskName, PlanArtifact> before = previous == null ? Map.of() : previous.plans();
    List<TaskName> added = new ArrayList<>();
    List<TaskName> changed = new ArrayList<>();
    List<TaskName> unchanged = new ArrayList<>();
    current
        .plans()
        .forEach(
            (task, plan) -> {
              PlanArtifact old = before.get(task);
              if (old == null) {
                added.add(task);
              } else if (old.fingerprint().equals(plan.fingerprint())) {
                unchanged.add(task);
              } else {
                changed.add(task);
              }
            });
    List<TaskName> removed =
        before.keySet().stream().filter(task -> !current.plans().containsKey(task)).toList();
    return new PlanChanges(added, removed, changed, unchanged);
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
