package io.relspec.executor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.executor.flight.FlightEndpointServer;
import io.relspec.executor.flight.FlightFetcher;
import io.relspec.executor.flightsql.FlightSqlService;
import io.relspec.executor.flightsql.QueryNames;
import io.relspec.executor.store.DatasetStore;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.messaging.MessageSender;
import io.relspec.platform.messaging.MessageSenders;
import io.relspec.platform.outbox.Outbox;
import io.relspec.platform.security.ApiTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * One executor's resources: the dataset store, the Flight server and the client that fetches from
 * other executors, and the platform's {@link Outbox} relay over the store's outbox, which publishes
 * the events committed with uploaded data and deletes each once the broker confirmed it.
 */
@ApplicationScoped
public class ExecutorNode {
  private static final Logger LOG = Logger.getLogger(ExecutorNode.class);

  private final ExecutorConfig config;
  private final ApiTokens tokens;
  private final CatalogClient catalog;
  private final SchedulerClient scheduler;
  private final MessageSender sender;

  private volatile BufferAllocator allocator;
  private volatile DatasetStore store;
  private volatile Outbox outbox;
  private volatile FlightEndpointServer flight;
  private volatile FlightFetcher fetcher;

  public ExecutorNode(
      ExecutorConfig config,
      ApiTokens tokens,
      CatalogClient catalog,
      SchedulerClient scheduler,
      MessageSenders senders,
      @Channel("source-data-updated") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> sourceDataUpdated) {
    this.config = config;
    this.tokens = tokens;
    this.catalog = catalog;
    this.scheduler = scheduler;
    this.sender =
        senders.sender("executor", Map.of(MessageType.SOURCE_DATA_UPDATED, sourceDataUpdated));
  }

  void start(@Observes StartupEvent event) throws SQLException {
    ensureStarted();
  }

  /**
   * Re-sends what the broker did not confirm, every {@code outbox-poll-interval} (a
   * quarkus-scheduler job, stopped with the application); an upload wakes the relay at once.
   */
  @Scheduled(
      identity = "relspec-executor-outbox",
      every = "${relspec.executor.outbox-poll-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void relayOnSchedule() {
    wakeRelay();
  }

  /**
   * Opens the store and the Flight server once. The work-queue consumer can deliver a message
   * before the startup event is observed (a queue holding work while the executor was down), so the
   * first attempt opens them too.
   */
  public synchronized void ensureStarted() throws SQLException {
    if (store != null) {
      return;
    }
    allocator = new RootAllocator();
    store =
        DatasetStore.open(
            config.dataDir(),
            new DatasetStore.Settings(
                config.memoryLimit(),
                config.threads(),
                config.retainVersions(),
                config.inputCacheMaxBytes()),
            allocator);
    outbox = new Outbox(store.outbox(), sender, "executor", config.publishConfirmTimeout());
    // Events committed before a restart go out now, not at the first poll.
    outbox.wake();
    fetcher =
        new FlightFetcher(
            allocator,
            tokens.clientToken(),
            config.flight().tls().trustedCertificates(),
            config.flight().maxMessageSize());
    ExecutorConfig.Sql sql = config.flight().sql();
    FlightEndpointServer.SqlService sqlService =
        sql.enabled()
            ? new FlightEndpointServer.SqlService(
                new QueryNames(
                    store,
                    config.id(),
                    scheduler.configured() ? Optional.of(scheduler::locations) : Optional.empty()),
                fetcher,
                new FlightSqlService.Limits(
                    sql.queryTimeout(),
                    sql.maxRows(),
                    sql.maxBytes(),
                    sql.maxSqlLength(),
                    sql.maxPreparedStatements(),
                    config.flight().batchRows()))
            : null;
    flight =
        new FlightEndpointServer(
            config, store, allocator, tokens, this::contract, this::wakeRelay, sqlService);
    LOG.infof(
        "executor %s ready: store %s (keeps %d versions), %d slots, Flight %s",
        config.id(),
        config.dataDir().toAbsolutePath(),
        config.retainVersions(),
        config.slots(),
        flight.advertisedUri());
  }

  void stop(@Observes ShutdownEvent event) throws Exception {
    DatasetStore opened = store;
    AutoCloseables.close(outbox, fetcher, flight, opened == null ? null : opened::close, allocator);
  }

  public String id() {
    return config.id();
  }

  public DatasetStore store() {
    return store;
  }

  /** Where others reach this executor's Flight service; null until it started. */
  public String flightUri() {
    FlightEndpointServer server = flight;
    return server == null ? null : server.advertisedUri();
  }

  public FlightFetcher fetcher() {
    return fetcher;
  }

  private Optional<DatasetContract> contract(DatasetName dataset) {
    if (!catalog.configured()) {
      throw CallStatus.UNAVAILABLE
          .withDescription(
              "uploads are checked against the catalog; configure relspec.executor.catalog-url")
          .toRuntimeException();
    }
    try {
      return catalog.contract(dataset);
    } catch (RelspecException e) {
      throw CallStatus.UNAVAILABLE
          .withDescription("cannot read the contract of '" + dataset + "': " + e.getMessage())
          .toRuntimeException();
    }
  }

  private void wakeRelay() {
    Outbox current = outbox;
    if (current != null) {
      current.wake();
    }
  }
}
