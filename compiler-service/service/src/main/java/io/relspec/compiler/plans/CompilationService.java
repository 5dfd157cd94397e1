package io.relspec.compiler.plans;

import io.quarkus.scheduler.Scheduled;
import io.relspec.compiler.CompilerConfig;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.PlanCatalogDiff;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.PlanCatalogCompiled;
import io.relspec.contracts.messaging.PlanCatalogCompiled.PlanChanges;
import io.relspec.contracts.messaging.SnapshotPublished;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.messaging.MessageSender;
import io.relspec.platform.messaging.MessageSenders;
import io.relspec.platform.messaging.PermanentMessageFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Reacts to a published snapshot: fetches it from the catalog, compiles it (reusing every plan
 * whose inputs did not change), keeps the plan catalog and publishes {@link PlanCatalogCompiled}.
 * The compiler keeps no database; if publishing fails the snapshot message is redelivered and
 * compiled again, which yields the same plan catalog id. At start it compiles the catalog's latest
 * snapshot, so its API answers after a restart without waiting for the next change.
 */
@ApplicationScoped
public class CompilationService {
  private static final Logger LOG = Logger.getLogger(CompilationService.class);

  private final CatalogClient catalog;
  private final PlanCatalogRepository repository;
  private final MessageSender sender;
  private final CompilerConfig config;
  private final PlanCompiler compiler;

  public CompilationService(
      CompilerConfig config,
      CatalogClient catalog,
      PlanCatalogRepository repository,
      MessageSenders senders,
      @Channel("plan-catalog-compiled") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> planCatalogCompiled) {
    this.config = config;
    this.catalog = catalog;
    this.repository = repository;
    this.compiler = new PlanCompiler(config.compileTimeout(), config.cacheSize());
    this.sender =
        senders.sender("compiler", Map.of(MessageType.PLAN_CATALOG_COMPILED, planCatalogCompiled));
  }

  /** Compiles and publishes; the stage completes when the broker confirmed PlanCatalogCompiled. */
  public CompletionStage<Void> onSnapshotPublished(SnapshotPublished event) {
    CatalogSnapshot snapshot = publishedSnapshot(newestSnapshotId(event));
    Optional<PlanCatalog> previous = repository.latest();
    PlanCatalog compiled = compileAndKeep(snapshot);
    PlanCatalogDiff diff = PlanDiffer.diff(previous.orElse(null), compiled);
    PlanCatalogCompiled result =
        new PlanCatalogCompiled(
            UUID.randomUUID(),
            compiled.compiledAt(),
            compiled.id(),
            compiled.snapshotId(),
            previous.map(PlanCatalog::id).orElse(null),
            fingerprints(compiled),
            compiled.failures(),
            PlanChanges.of(diff));
    return sender.sendWithin(result, config.publishConfirmTimeout());
  }

