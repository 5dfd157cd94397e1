package io.relspec.scheduler.lineage;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.scheduler.leadership.Leadership;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * OpenLineage emission. Events are appended to {@code scheduler_lineage_event} in the transaction
 * of the change they describe (a run starting, a task run starting or ending, a plan catalog
 * arriving), so an event exists exactly for a committed change. A relay on the active scheduler
 * publishes them in order to the deployment's {@link LineageSink} (the topic exchange {@code
 * relspec.lineage} with routing key {@code openlineage.<type>.<eventType>}; standalone writes JSON
 * lines) and, when {@code relspec.openlineage.url} is set, POSTs each one there, retrying with
 * backoff while the endpoint fails. Neither side ever holds up a run: runs go through their own
 * outbox, and a slow or failing lineage endpoint only delays lineage.
 */
@ApplicationScoped
public class Lineage {
  private static final Logger LOG = Logger.getLogger(Lineage.class);
  private static final int BATCH = 500;

  private final AgroalDataSource dataSource;
  private final LineageConfig config;
  private final Leadership leadership;
  private final LineageSink sink;
  private final OpenLineageEvents events;
  private final HttpClient http;
  private final AtomicBoolean relayQueued = new AtomicBoolean();
  private ScheduledExecutorService relay;
  private Instant forwardNotBefore = Instant.EPOCH;
  private int forwardFailures;
  private int publishFailures;

