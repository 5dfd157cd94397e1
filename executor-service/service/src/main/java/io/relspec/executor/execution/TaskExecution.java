package io.relspec.executor.execution;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.relspec.contracts.duckdb.DuckDbError;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecMessage;
import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.contracts.model.DatasetName;
import io.relspec.executor.ExecutorConfig;
import io.relspec.executor.ExecutorNode;
import io.relspec.executor.flight.FlightFetcher;
import io.relspec.executor.flight.FlightStreamReader;
import io.relspec.executor.store.DatasetStore;
import io.relspec.executor.store.QueryCancellation;
import io.relspec.executor.store.SqlRefusedException;
import io.relspec.executor.store.StoreException;
import io.relspec.executor.store.StoredDataset;
import io.relspec.executor.store.TaskQuery;
import io.relspec.platform.messaging.MessageSender;
import io.relspec.platform.messaging.MessageSenders;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Runs task attempts on the locked-down store and reports the outcome. Inputs held here are read at
 * the pinned version; inputs held by other executors are fetched over Flight. The work-queue
 * message is acknowledged only after the output is committed and the result event confirmed by the
 * broker; if the confirm fails the message is redelivered and the (idempotent) attempt runs again.
 * A running query is interrupted at its deadline or when its run is cancelled.
 *
 * <p>Over 400 lines on purpose: the lifecycle of one attempt (deadline, heartbeats, inputs bound or
 * fetched, the write, the result message) and the one catch chain that maps every failure to its
 * code.
 */
@ApplicationScoped
public class TaskExecution {
  private static final Logger LOG = Logger.getLogger(TaskExecution.class);
  private static final int REMEMBERED_CANCELLED_RUNS = 1_000;
  private static final long FIRST_HEARTBEAT_DELAY_MILLIS = 250;

  private final ExecutorConfig config;
  private final ExecutorNode node;
  private final MeterRegistry metrics;

  /** Inputs read over Flight from another executor, by the executor they came from. */
  public static final String INPUTS_FETCHED = "relspec.executor.inputs.fetched";

  /**
   * Remote inputs found in the input cache ({@code result=hit}) or fetched into it ({@code miss}).
   */
  public static final String INPUT_CACHE = "relspec.executor.input.cache";

  private final MessageSender sender;
  private final ScheduledExecutorService timers;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** Why attempts still running at the end of a shutdown's grace period are interrupted. */
  static final String STOPPING = "the executor is stopping";

  /** Set on shutdown: no new attempt starts, running ones get the grace period to finish. */
  private volatile boolean stopping;

  /** Attempts between their start and their result's confirmation by the broker. */
  private int inFlight;

  /** Bumped whenever an attempt starts or the executor falls idle: an idle checkpoint's ticket. */
  private long idleEpoch;

  /** How long the executor stays idle before it checkpoints its store. */
  static final Duration IDLE_CHECKPOINT_DELAY = Duration.ofSeconds(1);

