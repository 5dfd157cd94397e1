package io.relspec.contracts.messaging;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Command to any executor (work queue): run one task attempt. {@code sql} is the task's SQL as
 * registered: what runs is what the user wrote. The executor binds every name it reads to the
 * version the scheduler pinned: each of {@code inputs} as a temporary view of that version, each of
 * {@code views} as a temporary view of its own SQL (in the order given, which is dependency order),
 * each of {@code macros} as a temporary macro.
 *
 * <p>With {@link WriteMode#UPSERT_FILES} the run is scoped to {@code fileIds}: each of {@code
 * scopedInputs} is bound to its rows of those file ids only (the compiler proved that the task
 * keeps the rows of one file together, so this computes exactly the new partitions), and the
 * executor replaces the partitions of those file ids in the output, in one transaction. File ids
 * travel as data, never as SQL. {@code previousOutput} says where the version being upserted lives,
 * so an executor that does not hold it can fetch it first.
 *
 * <p>With {@code partialAggregate} the task's output is maintained from partial aggregates kept per
 * file id: a {@link WriteMode#REPLACE} runs the SQL as written and also stores its partials, a
 * {@link WriteMode#MERGE_PARTIALS} recomputes the partials of {@code fileIds} from the scoped
 * inputs and the output from all partials (in full, from the SQL, when this executor holds no
 * partials for the previous version).
 *
 * <p>{@code outputSchema} is the plan's output schema: the executor casts the result to it (DuckDB
 * widens, for example, {@code SUM} of an integer to HUGEINT). {@code fileIdColumn} names the
 * output's file-id column whenever it has one, so its partitions can be served and upserted.
 *
 * <p>{@code reportChangedFiles} asks, for a {@link WriteMode#REPLACE} with a {@code fileIdColumn},
 * which file ids' partitions the new version changed against the previous one ({@code
 * TaskRunSucceeded.changedFileIds}): the scheduler sets it in incremental runs for every full
 * rewrite of an output keyed by file id, so a reader file-scopable for it re-runs only for those
 * file ids; an executor that holds the previous version then also writes only the changed
 * partitions when they are few.
 *
 * <p>{@code placedOn} names the executor the scheduler placed the attempt on because it holds most
 * of the input bytes: the message goes to that executor's own queue, from which it falls back to
 * the shared queue if the executor does not take it in time. Null: the shared queue.
 */
public record TaskRunRequested(
    UUID eventId,
    Instant occurredAt,
    String runId,
    String taskRunId,
    TaskName task,
    int attempt,
    DatasetName output,
    String sql,
    Fingerprint fingerprint,
    List<InputLocation> inputs,
    List<ViewDefinition> views,
    List<MacroDefinition> macros,
    WriteMode writeMode,
    String fileIdColumn,
    List<String> fileIds,
    Map<DatasetName, String> scopedInputs,
    Instant deadline,
    ArrowSchema outputSchema,
    InputLocation previousOutput,
    boolean reportChangedFiles,
    FileScope.PartialAggregate partialAggregate,
    String placedOn)
    implements RelspecMessage {
  public TaskRunRequested {
    Objects.requireNonNull(eventId, "eventId is null");
    Objects.requireNonNull(occurredAt, "occurredAt is null");
    Objects.requireNonNull(runId, "runId is null");
    Objects.requireNonNull(taskRunId, "taskRunId is null");
    Objects.requireNonNull(task, "task is null");
    Objects.requireNonNull(output, "output is null");
    Objects.requireNonNull(sql, "sql is null");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt starts at 1, got " + attempt);
    }
    inputs = Collections2.copy(inputs);
    views = Collections2.copy(views);
    macros = Collections2.copy(macros);
    writeMode = writeMode == null ? WriteMode.REPLACE : writeMode;
    fileIds = Collections2.copy(fileIds);
    scopedInputs = Collections2.sortedCopy(scopedInputs);
    if (writeMode == WriteMode.UPSERT_FILES && fileIdColumn == null) {
      throw new IllegalArgumentException("an upsert of file partitions names the file-id column");
    }
    if (writeMode == WriteMode.MERGE_PARTIALS && partialAggregate == null) {
      throw new IllegalArgumentException("a merge of partial aggregates names their key");
    }
  }

  public TaskRunRequested(
      UUID eventId,
      Instant occurredAt,
      String runId,
      String taskRunId,
      TaskName task,
      int attempt,
      DatasetName output,
      String sql,
      Fingerprint fingerprint,
      List<InputLocation> inputs,
      List<ViewDefinition> views,
      List<MacroDefinition> macros,
      WriteMode writeMode,
      String fileIdColumn,
      List<String> fileIds,
      Map<DatasetName, String> scopedInputs,
      Instant deadline,
      ArrowSchema outputSchema,
      InputLocation previousOutput,
      boolean reportChangedFiles) {
    this(
        eventId,
        occurredAt,
        runId,
        taskRunId,
        task,
        attempt,
        output,
        sql,
        fingerprint,
        inputs,
        views,
        macros,
        writeMode,
        fileIdColumn,
        fileIds,
        scopedInputs,
        deadline,
        outputSchema,
        previousOutput,
        reportChangedFiles,
        null,
        null);
  }

  /**
   * Routed to the executor it was placed on ({@code <type key>.<executor id>}, that executor's own
   * queue) or, unplaced, to the shared work queue.
   */
  @Override
  public String routingKey() {
    String shared = messageType().routingKey();
    return placedOn == null ? shared : shared + "." + placedOn;
  }

  /** Where an input dataset version lives: the executor holding it and its Flight URI. */
  public record InputLocation(
      DatasetName dataset, Long version, String executorId, String flightUri) {
    public InputLocation {
      Objects.requireNonNull(dataset, "dataset is null");
    }
  }

  /** A {@code view} task the SQL reads: created as a temporary view from its own SQL. */
  public record ViewDefinition(DatasetName name, String sql) {
    public ViewDefinition {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(sql, "sql is null");
    }
  }

  /** A catalog function created as a DuckDB macro before the task's SQL runs. */
  public record MacroDefinition(String name, List<String> parameters, String expression) {
    public MacroDefinition {
      Objects.requireNonNull(name, "name is null");
      parameters = Collections2.copy(parameters);
      Objects.requireNonNull(expression, "expression is null");
    }
  }

  /**
   * Replace the whole output, upsert only the partitions of {@code fileIds}, or recompute the
   * partial aggregates of {@code fileIds} and the output from all partials ({@link
   * FileScope.PartialAggregate}).
   */
  public enum WriteMode {
    REPLACE,
    UPSERT_FILES,
    MERGE_PARTIALS
  }
}
