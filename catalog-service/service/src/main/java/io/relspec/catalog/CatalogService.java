package io.relspec.catalog;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.relspec.catalog.model.CatalogState;
import io.relspec.catalog.store.CatalogStore;
import io.relspec.contracts.api.BundleSummary;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.SnapshotPublished;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.contracts.spi.TaskBundleProviders;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.messaging.MessageSenders;
import io.relspec.platform.outbox.JdbcOutboxStore;
import io.relspec.platform.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Registers datasets, functions, templates, tasks and bundles. Every change that alters the catalog
 * commits a new content-addressed snapshot and, in the same transaction, one {@link
 * SnapshotPublished} event in the outbox; a change that alters nothing commits and publishes
 * nothing.
 */
@ApplicationScoped
public class CatalogService {
  private static final Logger LOG = Logger.getLogger(CatalogService.class);

  private final AgroalDataSource dataSource;
  private final CatalogStore store = new CatalogStore();
  private final Outbox outbox;

  public CatalogService(
      @DataSource("catalog") AgroalDataSource dataSource,
      CatalogConfig config,
      MessageSenders senders,
      @Channel("snapshot-published") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> snapshotPublished) {
    this.dataSource = dataSource;
    this.outbox =
        new Outbox(
            new JdbcOutboxStore(dataSource),
            senders.sender("catalog", Map.of(MessageType.SNAPSHOT_PUBLISHED, snapshotPublished)),
            "catalog",
            config.publishConfirmTimeout());
  }

  /**
   * Registers the extension packs on the class path, in bundle-name order. A pack that conflicts
   * with the catalog stops start-up with the reason.
   */
  void registerExtensionPacks(@Observes StartupEvent event) {
    for (TaskBundleProviders.Discovered pack :
        TaskBundleProviders.discover(Thread.currentThread().getContextClassLoader())) {
      try {
        Change change = putBundle(pack.bundle(), pack.provider());
        LOG.infof(
            "extension pack %s: bundle '%s' %s %s",
            pack.provider(),
            pack.bundle().name(),
            pack.bundle().version(),
            change.changed() ? "registered" : "already registered");
      } catch (RelspecException e) {
        throw new IllegalStateException(
            "extension pack "
                + pack.provider()
                + " (bundle '"
                + pack.bundle().name()
                + "') cannot be registered: "
                + e.getMessage(),
            e);
      }
    }
  }

  void stop(@Observes ShutdownEvent event) {
    outbox.close();
  }

  /** Re-sends what the broker did not confirm, every {@code outbox-poll-interval}. */
  @Scheduled(
      identity = "relspec-catalog-outbox",
      every = "${relspec.catalog.outbox-poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void relayOnSchedule() {
    outbox.wake();
  }

  /** The catalog as stored now (registered tasks apart from synthesized ones). */
  public CatalogState state() {
    return Jdbc.inTransaction(dataSource, store::load);
  }

