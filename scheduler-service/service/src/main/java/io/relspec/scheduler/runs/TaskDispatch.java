package io.relspec.scheduler.runs;

import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.RunState;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.outbox.Outbox;
import io.relspec.scheduler.SchedulerConfig;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.lineage.Lineage;
import io.relspec.scheduler.lineage.OpenLineageEvents;
import io.relspec.scheduler.plans.PlanCatalogs;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Moves a run forward: tasks whose inputs exist are judged for cutoff ({@link EarlyCutoff}) and
 * dispatched through the outbox in the transaction of the state change, while slots of {@code
 * max-parallel-tasks} (shared by all runs, {@link DispatchSlots}) are free; the rest wait as READY,
 * and a freed slot goes to the first of them by priority, then oldest run. A run whose tasks are
 * all terminal is finished with its {@code RunFinished} message.
 */
final class TaskDispatch {
  private final TaskRunStore taskRuns = new TaskRunStore();
  private final DispatchSlots slots = new DispatchSlots();

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
  private final RunEnding ending;
  private final PlanCatalogs planCatalogs;

  TaskDispatch(
      SchedulerConfig config,
      PlanCatalogs planCatalogs,
      RunStore runs,
      SourceStore sources,
      Outbox outbox,
      Lineage lineage,
      EarlyCutoff cutoff,
      RunEnding ending,
      LiveExecutors live) {
    this.config = config;
    this.planCatalogs = planCatalogs;
    this.runs = runs;
    this.sources = sources;
    this.outbox = outbox;
    this.lineage = lineage;
    this.cutoff = cutoff;
    this.requests = new TaskRequests(config, runs, live);
    this.ending = ending;
  }

  /**
   * Takes the dispatch gate ({@link DispatchSlots#lockGate}): every transaction that may dispatch
   * calls this first, before it locks a run.
   */
  void lockGate(Connection connection) throws SQLException {
    slots.lockGate(connection);
  }

  /**
   * {@link #advance} after one task finished, reading only what that can change: the finished
   * task's downstream tasks (and their other inputs' states), the slots in use and the tasks
   * waiting for one. Per completion this costs the same for a run of ten tasks or of a hundred
   * thousand. A task whose retry comes due is dispatched by the sweep.
   */
  void advanceAfter(
      Connection connection, String runId, TaskGraph graph, TaskName finished, Instant now)
      throws SQLException {
    SourceLocations locations = new SourceLocations();
    List<TaskRunStatus> toRun =
        judge(
            connection,
            runId,
            graph,
            runnableChildren(connection, runId, graph, finished, now),
            locations,
            now);
    if (fill(connection, runId, graph, toRun, locations, now).ofRun() == 0) {
      finishIfSettled(connection, runId, now);
    }
  }

  /**
   * Judges the pending tasks of a run whose upstream outputs exist and whose retry backoff has
   * passed, then fills the free slots ({@link #fill}); finishes the run when every task is
   * terminal. At a run's start and from the sweep (due retries).
   */
  void advance(Connection connection, String runId, TaskGraph graph, Instant now)
      throws SQLException {
    List<TaskRunStore.TaskProgress> tasks = taskRuns.taskProgress(connection, runId);
    Map<TaskName, TaskRunState> states = HashMap.newHashMap(tasks.size());
    for (TaskRunStore.TaskProgress task : tasks) {
      states.put(task.task(), task.state());
    }
    List<TaskRunStore.TaskProgress> runnable =
        tasks.stream()
            .filter(task -> task.state() == TaskRunState.PENDING)
            .filter(task -> runnable(task, graph, states::get, now))
            .sorted(DISPATCH_ORDER)
            .toList();
    SourceLocations locations = new SourceLocations();
    List<TaskRunStatus> toRun = judge(connection, runId, graph, runnable, locations, now);
    // Early cutoffs may have settled tasks beyond those dispatched: ask the store what is left.
    if (fill(connection, runId, graph, toRun, locations, now).ofRun() == 0) {
      finishIfSettled(connection, runId, now);
    }
  }

  /**
   * Fills the slots left free by a cancelled run or an attempt that failed for good, with the
   * waiting tasks of every run: from the sweep and after a cancel.
   */
  int fillFreeSlots(Connection connection, Instant now) throws SQLException {
    return fill(connection, null, null, List.of(), new SourceLocations(), now).total();
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
    ending.finish(
        connection,
        runs.run(connection, runId).orElseThrow(),
        failed ? RunState.FAILED : RunState.SUCCEEDED,
        now);
  }