  /**
   * The snapshot an event names. The catalog publishes a snapshot only after it committed it, so a
   * 404 means the snapshot is gone for good (another catalog database, or pruned): that message is
   * dead-lettered at once instead of holding the ordered consumer through its redelivery backoff.
   * Any other failure (the catalog restarting, a timeout) is retried.
   */
  private CatalogSnapshot publishedSnapshot(String snapshotId) {
    try {
      return catalog.snapshot(snapshotId);
    } catch (RelspecException e) {
      if (e.errorCode() == PlatformErrorCode.NOT_FOUND) {
        throw new PermanentMessageFailure(
            "the catalog does not know snapshot " + snapshotId + ": " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /**
   * The snapshot to compile for an event: the catalog's newest one. Events can arrive out of order
   * (a relay retrying a send that failed while a later one went through), and compiling the one an
   * older event names would hand the scheduler a plan catalog older than the one it already has.
   * Compiling the newest makes each event mean "the catalog changed": a late event compiles what is
   * current (kept from the first compile, so nearly free) and the scheduler sees no change. When
   * the catalog cannot answer its history, the event's own snapshot is compiled.
   */
  private String newestSnapshotId(SnapshotPublished event) {
    try {
      String newest = catalog.newestSnapshotId().orElse(event.snapshotId());
      if (!newest.equals(event.snapshotId())) {
        LOG.infof(
            "snapshot %s was superseded by %s; compiling the newer one",
            shortId(event.snapshotId()), shortId(newest));
      }
      return newest;
    } catch (RelspecException e) {
      LOG.debugf("catalog history unavailable, compiling the event's snapshot: %s", e.getMessage());
      return event.snapshotId();
    }
  }

  /**
   * A plan catalog by id, as any replica answers it: kept here, or else compiled again from its
   * snapshot (a plan catalog is determined by its snapshot, so every replica derives the same one
   * with the same id). {@code latest} is the plan catalog of the catalog's latest snapshot, so two
   * replicas behind one Service never answer it differently.
   */
  public PlanCatalog planCatalog(String id, String snapshotId) {
    if ("latest".equals(id)) {
      return latestPlanCatalog();
    }
    Optional<PlanCatalog> kept = repository.find(id);
    if (kept.isPresent()) {
      return kept.get();
    }
    if (snapshotId != null) {
      PlanCatalog compiled = planCatalogFor(snapshotId);
      if (compiled.id().equals(id)) {
        return compiled;
      }
    }
    return repository.get(id);
  }

  /** The plan catalog of the catalog's newest snapshot (what this replica has, if unreachable). */
  public PlanCatalog latestPlanCatalog() {
    String newest;
    try {
      newest = catalog.newestSnapshotId().orElse(null);
    } catch (RelspecException e) {
      LOG.debugf("catalog unreachable for the latest snapshot: %s", e.getMessage());
      return repository.get("latest");
    }
    if (newest == null) {
      return repository.get("latest");
    }
    return planCatalogFor(newest);
  }

  /** The plan catalog of a snapshot: kept from an earlier compile, or compiled now. */
  public PlanCatalog planCatalogFor(String snapshotId) {
    return repository
        .forSnapshot(snapshotId)
        .orElseGet(() -> compileAndKeep(catalog.snapshot(snapshotId)));
  }

  private PlanCatalog compileAndKeep(CatalogSnapshot snapshot) {
    long started = System.nanoTime();
    PlanCompiler.Result result = compiler.compile(snapshot, Instant.now());
    repository.save(result.catalog());
    LOG.infof(
        "compiled snapshot %s in %d ms: %d tasks compiled, %d reused, %d failed -> plan catalog"
            + " %s",
        shortId(snapshot.id()),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        result.stats().compiled(),
        result.stats().reused(),
        result.stats().failed(),
        shortId(result.catalog().id()));
    return result.catalog();
  }

  /** How many times a restarted compiler asks the catalog for its newest snapshot. */
  private static final int CATCH_UP_ATTEMPTS = 30;

  private final AtomicInteger catchUpAttempts = new AtomicInteger();
  private volatile boolean caughtUp;

  /**
   * Catches up with the catalog after a restart, in the background: compiles the catalog's newest
   * snapshot unless a published one was compiled first. A quarkus-scheduler job, every 2 s until it
   * succeeds, learns the catalog is empty, or has tried {@value #CATCH_UP_ATTEMPTS} times; it stops
   * with the application.
   */
  @Scheduled(
      identity = "relspec-compiler-catch-up",
      every = "2s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void catchUp() {
    if (caughtUp || !config.compileLatestAtStart() || repository.latest().isPresent()) {
      caughtUp = true;
      return;
    }
    int attempt = catchUpAttempts.incrementAndGet();
    if (attempt > CATCH_UP_ATTEMPTS) {
      caughtUp = true;
      LOG.warnf(
          "could not read the catalog's newest snapshot in %d attempts; the next published"
              + " snapshot compiles the catalog",
          CATCH_UP_ATTEMPTS);
      return;
    }
    try {
      CatalogSnapshot latest = catalog.snapshot("latest");
      PlanCompiler.Result result = compiler.compile(latest, Instant.now());
      if (repository.saveIfEmpty(result.catalog())) {
        LOG.infof(
            "caught up with snapshot %s: %d plans, %d failed",
            shortId(latest.id()), result.catalog().plans().size(), result.stats().failed());
      }
      caughtUp = true;
    } catch (RelspecException e) {
      if (e.errorCode() == PlatformErrorCode.NOT_FOUND) {
        LOG.debug("the catalog has no snapshot yet; nothing to catch up with");
        caughtUp = true;
        return;
      }
      LOG.debugf("catch-up attempt %d: %s", attempt, e.getMessage());
    }
  }

  static Map<TaskName, Fingerprint> fingerprints(PlanCatalog catalog) {
    Map<TaskName, Fingerprint> result = new TreeMap<>();
    catalog.plans().forEach((task, plan) -> result.put(task, plan.fingerprint()));
    return result;
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
