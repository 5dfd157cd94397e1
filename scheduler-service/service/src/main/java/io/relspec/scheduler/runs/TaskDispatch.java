package io.relspec.scheduler.runs;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunState;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.outbox.Outbox;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.lineage.Lineage;
import io.relspec.scheduler.lineage.OpenLineageEvents;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Moves a run forward: tasks whose inputs exist are judged for cutoff ({@link EarlyCutoff}) and
 * dispatched to the executors' work queue through the outbox, in the transaction of the state
 * change, up to the run's parallelism; the rest wait as READY. A run whose tasks are all terminal
 * is finished with its {@code RunFinished} message.
 */
final class TaskDispatch {
  private final TaskRunStore taskRuns = new TaskRunStore();
  private static final Logger LOG = Logger.getLogger(TaskDispatch.class);

  /** Priority (lower first), then name. */
  private static final Comparator<TaskRunStore.TaskProgress> DISPATCH_ORDER =
      Comparator.comparingInt(TaskRunStore.TaskProgress::priority)
          .thenComparing(TaskRunStore.TaskProgress::task);

  private final SchedulerConfig config;
  private final RunStore runs;
  private final SourceStore sources;
  private final Outbox outbox;
  private final Lineage lineage;
  private final EarlyCutoff cutoff;
  private final TaskRequests requests;

  TaskDispatch(
      SchedulerConfig config,
      RunStore runs,
      SourceStore sources,
      Outbox outbox,
      Lineage lineage,
      EarlyCutoff cutoff) {
    this.config = config;
    this.runs = runs;
    this.sources = sources;
    this.outbox = outbox;
    this.lineage = lineage;
    this.cutoff = cutoff;
    this.requests = new TaskRequests(config, runs);
  }

  /**
   * {@link #advance} after one task finished, reading only what that can change: the finished
   * task's downstream tasks (and their other inputs' states), the READY tasks waiting for a slot,
   * and the counts of in-flight and unfinished tasks. A task whose retry comes due is dispatched by
   * the sweep. Per completion this costs the same for a run of ten tasks or of a hundred thousand.
   */
  void advanceAfter(
      Connection connection, String runId, TaskGraph graph, TaskName finished, Instant now)
      throws SQLException {
    Map<TaskName, TaskRunStore.TaskProgress> ready = new HashMap<>();
    for (TaskRunStore.TaskProgress task :
        runnableChildren(connection, runId, graph, finished, now)) {
      ready.put(task.task(), task);
    }
    for (TaskRunStore.TaskProgress task :
        taskRuns.taskProgress(connection, runId, TaskRunState.READY)) {
      ready.putIfAbsent(task.task(), task);
    }
    int dispatched = 0;
    if (!ready.isEmpty()) {
      long inFlight =
          taskRuns.countInStates(connection, runId, TaskRunState.DISPATCHED, TaskRunState.RUNNING);
      dispatched =
          dispatchReady(
              connection,
              runId,
              graph,
              ready.values().stream().sorted(DISPATCH_ORDER).toList(),
              Math.max(0, config.maxParallelTasks() - inFlight),
              now);
    }
    if (dispatched == 0) {
      finishIfSettled(connection, runId, now);
    }
  }

  /** Finishes the run when none of its tasks is still to run or running. */
  private void finishIfSettled(Connection connection, String runId, Instant now)
      throws SQLException {
    long unsettled =
        taskRuns.countInStates(
            connection,
            runId,
            TaskRunState.PENDING,
            TaskRunState.READY,
            TaskRunState.DISPATCHED,
            TaskRunState.RUNNING);
    if (unsettled == 0) {
      finish(
          connection,
          runId,
          taskRuns.countInStates(connection, runId, TaskRunState.FAILED, TaskRunState.BLOCKED) > 0,
          now);
    }
  }