  /**
   * Judges newly runnable tasks for early cutoff, following the children a cutoff makes runnable;
   * returns the tasks that must run, in dispatch order. A READY task was judged when it first
   * became runnable: it only waits for a slot, and {@link #fill} finds it.
   */
  private List<TaskRunStatus> judge(
      Connection connection,
      String runId,
      TaskGraph graph,
      List<TaskRunStore.TaskProgress> runnable,
      SourceLocations locations,
      Instant now)
      throws SQLException {
    List<TaskRunStatus> toRun = new ArrayList<>();
    Deque<TaskRunStore.TaskProgress> work = new ArrayDeque<>(runnable);
    Set<TaskName> seen = new HashSet<>();
    while (!work.isEmpty()) {
      TaskRunStore.TaskProgress task = work.poll();
      if (!seen.add(task.task()) || task.state() == TaskRunState.READY) {
        continue;
      }
      TaskRunStatus full = taskRuns.taskRun(connection, runId, task.task()).orElseThrow();
      EarlyCutoff.Judgement judgement =
          cutoff.cutOff(connection, runId, full, graph, locations.get(connection), now);
      if (judgement == EarlyCutoff.Judgement.CUT_OFF) {
        work.addAll(runnableChildren(connection, runId, graph, task.task(), now));
        continue;
      }
      if (judgement == EarlyCutoff.Judgement.NARROWED) {
        full = taskRuns.taskRun(connection, runId, task.task()).orElseThrow();
      }
      toRun.add(full);
    }
    return toRun;
  }

  /**
   * Gives the free slots (of {@code max-parallel-tasks}, across all runs) to the tasks that come
   * first in {@link DispatchSlots#ORDER} among {@code toRun} (judged just now, of run {@code
   * runId}) and the READY tasks of every run; the rest of {@code toRun} waits as READY.
   */
  private Filled fill(
      Connection connection,
      String runId,
      TaskGraph graph,
      List<TaskRunStatus> toRun,
      SourceLocations locations,
      Instant now)
      throws SQLException {
    long free = config.maxParallelTasks() - slots.inUse(connection);
    List<DispatchSlots.Waiting> waiting =
        free > 0 ? slots.waiting(connection, (int) Math.min(free, 100_000)) : List.of();
    Map<TaskName, TaskRunStatus> judged = new HashMap<>();
    List<DispatchSlots.Waiting> candidates = new ArrayList<>(waiting);
    if (!toRun.isEmpty()) {
      // The run's age orders it among the others; without others waiting any age will do.
      Instant runCreatedAt =
          waiting.isEmpty() ? Instant.EPOCH : runs.run(connection, runId).orElseThrow().createdAt();
      for (TaskRunStatus task : toRun) {
        judged.put(task.task(), task);
        candidates.add(
            new DispatchSlots.Waiting(runId, task.task(), task.priority(), runCreatedAt, null));
      }
    }
    candidates.sort(DispatchSlots.ORDER);
    int total = 0;
    int ofRun = 0;
    int taken = (int) Math.min(Math.max(free, 0), candidates.size());
    for (DispatchSlots.Waiting next : candidates.subList(0, taken)) {
      TaskRunStatus mine = next.runId().equals(runId) ? judged.remove(next.task()) : null;
      boolean dispatched = mine != null || dispatchWaiting(connection, next, locations, now);
      if (mine != null) {
        dispatch(connection, runId, mine, graph, locations.get(connection), now);
      }
      if (dispatched) {
        total++;
        ofRun += next.runId().equals(runId) ? 1 : 0;
      }
    }
    for (TaskRunStatus task : toRun) {
      if (judged.containsKey(task.task())) {
        taskRuns.markReady(connection, runId, task.task(), now);
      }
    }
    return new Filled(total, ofRun);
  }

  /** What {@link #fill} dispatched: in all, and of the run it was called for. */
  private record Filled(int total, int ofRun) {}

  /**
   * Dispatches a READY task of any run, if its run is still running and the task still waits: the
   * run is locked first (the gate is already held, so the lock order stays gate, then runs).
   */
  private boolean dispatchWaiting(
      Connection connection, DispatchSlots.Waiting waiting, SourceLocations locations, Instant now)
      throws SQLException {
    Optional<RunStatus> run = runs.lockRun(connection, waiting.runId());
    if (run.isEmpty() || run.get().state().isTerminal()) {
      return false;
    }
    TaskRunStatus task = taskRuns.taskRun(connection, waiting.runId(), waiting.task()).orElse(null);
    if (task == null || task.state() != TaskRunState.READY) {
      return false;
    }
    dispatch(
        connection,
        waiting.runId(),
        task,
        planCatalogs.byId(connection, run.get().planCatalogId()),
        locations.get(connection),
        now);
    return true;
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

  /** The sources' Flight locations, read at most once per transaction, and only when needed. */
  private final class SourceLocations {
    private Map<DatasetName, InputLocation> read;

    Map<DatasetName, InputLocation> get(Connection connection) throws SQLException {
      if (read == null) {
        read = sources.locations(connection);
      }
      return read;
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
    taskRuns.markDispatched(
        connection, runId, task.task(), attempt, inputVersions, request.placement(), now);
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
}
