package io.relspec.scheduler.runs;

import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunState;
import io.relspec.platform.outbox.Outbox;
import io.relspec.scheduler.lineage.Lineage;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Ends a run: its state, its {@code RunFinished} message with the count of tasks by state (through
 * the outbox, in the caller's transaction) and its OpenLineage run event.
 */
final class RunEnding {
  private static final Logger LOG = Logger.getLogger(RunEnding.class);
  private final TaskRunStore taskRuns = new TaskRunStore();
  private final RunStore runs;
  private final Outbox outbox;
  private final Lineage lineage;

  RunEnding(RunStore runs, Outbox outbox, Lineage lineage) {
    this.runs = runs;
    this.outbox = outbox;
    this.lineage = lineage;
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