  private final Object idle = new Object();
  private final Set<String> cancelledRuns =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > REMEMBERED_CANCELLED_RUNS;
                }
              }));

  public TaskExecution(
      ExecutorConfig config,
      ExecutorNode node,
      MessageSenders senders,
      @Channel("task-run-succeeded") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> succeeded,
      @Channel("task-run-failed") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> failed,
      @Channel("task-run-heartbeat") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
          Emitter<String> heartbeat,
      MeterRegistry metrics) {
    this.config = config;
    this.node = node;
    this.metrics = metrics;
    this.sender =
        senders.sender(
            "executor",
            Map.of(
                MessageType.TASK_RUN_SUCCEEDED, succeeded,
                MessageType.TASK_RUN_FAILED, failed,
                MessageType.TASK_RUN_HEARTBEAT, heartbeat));
    this.timers =
        Executors.newScheduledThreadPool(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "executor-timers");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Graceful stop (SIGTERM, a Kubernetes pod deletion): take no new attempt, let running ones
   * finish within {@code shutdown-grace}, then interrupt the rest and hand them back to the
   * scheduler as retryable {@code EXECUTOR_STOPPING} failures, so another executor runs them. Runs
   * before the store and the Flight server close (lower priority value = earlier).
   */
  void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
    stopping = true;
    int busy = inFlight();
    if (busy > 0) {
      LOG.infof(
          "stopping: waiting up to %d ms for %d running task attempt(s)",
          config.shutdownGrace().toMillis(), busy);
    }
    if (!awaitIdle(config.shutdownGrace())) {
      LOG.warnf(
          "stopping: handing %d unfinished task attempt(s) back to the scheduler", running.size());
      running
          .values()
          .forEach(
              attempt ->
                  attempt
                      .cancellation()
                      .cancel(QueryCancellation.Cause.EXECUTOR_STOPPING, STOPPING));
      if (!awaitIdle(config.publishConfirmTimeout())) {
        LOG.warnf(
            "stopping: %d result(s) unconfirmed; the scheduler's lease covers them", inFlight());
      }
    }
    timers.shutdownNow();
  }

  /** Whether the executor is stopping: it takes no new attempt. */
  boolean stopping() {
    return stopping;
  }

  private int inFlight() {
    synchronized (idle) {
      return inFlight;
    }
  }

  private boolean awaitIdle(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (idle) {
      while (inFlight > 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        try {
          idle.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private void finished() {
    long epoch;
    synchronized (idle) {
      inFlight--;
      idle.notifyAll();
      if (inFlight > 0 || stopping) {
        return;
      }
      epoch = ++idleEpoch;
    }
    // Idle: once nothing has started for a while, move the store's write-ahead log into its file,
    // so the checkpoint is not paid by whichever task commits next (DatasetStore.checkpoint).
    timers.schedule(
        () -> {
          synchronized (idle) {
            if (inFlight > 0 || idleEpoch != epoch || stopping) {
              return;
            }
          }
          DatasetStore store = node.store();
          if (store != null && store.checkpoint()) {
            LOG.debugf("idle: store checkpointed");
          }
        },
        IDLE_CHECKPOINT_DELAY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Runs one attempt and sends its result; the stage completes when the broker confirmed it. */
  public CompletionStage<Void> execute(TaskRunRequested request) {
    synchronized (idle) {
      inFlight++;
      idleEpoch++;
    }
    CompletionStage<Void> sent;
    try {
      sent = attempt(request);
    } catch (RuntimeException | Error e) {
      finished();
      throw e;
    }
    return sent.whenComplete((ignored, failure) -> finished());
  }

  private CompletionStage<Void> attempt(TaskRunRequested request) {
    if (stopping) {
      return send(
          failure(
              request,
              Instant.now(),
              TaskFailureCode.EXECUTOR_STOPPING,
              "executor " + node.id() + " is stopping; another executor runs this attempt"));
    }
    try {
      node.ensureStarted();
    } catch (SQLException e) {
      return CompletableFuture.failedFuture(e);
    }
    Instant started = Instant.now();
    QueryCancellation cancellation = new QueryCancellation();
    running.put(request.taskRunId(), new Running(request.runId(), cancellation));
    if (cancelledRuns.contains(request.runId())) {
      cancellation.cancel(
          QueryCancellation.Cause.RUN_CANCELLED, "run " + request.runId() + " was cancelled");
    }
    ScheduledFuture<?> beating = startHeartbeat(request);
    ScheduledFuture<?> deadline = startDeadline(request, cancellation);
    RelspecMessage result;
    try {
      result = run(request, started, cancellation);
    } finally {
      beating.cancel(false);
      if (deadline != null) {
        deadline.cancel(false);
      }
      running.remove(request.taskRunId());
    }
    return send(result);
  }

  /**
   * Sends a result, again after a failure, within {@code publish-confirm-timeout}: failing at once
   * while the broker restarts would send the work message back, to run and fail again up to its
   * queue's delivery limit, past which it is dead-lettered and the attempt lost.
   */
  private CompletionStage<Void> send(RelspecMessage result) {
    return sender.sendWithin(result, config.publishConfirmTimeout());
  }

  /** The failure code of an attempt stopped by {@code cancellation}. */
  private static TaskFailureCode failureCode(QueryCancellation cancellation) {
    QueryCancellation.Cause cause = cancellation.cause();
    return cause == null
        ? TaskFailureCode.CANCELLED
        : switch (cause) {
          case DEADLINE -> TaskFailureCode.DEADLINE_EXCEEDED;
          case EXECUTOR_STOPPING -> TaskFailureCode.EXECUTOR_STOPPING;
          case RUN_CANCELLED -> TaskFailureCode.CANCELLED;
        };
  }

  /** Interrupts the running attempts of a cancelled run and refuses its queued ones. */
  public void cancelRun(String runId) {
    cancelledRuns.add(runId);
    running.values().stream()
        .filter(attempt -> attempt.runId().equals(runId))
        .forEach(
            attempt ->
                attempt
                    .cancellation()
                    .cancel(
                        QueryCancellation.Cause.RUN_CANCELLED, "run " + runId + " was cancelled"));
  }

  /** How many attempts are running now. */
  public int runningAttempts() {
    return running.size();
  }

  private record Running(String runId, QueryCancellation cancellation) {}

  private RelspecMessage run(
      TaskRunRequested request, Instant started, QueryCancellation cancellation) {
    if (cancellation.cancelled()) {
      return failure(request, started, failureCode(cancellation), cancellation.reason());
    }
    if (request.deadline() != null && started.isAfter(request.deadline())) {
      return failure(
          request,
          started,
          TaskFailureCode.DEADLINE_EXCEEDED,
          "the attempt's deadline " + request.deadline() + " has passed");
    }
    DatasetStore store = node.store();
    List<ArrowReader> fetched = new ArrayList<>();
    List<AutoCloseable> cached = new ArrayList<>();
    List<DatasetName> unavailable = new ArrayList<>();
    try {
      List<TaskQuery.Input> inputs = new ArrayList<>();
      for (InputLocation input : request.inputs()) {
        try {
          inputs.add(bind(store, input, fetched, cached));
        } catch (FlightFetcher.FetchException e) {
          unavailable.add(input.dataset());
          throw e;
        } catch (StoreException e) {
          if (e.reason() == StoreException.Reason.INPUT_NOT_AVAILABLE) {
            unavailable.add(input.dataset());
          }
          throw e;
        }
      }
      TaskQuery query =
          new TaskQuery(
              request.output(),
              request.sql(),
              request.macros(),
              request.views(),
              inputs,
              request.writeMode() != TaskRunRequested.WriteMode.REPLACE
                  ? request.scopedInputs()
                  : Map.of(),
              request.outputSchema(),
              request.fileIdColumn(),
              cancellation);
      DatasetStore.Partials partials =
          request.partialAggregate() == null
              ? null
              : new DatasetStore.Partials(request.partialAggregate(), request.fingerprint());
      StoredDataset stored =
          switch (request.writeMode()) {
            case UPSERT_FILES ->
                store.upsertFiles(
                    query,
                    request.fileIdColumn(),
                    request.fileIds(),
                    previousVersion(store, request.previousOutput(), fetched));
            case MERGE_PARTIALS -> {
              Optional<StoredDataset> merged =
                  store.mergePartials(
                      query,
                      request.fileIds(),
                      partials,
                      request.previousOutput() == null ? null : request.previousOutput().version());
              if (merged.isPresent()) {
                yield merged.get();
              }
              // No partials to merge into here (mergePartials read no input): the task runs in
              // full, on all rows of its inputs, and keeps its partials for the next run.
              yield store.replace(
                  new TaskQuery(
                      query.output(),
                      query.sql(),
                      query.macros(),
                      query.views(),
                      query.inputs(),
                      Map.of(),
                      query.outputSchema(),
                      query.fileIdColumn(),
                      query.cancellation()),
                  false,
                  partials);
            }
            case REPLACE -> store.replace(query, request.reportChangedFiles(), partials);
          };
      long millis = Duration.between(started, Instant.now()).toMillis();
      LOG.infof(
          "%s: %s -> %d rows (version %d, %d inputs fetched%s) in %d ms",
          request.taskRunId(),
          request.output(),
          stored.rows(),
          stored.version(),
          fetched.size(),
          !request.reportChangedFiles()
              ? ""
              : stored.changedFileIds() == null
                  ? ", changed partitions unknown"
                  : ", " + stored.changedFileIds().size() + " partitions changed",
          millis);
      return new TaskRunSucceeded(
          UUID.randomUUID(),
          Instant.now(),
          request.runId(),
          request.taskRunId(),
          request.task(),
          request.attempt(),
          node.id(),
          request.output(),
          stored.version(),
          stored.rows(),
          stored.bytes(),
          stored.schema(),
          node.flightUri(),
          millis,
          stored.contentHash(),
          stored.changedFileIds());
    } catch (SqlRefusedException e) {
      return failure(request, started, TaskFailureCode.SQL_REFUSED, e.getMessage());
    } catch (FlightFetcher.FetchException e) {
      return failure(
          request, started, TaskFailureCode.INPUT_NOT_AVAILABLE, e.getMessage(), unavailable);
    } catch (QueryCancellation.QueryCancelledException e) {
      return failure(request, started, failureCode(cancellation), String.valueOf(e.getMessage()));
    } catch (StoreException e) {
      return failure(request, started, e.reason().failureCode(), e.getMessage(), unavailable);
    } catch (SQLException e) {
      String message = firstLine(e.getMessage());
      // An input's stream that broke mid-query (its executor died) surfaces as DuckDB's error:
      // the input is unavailable, not the SQL wrong.
      List<DatasetName> broken = brokenStreams(request, fetched);
      if (!broken.isEmpty()) {
        return failure(request, started, TaskFailureCode.INPUT_NOT_AVAILABLE, message, broken);
      }
      TaskFailureCode code =
          DuckDbError.typeOf(e) == DuckDbError.Type.OUT_OF_MEMORY
              ? TaskFailureCode.OUT_OF_MEMORY
              : TaskFailureCode.SQL_ERROR;
      return failure(request, started, code, message);
    } catch (RuntimeException e) {
      LOG.errorf(e, "%s failed unexpectedly", request.taskRunId());
      return failure(
          request, started, TaskFailureCode.INTERNAL_ERROR, String.valueOf(e.getMessage()));
    } finally {
      closeQuietly(cached);
      closeQuietly(fetched);
    }
  }

  /**
   * An input at the version the scheduler pinned: read here when this executor holds it (or when no
   * executor is named, the newest version held here), otherwise fetched from the executor that
   * does.
   */
  private TaskQuery.Input bind(
      DatasetStore store,
      InputLocation input,
      List<ArrowReader> fetched,
      List<AutoCloseable> cached)
      throws SQLException, FlightFetcher.FetchException {
    boolean here = input.executorId() == null || input.executorId().equals(node.id());
    if (here) {
      Optional<Long> held =
          store.heldVersion(input.dataset(), input.executorId() == null ? null : input.version());
      if (held.isEmpty()) {
        throw new StoreException(
            StoreException.Reason.INPUT_NOT_AVAILABLE,
            "input '"
                + input.dataset()
                + "'"
                + (input.version() == null ? "" : " version " + input.version())
                + " is not held by executor "
                + node.id()
                + (input.executorId() == null
                    ? " (upload it with Flight DoPut first)"
                    : " (it was pruned; this executor keeps the last "
                        + store.retainVersions()
                        + " versions)"));
      }
      return new TaskQuery.Local(input.dataset(), held.get());
    }
    if (input.flightUri() == null) {
      throw new StoreException(
          StoreException.Reason.INPUT_NOT_AVAILABLE,
          "input '" + input.dataset() + "' lives on " + input.executorId() + " with no Flight URI");
    }
    // A pinned version never changes: one fetched before (by any task of any run) is read here.
    boolean cacheable = input.version() != null && store.inputCacheEnabled();
    if (cacheable) {
      Optional<TaskQuery.Cached> hit = store.cachedInput(input.dataset(), input.version());
      if (hit.isPresent()) {
        cached.add(hit.get());
        metrics.counter(INPUT_CACHE, "result", "hit").increment();
        return hit.get();
      }
    }
    ArrowReader reader = node.fetcher().fetch(input.flightUri(), input.dataset(), input.version());
    fetched.add(reader);
    // relspec_executor_inputs_fetched_total{from=...}: data that crossed between executors.
    metrics.counter(INPUTS_FETCHED, "from", input.executorId()).increment();
    if (cacheable) {
      metrics.counter(INPUT_CACHE, "result", "miss").increment();
      TaskQuery.Cached kept = store.cacheInput(input.dataset(), input.version(), reader);
      cached.add(kept);
      return kept;
    }
    return new TaskQuery.Imported(input.dataset(), reader);
  }

  /** The inputs whose fetched stream failed while DuckDB read it. */
  private static List<DatasetName> brokenStreams(
      TaskRunRequested request, List<ArrowReader> fetched) {
    List<DatasetName> broken = new ArrayList<>();
    for (ArrowReader reader : fetched) {
      if (reader instanceof FlightStreamReader stream && stream.failure() != null) {
        broken.add(stream.dataset());
      }
    }
    return broken;
  }

  /** The output version an upsert builds on, fetched when another executor holds it. */
  private DatasetStore.PreviousVersion previousVersion(
      DatasetStore store, InputLocation previous, List<ArrowReader> fetched)
      throws SQLException, FlightFetcher.FetchException {
    if (previous == null
        || previous.executorId() == null
        || previous.executorId().equals(node.id())
        || previous.flightUri() == null) {
      return null;
    }
    ArrowReader reader =
        node.fetcher().fetch(previous.flightUri(), previous.dataset(), previous.version());
    fetched.add(reader);
    return new DatasetStore.PreviousVersion(
        previous.version() == null ? 0 : previous.version(), reader);
  }

  private static void closeQuietly(List<? extends AutoCloseable> readers) {
    try {
      AutoCloseables.close(readers);
    } catch (Exception e) {
      LOG.debugf("closing fetched inputs: %s", e.getMessage());
    }
  }

  private TaskRunFailed failure(
      TaskRunRequested request, Instant started, TaskFailureCode code, String message) {
    return failure(request, started, code, message, List.of());
  }

  private TaskRunFailed failure(
      TaskRunRequested request,
      Instant started,
      TaskFailureCode code,
      String message,
      List<DatasetName> unavailableInputs) {
    LOG.warnf("%s failed: %s %s", request.taskRunId(), code, message);
    return new TaskRunFailed(
        UUID.randomUUID(),
        Instant.now(),
        request.runId(),
        request.taskRunId(),
        request.task(),
        request.attempt(),
        node.id(),
        code,
        message,
        code.retryable(),
        Duration.between(started, Instant.now()).toMillis(),
        unavailableInputs);
  }

  private ScheduledFuture<?> startHeartbeat(TaskRunRequested request) {
    long interval = config.heartbeatInterval().toMillis();
    // The first beat after a short delay: an attempt that finishes sooner reports its result
    // without a heartbeat (a message and a scheduler transaction per short task saved).
    long first = Math.min(interval, FIRST_HEARTBEAT_DELAY_MILLIS);
    return timers.scheduleAtFixedRate(
        () ->
            sender.send(
                new TaskRunHeartbeat(
                    UUID.randomUUID(),
                    Instant.now(),
                    request.runId(),
                    request.taskRunId(),
                    request.attempt(),
                    node.id(),
                    request.task())),
        first,
        interval,
        TimeUnit.MILLISECONDS);
  }

  private ScheduledFuture<?> startDeadline(
      TaskRunRequested request, QueryCancellation cancellation) {
    if (request.deadline() == null) {
      return null;
    }
    long delay = Math.max(0, Duration.between(Instant.now(), request.deadline()).toMillis());
    return timers.schedule(
        () ->
            cancellation.cancel(
                QueryCancellation.Cause.DEADLINE,
                "deadline " + request.deadline() + " reached; query interrupted"),
        delay,
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