  public Lineage(
      @DataSource("scheduler") AgroalDataSource dataSource,
      LineageConfig config,
      Leadership leadership,
      LineageSink sink) {
    this.dataSource = dataSource;
    this.config = config;
    this.leadership = leadership;
    this.sink = sink;
    this.events = new OpenLineageEvents(config.datasetNamespace(), config.jobNamespace());
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  void start(@Observes StartupEvent event) {
    relay =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "scheduler-lineage-relay");
              thread.setDaemon(true);
              return thread;
            });
    long interval = config.pollInterval().toMillis();
    relay.scheduleWithFixedDelay(this::relaySafely, interval, interval, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (relay != null) {
      relay.shutdownNow();
    }
  }

  public boolean enabled() {
    return config.enabled();
  }

  public OpenLineageEvents events() {
    return events;
  }

  /** Appends an event inside the caller's transaction; call {@link #wake()} after commit. */
  public void append(Connection connection, OpenLineageEvents.Event event) throws SQLException {
    if (!config.enabled()) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO scheduler_lineage_event (event_id, routing_key, payload, created_at)"
                + " VALUES (?, ?, ?, ?)")) {
      insert.setString(1, UUID.randomUUID().toString());
      insert.setString(2, event.routingKey());
      insert.setString(3, event.payload());
      insert.setTimestamp(4, Timestamp.from(Instant.now()));
      insert.executeUpdate();
    }
  }

  /**
   * The static lineage of a newly arrived plan catalog: a JobEvent per task that is new or whose
   * plan changed since {@code previous}, a DatasetEvent per new or changed source, and a DROP for
   * each output no task produces any more.
   */
  public void catalogArrived(Connection connection, PlanCatalog catalog, PlanCatalog previous)
      throws SQLException {
    if (!config.enabled()) {
      return;
    }
    Instant now = Instant.now();
    for (Map.Entry<DatasetName, DatasetContract> source : catalog.sources().entrySet()) {
      DatasetContract before = previous == null ? null : previous.sources().get(source.getKey());
      if (!source.getValue().equals(before)) {
        append(connection, events.source(source.getKey(), source.getValue(), now));
      }
    }
    Set<DatasetName> outputs = new HashSet<>();
    for (PlanArtifact plan : catalog.plans().values()) {
      outputs.add(plan.output());
      PlanArtifact before = previous == null ? null : previous.plans().get(plan.task());
      if (before == null
          || !before.fingerprint().equals(plan.fingerprint())
          || !before.sql().equals(plan.sql())
          || !Objects.equals(before.bundle(), plan.bundle())
          || !Objects.equals(before.domain(), plan.domain())) {
        append(connection, events.job(plan, catalog, now));
      }
    }
    if (previous != null) {
      for (PlanArtifact plan : previous.plans().values()) {
        if (!outputs.contains(plan.output())) {
          append(connection, events.dropped(plan.output(), now));
        }
      }
    }
  }

  /** Asks the relay to publish now rather than at the next poll. */
  public void wake() {
    if (config.enabled() && relay != null && relayQueued.compareAndSet(false, true)) {
      relay.execute(
          () -> {
            relayQueued.set(false);
            relaySafely();
          });
    }
  }

  private void relaySafely() {
    if (!leadership.active()) {
      return;
    }
    try {
      publish();
      if (config.url().isPresent()) {
        forward();
      }
      prune();
    } catch (RuntimeException e) {
      LOG.warnf("lineage relay: %s (will retry)", e.toString());
    }
  }

  private record Pending(long seq, String routingKey, String payload) {}

  /** Publishes pending events in order, a batch at a time; marks a batch once it is durable. */
  int publish() {
    int sent = 0;
    while (true) {
      List<Pending> batch = pending("published_at IS NULL");
      if (batch.isEmpty()) {
        return sent;
      }
      try {
        sink.publish(
            batch.stream()
                .map(event -> new LineageSink.Published(event.routingKey(), event.payload()))
                .toList());
      } catch (Exception e) {
        if (publishFailures++ == 0 || Integer.toString(publishFailures).matches("10+")) {
          LOG.warnf(
              "%d lineage event(s) from %d not published (%s); will retry",
              batch.size(), batch.get(0).seq(), e.toString());
        }
        return sent;
      }
      publishFailures = 0;
      mark("published_at", batch.stream().map(Pending::seq).toList());
      sent += batch.size();
    }
  }

  /** POSTs unforwarded events in order; on a failure waits (doubling) and resumes there. */
  int forward() {
    if (Instant.now().isBefore(forwardNotBefore)) {
      return 0;
    }
    int sent = 0;
    while (true) {
      List<Pending> batch = pending("forwarded_at IS NULL");
      if (batch.isEmpty()) {
        return sent;
      }
      for (Pending event : batch) {
        String failure = post(event.payload());
        if (failure != null) {
          forwardFailures++;
          long base = config.pollInterval().toMillis();
          long delay =
              Math.min(config.backoffMax().toMillis(), base << Math.min(forwardFailures - 1, 20));
          forwardNotBefore = Instant.now().plusMillis(delay);
          recordForwardFailure(event.seq(), failure);
          if (forwardFailures == 1 || Integer.toString(forwardFailures).matches("10+")) {
            LOG.warnf(
                "OpenLineage endpoint %s refused event %d (%s); retrying in %d ms",
                config.url().get(), event.seq(), failure, delay);
          }
          return sent;
        }
        forwardFailures = 0;
        mark("forwarded_at", List.of(event.seq()));
        sent++;
      }
    }
  }

  /** One POST; null when the endpoint accepted it, else why not. */
  private String post(String payload) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(config.url().get())
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(payload));
    config.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key));
    try {
      HttpResponse<Void> response =
          http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private List<Pending> pending(String condition) {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          List<Pending> rows = new ArrayList<>();
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT seq, routing_key, payload FROM scheduler_lineage_event WHERE "
                          + condition
                          + " ORDER BY seq LIMIT "
                          + BATCH);
              ResultSet result = select.executeQuery()) {
            while (result.next()) {
              rows.add(new Pending(result.getLong(1), result.getString(2), result.getString(3)));
            }
          }
          return rows;
        });
  }

  private void mark(String column, List<Long> seqs) {
    if (seqs.isEmpty()) {
      return;
    }
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE scheduler_lineage_event SET " + column + " = ? WHERE seq = ?")) {
            Timestamp now = Timestamp.from(Instant.now());
            for (long seq : seqs) {
              update.setTimestamp(1, now);
              update.setLong(2, seq);
              update.addBatch();
            }
            update.executeBatch();
          }
          return null;
        });
  }

  private void recordForwardFailure(long seq, String failure) {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE scheduler_lineage_event SET forward_attempts = forward_attempts + 1,"
                      + " forward_error = ? WHERE seq = ?")) {
            update.setString(1, failure.length() > 1000 ? failure.substring(0, 1000) : failure);
            update.setLong(2, seq);
            update.executeUpdate();
          }
          return null;
        });
  }

  /** Deletes events delivered everywhere they go, once older than the retention. */
  private void prune() {
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM scheduler_lineage_event WHERE published_at < ?"
                      + (config.url().isPresent() ? " AND forwarded_at IS NOT NULL" : ""))) {
            delete.setTimestamp(1, Timestamp.from(Instant.now().minus(config.retention())));
            delete.executeUpdate();
          }
          return null;
        });
  }

  /** Events not yet published, and (with a URL) not yet forwarded: for tests and operations. */
  public Map<String, Long> backlog() {
    return Jdbc.inTransaction(
        dataSource,
        connection -> {
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT COALESCE(SUM(CASE WHEN published_at IS NULL THEN 1 ELSE 0 END), 0),"
                          + " COALESCE(SUM(CASE WHEN forwarded_at IS NULL THEN 1 ELSE 0 END), 0)"
                          + " FROM scheduler_lineage_event");
              ResultSet result = select.executeQuery()) {
            result.next();
            return Map.of(
                "unpublished",
                result.getLong(1),
                "unforwarded",
                config.url().isPresent() ? result.getLong(2) : 0L);
          }
        });
  }
}