  /**
   * Pending or waiting for a slot, its retry (if any) due, and every physical upstream task of the
   * run has provided its output ({@code stateOf} gives null for a task outside the run).
   */
  static boolean runnable(
      TaskRunStore.TaskProgress task,
      TaskGraph graph,
      Function<TaskName, TaskRunState> stateOf,
      Instant now) {
    return (task.state() == TaskRunState.PENDING || task.state() == TaskRunState.READY)
        && (task.retryAt() == null || !task.retryAt().isAfter(now))
        && graph.physicalUpstreamTasks(task.task()).stream()
            .allMatch(
                parent -> {
                  TaskRunState state = stateOf.apply(parent);
                  return state == null || state.providesOutput();
                });
  }

  void finish(Connection connection, String runId, boolean failed, Instant now)
      throws SQLException {
    finish(
        connection,
        runs.run(connection, runId).orElseThrow(),
        failed ? RunState.FAILED : RunState.SUCCEEDED,
        now);
  }

  /**
   * Dispatches ready tasks in the given order while slots remain and marks the rest READY; returns
   * how many it dispatched.
   */
  int dispatchReady(
      Connection connection,
      String runId,
      TaskGraph graph,
      List<TaskRunStore.TaskProgress> ready,
      long slots,
      Instant now)
      throws SQLException {
    Map<DatasetName, InputLocation> sourceLocations = null;
    int dispatched = 0;
    Deque<TaskRunStore.TaskProgress> work = new ArrayDeque<>(ready);
    Set<TaskName> seen = new HashSet<>();
    while (!work.isEmpty()) {
      TaskRunStore.TaskProgress task = work.poll();
      if (!seen.add(task.task())) {
        continue;
      }
      // A READY task was judged for cutoff when it first became runnable; it only waits for a slot.
      boolean judge = task.state() != TaskRunState.READY;
      if (!judge && dispatched == slots) {
        continue;
      }
      TaskRunStatus full = taskRuns.taskRun(connection, runId, task.task()).orElseThrow();
      if (sourceLocations == null) {
        sourceLocations = sources.locations(connection);
      }
      if (judge) {
        EarlyCutoff.Judgement judgement =
            cutoff.cutOff(connection, runId, full, graph, sourceLocations, now);
        if (judgement == EarlyCutoff.Judgement.CUT_OFF) {
          work.addAll(runnableChildren(connection, runId, graph, task.task(), now));
          continue;
        }
        if (judgement == EarlyCutoff.Judgement.NARROWED) {
          full = taskRuns.taskRun(connection, runId, task.task()).orElseThrow();
        }
      }
      if (dispatched == slots) {
        taskRuns.markReady(connection, runId, task.task(), now);
        continue;
      }
      dispatch(connection, runId, full, graph, sourceLocations, now);
      dispatched++;
    }
    return dispatched;
  }

  /** Children of a task that became terminal which can now be dispatched (or cut off). */
  List<TaskRunStore.TaskProgress> runnableChildren(
      Connection connection, String runId, TaskGraph graph, TaskName finished, Instant now)
      throws SQLException {
    List<TaskName> children = graph.physicalDownstreamTasks(finished);
    Set<TaskName> wanted = new HashSet<>(children);
    for (TaskName child : children) {
      wanted.addAll(graph.physicalUpstreamTasks(child));
    }
    Map<TaskName, TaskRunStore.TaskProgress> known = new HashMap<>();
    for (TaskRunStore.TaskProgress task : taskRuns.taskProgress(connection, runId, wanted)) {
      known.put(task.task(), task);
    }
    List<TaskRunStore.TaskProgress> ready = new ArrayList<>();
    for (TaskName child : children) {
      TaskRunStore.TaskProgress task = known.get(child);
      if (task != null
          && runnable(
              task,
              graph,
              parent -> known.containsKey(parent) ? known.get(parent).state() : null,
              now)) {
        ready.add(task);
      }
    }
    ready.sort(DISPATCH_ORDER);
    return ready;
  }