  /**
   * The newest snapshot, which holds what every read answers: it is read once per snapshot and
   * kept, and a read checks only that its id is still the newest (one indexed row), so a request
   * neither reloads every table nor expands the contracts' template instances again. Null before
   * anything was registered.
   */
  private CatalogSnapshot newest() {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          Optional<String> id = store.latestSnapshotId(connection);
          if (id.isEmpty()) {
            return null;
          }
          CatalogSnapshot known = newest;
          if (known != null && known.id().equals(id.get())) {
            return known;
          }
          CatalogSnapshot read = store.snapshot(connection, id.get()).orElse(null);
          newest = read;
          return read;
        });
  }

  private volatile CatalogSnapshot newest;

  /** One part of the newest snapshot, sorted; empty before anything was registered. */
  private <K extends Comparable<? super K>, V> SortedMap<K, V> fromNewest(
      Function<CatalogSnapshot, Map<K, V>> part) {
    CatalogSnapshot snapshot = newest();
    if (snapshot == null) {
      return Collections.emptySortedMap();
    }
    Map<K, V> map = part.apply(snapshot);
    return map instanceof SortedMap<K, V> sorted ? sorted : Collections2.sortedCopy(map);
  }

  public SortedMap<DatasetName, DatasetContract> datasets() {
    return fromNewest(CatalogSnapshot::datasets);
  }

  /** Every effective task: registered ones and those synthesized from contracts. */
  public SortedMap<TaskName, TaskSpec> tasks() {
    return fromNewest(CatalogSnapshot::tasks);
  }

  public SortedMap<String, FunctionSpec> functions() {
    return fromNewest(CatalogSnapshot::functions);
  }

  public SortedMap<String, TaskTemplate> templates() {
    return fromNewest(CatalogSnapshot::templates);
  }

  public SortedMap<String, BundleSummary> bundles() {
    return fromNewest(CatalogSnapshot::bundles);
  }

  public DatasetContract dataset(DatasetName name) {
    return found(datasets().get(name), CatalogErrorCode.DATASET_NOT_FOUND, "dataset", name);
  }

  public TaskSpec task(TaskName name) {
    return found(tasks().get(name), CatalogErrorCode.TASK_NOT_FOUND, "task", name);
  }

  public FunctionSpec function(String name) {
    return found(functions().get(name), CatalogErrorCode.FUNCTION_NOT_FOUND, "function", name);
  }

  public TaskTemplate template(String name) {
    return found(templates().get(name), CatalogErrorCode.TEMPLATE_NOT_FOUND, "template", name);
  }

  public BundleSummary bundle(String name) {
    return found(bundles().get(name), CatalogErrorCode.BUNDLE_NOT_FOUND, "bundle", name);
  }

  public Change putDataset(DatasetName name, DatasetContract contract) {
    return change(state -> state.putDataset(name, contract));
  }

  public Change deleteDataset(DatasetName name) {
    return change(state -> state.removeDataset(name));
  }

  public Change putTask(TaskName name, TaskSpec spec) {
    return change(state -> state.putTask(name, spec));
  }

  public Change deleteTask(TaskName name) {
    return change(state -> state.removeTask(name));
  }

  public Change putFunction(String name, FunctionSpec function) {
    return change(state -> state.putFunction(name, function));
  }

  public Change deleteFunction(String name) {
    return change(state -> state.removeFunction(name));
  }

  public Change putTemplate(String name, TaskTemplate template) {
    return change(state -> state.putTemplate(name, template));
  }

  public Change deleteTemplate(String name) {
    return change(state -> state.removeTemplate(name));
  }

  /** Registers or replaces a bundle atomically; {@code provider} is null for API bundles. */
  public Change putBundle(TaskBundle bundle, String provider) {
    return change(state -> state.putBundle(bundle, provider));
  }

  public Change deleteBundle(String name) {
    return change(state -> state.removeBundle(name));
  }

  public CatalogSnapshot latestSnapshot() {
    return Jdbc.inTransaction(dataSource, store::latestSnapshot)
        .orElseThrow(
            () ->
                new RelspecException(
                    CatalogErrorCode.NO_SNAPSHOT_YET,
                    "nothing has been registered yet, so there is no snapshot"));
  }

  public CatalogSnapshot snapshot(String id) {
    return Jdbc.inTransaction(dataSource, connection -> store.snapshot(connection, id))
        .orElseThrow(
            () ->
                new RelspecException(
                    CatalogErrorCode.SNAPSHOT_NOT_FOUND, "no snapshot with id '" + id + "'"));
  }

  /** The newest snapshots first. */
  public List<CatalogStore.SnapshotEntry> history(int limit) {
    return Jdbc.inTransaction(dataSource, connection -> store.history(connection, limit));
  }

  /** Messages not yet confirmed by the broker (exposed for health and tests). */
  public int pendingEvents() {
    try {
      return outbox.pendingCount();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot count the outbox: " + e.getMessage(), e);
    }
  }

  /** The outcome of a registration: whether anything changed, and the snapshot now current. */
  public record Change(boolean changed, String snapshotId) {}

  private Change change(UnaryOperator<CatalogState> mutation) {
    Change change =
        Jdbc.inTransaction(
            dataSource,
            connection -> {
              store.lock(connection);
              CatalogState before = store.load(connection);
              CatalogState after = mutation.apply(before);
              String previousId =
                  store.latestSnapshot(connection).map(CatalogSnapshot::id).orElse(null);
              if (after.equals(before) && previousId != null) {
                return new Change(false, previousId);
              }
              store.save(connection, before, after);
              SortedMap<TaskName, TaskSpec> tasks = after.effectiveTasks();
              String id = Fingerprint.sha256(CatalogStore.canonicalContent(after, tasks)).value();
              if (id.equals(previousId)) {
                return new Change(false, id);
              }
              Instant now = Instant.now();
              store.insertSnapshot(
                  connection,
                  new CatalogSnapshot(
                      id,
                      previousId,
                      now,
                      after.datasets(),
                      after.functions(),
                      after.templates(),
                      tasks,
                      after.bundles()));
              outbox.append(
                  connection,
                  new SnapshotPublished(
                      UUID.randomUUID(),
                      now,
                      id,
                      previousId,
                      after.datasets().size(),
                      tasks.size()));
              return new Change(true, id);
            });
    if (change.changed()) {
      outbox.wake();
    }
    return change;
  }

  private static <T> T found(T value, CatalogErrorCode code, String noun, Object name) {
    if (value == null) {
      throw new RelspecException(code, "no " + noun + " named '" + name + "'");
    }
    return value;
  }
}
