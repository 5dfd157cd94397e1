package io.relspec.catalog.snapshot;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.relspec.catalog.CatalogConfig;
import io.relspec.catalog.CatalogErrorCode;
import io.relspec.catalog.store.CatalogStore;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.SnapshotPublished;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.messaging.EmitterMessageSender;
import io.relspec.platform.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Registers datasets and tasks. Every change that alters the catalog commits a new
 * content-addressed snapshot and, in the same transaction, a {@link SnapshotPublished} event in the
 * outbox.
 */
@ApplicationScoped
public class CatalogService {
  static final String DATASETS = "catalog_dataset";
  static final String TASKS = "catalog_task";

  private final AgroalDataSource dataSource;
  private final CatalogStore store = new CatalogStore();
  private final Outbox outbox;

  public CatalogService(
      @DataSource("catalog") AgroalDataSource dataSource,
      CatalogConfig config,
      @Channel("snapshot-published") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> snapshotPublished) {
    this.dataSource = dataSource;
    this.outbox =
        new Outbox(
            dataSource,
            new EmitterMessageSender(
                "catalog", Map.of(MessageType.SNAPSHOT_PUBLISHED, snapshotPublished)),
            "catalog",
            config.outboxPollInterval(),
            config.publishConfirmTimeout());
  }

  void stop(@Observes ShutdownEvent event) {
    outbox.close();
  }

  public SortedMap<DatasetName, DatasetContract> datasets() {
    return Jdbc.inTransaction(dataSource, store::datasets);
  }

  public SortedMap<TaskName, TaskSpec> tasks() {
    return Jdbc.inTransaction(dataSource, store::tasks);
  }

  public DatasetContract dataset(DatasetName name) {
    return Jdbc.inTransaction(dataSource, connection -> store.datasets(connection).get(name))
            instanceof DatasetContract found
        ? found
        : notFound(CatalogErrorCode.DATASET_NOT_FOUND, "no dataset named '" + name + "'");
  }

  public TaskSpec task(TaskName name) {
    return Jdbc.inTransaction(dataSource, connection -> store.tasks(connection).get(name))
            instanceof TaskSpec found
        ? found
        : notFound(CatalogErrorCode.TASK_NOT_FOUND, "no task named '" + name + "'");
  }

  /** Registers or replaces a source dataset contract. */
  public Change putDataset(DatasetName name, DatasetContract contract) {
    return change(
        connection -> {
          TaskName producer = producerOf(connection, name);
          if (producer != null) {
            throw new RelspecException(
                CatalogErrorCode.OUTPUT_CONFLICT,
                "'"
                    + name
                    + "' is the output of task '"
                    + producer
                    + "'; a source dataset cannot share its name");
          }
          return store.upsert(connection, DATASETS, name.value(), contract);
        });
  }

  /** Registers or replaces a task; its output defaults to its name. */
  public Change putTask(TaskName name, TaskSpec spec) {
    TaskSpec normalized =
        spec.output() != null
            ? spec
            : new TaskSpec(
                DatasetName.of(name.value()),
                spec.sql(),
                spec.kind(),
                spec.cachePolicy(),
                spec.priority(),
                spec.domain(),
                spec.bundle(),
                spec.metadata());
    return change(
        connection -> {
          for (Map.Entry<TaskName, TaskSpec> other : store.tasks(connection).entrySet()) {
            if (!other.getKey().equals(name)
                && other.getValue().output().equals(normalized.output())) {
              throw new RelspecException(
                  CatalogErrorCode.OUTPUT_CONFLICT,
                  "output '"
                      + normalized.output()
                      + "' is already produced by task '"
                      + other.getKey()
                      + "'");
            }
          }
          if (store.datasets(connection).containsKey(normalized.output())) {
            throw new RelspecException(
                CatalogErrorCode.OUTPUT_CONFLICT,
                "output '" + normalized.output() + "' is a registered source dataset");
          }
          return store.upsert(connection, TASKS, name.value(), normalized);
        });
  }

  public Change deleteDataset(DatasetName name) {
    return change(
        connection -> {
          if (!store.delete(connection, DATASETS, name.value())) {
            throw new RelspecException(
                CatalogErrorCode.DATASET_NOT_FOUND, "no dataset named '" + name + "'");
          }
          return true;
        });
  }

  public Change deleteTask(TaskName name) {
    return change(
        connection -> {
          if (!store.delete(connection, TASKS, name.value())) {
            throw new RelspecException(
                CatalogErrorCode.TASK_NOT_FOUND, "no task named '" + name + "'");
          }
          return true;
        });
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

  /** Messages not yet confirmed by the broker (exposed for health and tests). */
  public int pendingEvents() {
    return outbox.pendingCount();
  }

  /** The outcome of a registration: whether anything changed, and the snapshot now current. */
  public record Change(boolean changed, String snapshotId) {}

  @FunctionalInterface
  private interface Mutation {
    boolean apply(Connection connection) throws SQLException;
  }

  private Change change(Mutation mutation) {
    Change change =
        Jdbc.inTransaction(
            dataSource,
            connection -> {
              boolean changed = mutation.apply(connection);
              Optional<CatalogSnapshot> previous = store.latestSnapshot(connection);
              SortedMap<DatasetName, DatasetContract> datasets = store.datasets(connection);
              SortedMap<TaskName, TaskSpec> tasks = store.tasks(connection);
              String id =
                  Fingerprint.sha256(CatalogStore.canonicalContent(datasets, tasks)).value();
              if (previous.isPresent() && previous.get().id().equals(id)) {
                return new Change(changed, id);
              }
              Instant now = Instant.now();
              String previousId = previous.map(CatalogSnapshot::id).orElse(null);
              store.insertSnapshot(
                  connection, new CatalogSnapshot(id, previousId, now, datasets, tasks));
              outbox.append(
                  connection,
                  new SnapshotPublished(
                      UUID.randomUUID(), now, id, previousId, datasets.size(), tasks.size()));
              return new Change(true, id);
            });
    outbox.wake();
    return change;
  }

  private TaskName producerOf(Connection connection, DatasetName dataset) throws SQLException {
    return store.tasks(connection).entrySet().stream()
        .filter(entry -> entry.getValue().output().equals(dataset))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  private static <T> T notFound(CatalogErrorCode code, String detail) {
    throw new RelspecException(code, detail);
  }
}