  /**
   * Dispatches pending tasks whose upstream outputs exist and whose retry backoff has passed, in
   * priority-then-name order and up to the run's parallelism; the rest wait as READY. Finishes the
   * run when every task is terminal.
   */
  void advance(Connection connection, String runId, TaskGraph graph, Instant now)
      throws SQLException {
    // Every task of the run, as light rows: at a run's start and from the sweep (due retries).
    List<TaskRunStore.TaskProgress> tasks = taskRuns.taskProgress(connection, runId);
    Map<TaskName, TaskRunState> states = HashMap.newHashMap(tasks.size());
    long inFlight = 0;
    for (TaskRunStore.TaskProgress task : tasks) {
      states.put(task.task(), task.state());
      if (task.state() == TaskRunState.DISPATCHED || task.state() == TaskRunState.RUNNING) {
        inFlight++;
      }
    }
    List<TaskRunStore.TaskProgress> ready =
        tasks.stream()
            .filter(task -> runnable(task, graph, states::get, now))
            .sorted(DISPATCH_ORDER)
            .toList();
    int dispatched =
        dispatchReady(
            connection,
            runId,
            graph,
            ready,
            Math.max(0, config.maxParallelTasks() - inFlight),
            now);
    // Early cutoffs may have settled tasks beyond those dispatched: ask the store what is left.
    if (dispatched == 0) {
      finishIfSettled(connection, runId, now);
    }
  }

  void dispatch(
      Connection connection,
      String runId,
      TaskRunStatus task,
      TaskGraph graph,
      Map<DatasetName, InputLocation> sourceLocations,
      Instant now)
      throws SQLException {
    TaskRequests.Request request =
        requests.request(connection, runId, task, graph, sourceLocations, now);
    outbox.append(connection, request.message());
    int attempt = request.message().attempt();
    PlanArtifact plan = graph.plan(task.task());
    Map<DatasetName, Long> inputVersions = request.inputVersions();
    List<String> fileIds = request.message().fileIds();
    taskRuns.markDispatched(connection, runId, task.task(), attempt, inputVersions, now);
    // One START per task run; a retry's attempt starting is a RUNNING event of the same run.
    lineage.append(
        connection,
        lineage
            .events()
            .task(
                attempt == 1 ? "START" : "RUNNING",
                runId,
                plan,
                graph.catalog(),
                new OpenLineageEvents.Attempt(
                    attempt,
                    task.reason().wireName(),
                    fileIds.size(),
                    null,
                    inputVersions,
                    null,
                    null,
                    null,
                    null),
                now));
  }

  OpenLineageEvents.Attempt attemptOf(TaskRunStatus task, String executorId, String error) {
    return new OpenLineageEvents.Attempt(
        Math.max(1, task.attempt()),
        task.reason().wireName(),
        task.fileCount(),
        executorId,
        Map.of(),
        null,
        null,
        null,
        error);
  }

  void finish(Connection connection, RunStatus run, RunState state, Instant now)
      throws SQLException {
    runs.finishRun(connection, run.runId(), state, now);
    Map<String, Integer> counts = new TreeMap<>();
    Map<TaskRunState, Integer> byState = new EnumMap<>(TaskRunState.class);
    for (TaskRunStatus task : taskRuns.taskRuns(connection, run.runId())) {
      byState.merge(task.state(), 1, Integer::sum);
    }
    byState.forEach((taskState, count) -> counts.put(taskState.name(), count));
    outbox.append(
        connection,
        new RunFinished(
            UUID.randomUUID(),
            now,
            run.runId(),
            state,
            counts,
            Duration.between(run.createdAt(), now).toMillis()));
    lineage.append(
        connection,
        lineage
            .events()
            .run(
                switch (state) {
                  case SUCCEEDED -> "COMPLETE";
                  case CANCELLED -> "ABORT";
                  default -> "FAIL";
                },
                run.runId(),
                now,
                run.mode().name(),
                run.planCatalogId(),
                state.name(),
                state == RunState.FAILED
                    ? counts.getOrDefault("FAILED", 0)
                        + " task(s) failed, "
                        + counts.getOrDefault("BLOCKED", 0)
                        + " blocked"
                    : null));
    LOG.infof("run %s finished: %s %s", run.runId(), state, counts);
  }
}
