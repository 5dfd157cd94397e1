package io.relspec.executor.execution;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.executor.ExecutorConfig;
import io.relspec.executor.ExecutorErrorCode;
import io.relspec.executor.flight.FlightEndpointServer;
import io.relspec.executor.store.DatasetStore;
import io.relspec.executor.store.SqlRefusedException;
import io.relspec.executor.store.StoredDataset;
import io.relspec.platform.messaging.EmitterMessageSender;
import io.relspec.platform.messaging.MessageSender;
import io.relspec.platform.security.ApiTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Runs task attempts on the locked-down store and reports the outcome. The work-queue message is
 * acknowledged only after the output is committed and the result event confirmed by the broker; if
 * the confirm fails the message is redelivered and the (idempotent) attempt runs again.
 */
@ApplicationScoped
public class TaskExecution {
  private static final Logger LOG = Logger.getLogger(TaskExecution.class);

  private final ExecutorConfig config;
  private final ApiTokens tokens;
  private final MessageSender sender;
  private final ScheduledExecutorService heartbeats;
  private volatile DatasetStore store;
  private volatile FlightEndpointServer flight;

  public TaskExecution(
      ExecutorConfig config,
      ApiTokens tokens,
      @Channel("task-run-succeeded") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> succeeded,
      @Channel("task-run-failed") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> failed,
      @Channel("task-run-heartbeat") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> heartbeat) {
    this.config = config;
    this.tokens = tokens;
    this.sender =
        new EmitterMessageSender(
            "executor",
            Map.of(
                MessageType.TASK_RUN_SUCCEEDED, succeeded,
                MessageType.TASK_RUN_FAILED, failed,
                MessageType.TASK_RUN_HEARTBEAT, heartbeat));
    this.heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "executor-heartbeats");
              thread.setDaemon(true);
              return thread;
            });
  }

  void start(@Observes StartupEvent event) throws SQLException {
    ensureStarted();
  }

  /**
   * Opens the store and the Flight server once. The work-queue consumer can deliver a message
   * before the startup event is observed (a queue holding work while the executor was down), so the
   * first attempt opens them too.
   */
  private synchronized void ensureStarted() throws SQLException {
    if (store != null) {
      return;
    }
    store = DatasetStore.open(config.dataDir(), config.memoryLimit(), config.threads());
    flight = new FlightEndpointServer(config, store, tokens);
    LOG.infof(
        "executor %s ready: store %s, %d slots",
        config.id(), config.dataDir().toAbsolutePath(), config.slots());
  }

  void stop(@Observes ShutdownEvent event) throws Exception {
    heartbeats.shutdownNow();
    if (flight != null) {
      flight.close();
    }
    if (store != null) {
      store.close();
    }
  }

  public DatasetStore store() {
    return store;
  }

  public String flightUri() {
    return flight.advertisedUri();
  }

  /** Runs one attempt and sends its result; the stage completes when the broker confirmed it. */
  public CompletionStage<Void> execute(TaskRunRequested request) {
    try {
      ensureStarted();
    } catch (SQLException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    Instant started = Instant.now();
    RelspecMessage result;
    ScheduledFuture<?> beating = startHeartbeat(request);
    try {
      result = run(request, started);
    } finally {
      beating.cancel(false);
    }
    return sender
        .send(result)
        .toCompletableFuture()
        .orTimeout(config.publishConfirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private RelspecMessage run(TaskRunRequested request, Instant started) {
    if (request.deadline() != null && started.isAfter(request.deadline())) {
      return failure(
          request,
          started,
          ExecutorErrorCode.DEADLINE_EXCEEDED,
          "the attempt's deadline " + request.deadline() + " has passed");
    }
    try {
      for (InputLocation input : request.inputs()) {
        if (store.describe(input.dataset()).isEmpty() && !isSourceTable(input)) {
          return failure(
              request,
              started,
              ExecutorErrorCode.INPUT_NOT_AVAILABLE,
              "input '"
                  + input.dataset()
                  + "' is not held by executor "
                  + config.id()
                  + (input.executorId() == null
                      ? ""
                      : " (it lives on " + input.executorId() + " at " + input.flightUri() + ")"));
        }
      }
      StoredDataset stored =
          request.writeMode() == TaskRunRequested.WriteMode.UPSERT_FILES
              ? store.upsertFiles(
                  request.output(),
                  request.sql(),
                  request.macros(),
                  request.fileIdColumn(),
                  request.fileIds())
              : store.replace(request.output(), request.sql(), request.macros());
      long millis = Duration.between(started, Instant.now()).toMillis();
      LOG.infof(
          "%s: %s -> %d rows (version %d) in %d ms",
          request.taskRunId(), request.output(), stored.rows(), stored.version(), millis);
      return new TaskRunSucceeded(
          UUID.randomUUID(),
          Instant.now(),
          request.runId(),
          request.taskRunId(),
          request.task(),
          request.attempt(),
          config.id(),
          request.output(),
          stored.version(),
          stored.rows(),
          0L,
          stored.schema(),
          flight.advertisedUri(),
          millis);
    } catch (SqlRefusedException e) {
      return failure(request, started, ExecutorErrorCode.SQL_REFUSED, e.getMessage());
    } catch (DatasetStore.OutputNotHeldException e) {
      return failure(request, started, ExecutorErrorCode.OUTPUT_NOT_HELD, e.getMessage());
    } catch (SQLException e) {
      String message = firstLine(e.getMessage());
      ExecutorErrorCode code =
          message.contains("Out of Memory")
              ? ExecutorErrorCode.OUT_OF_MEMORY
              : message.contains("does not exist")
                  ? ExecutorErrorCode.INPUT_NOT_AVAILABLE
                  : ExecutorErrorCode.SQL_ERROR;
      return failure(request, started, code, message);
    } catch (RuntimeException e) {
      LOG.errorf(e, "%s failed unexpectedly", request.taskRunId());
      return failure(
          request, started, ExecutorErrorCode.INTERNAL_ERROR, String.valueOf(e.getMessage()));
    }
  }

  /** Source datasets have no producing task; they are present only once data was uploaded. */
  private static boolean isSourceTable(InputLocation input) {
    return input.executorId() == null;
  }

  private TaskRunFailed failure(
      TaskRunRequested request, Instant started, ExecutorErrorCode code, String message) {
    LOG.warnf("%s failed: %s %s", request.taskRunId(), code, message);
    return new TaskRunFailed(
        UUID.randomUUID(),
        Instant.now(),
        request.runId(),
        request.taskRunId(),
        request.task(),
        request.attempt(),
        config.id(),
        code.name(),
        message,
        code.retryable(),
        Duration.between(started, Instant.now()).toMillis());
  }

  private ScheduledFuture<?> startHeartbeat(TaskRunRequested request) {
    long interval = config.heartbeatInterval().toMillis();
    return heartbeats.scheduleAtFixedRate(
        () ->
            sender.send(
                new TaskRunHeartbeat(
                    UUID.randomUUID(),
                    Instant.now(),
                    request.runId(),
                    request.taskRunId(),
                    request.attempt(),
                    config.id())),
        0,
        interval,
        TimeUnit.MILLISECONDS);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown SQL error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
