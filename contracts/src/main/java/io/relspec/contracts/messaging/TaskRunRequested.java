package io.relspec.contracts.messaging;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Command to any executor (work queue): run one task attempt. {@code sql} is the DuckDB SQL the
 * compiler regenerated from a validated plan, never the user's text.
 *
 * <p>With {@link WriteMode#UPSERT_FILES} the scheduler has already restricted {@code sql} to {@code
 * fileIds}: an {@code IN} list for short lists, or, above its threshold, a semi-join with the table
 * {@value #FILE_SCOPE_TABLE} (one VARCHAR column {@value #FILE_SCOPE_COLUMN}) that the executor
 * creates from {@code fileIds} before running the query. The executor then replaces the partitions
 * of those file ids in the output, in one transaction. {@code previousOutput} says where the
 * version being upserted lives, so an executor that does not hold it can fetch it first.
 *
 * <p>{@code outputSchema} is the plan's output schema: the executor casts the result to it (DuckDB
 * widens, for example, {@code SUM} of an integer to HUGEINT). {@code fileIdColumn} names the
 * output's file-id column whenever it has one, so its partitions can be served and upserted.
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
    List<MacroDefinition> macros,
    WriteMode writeMode,
    String fileIdColumn,
    List<String> fileIds,
    Instant deadline,
    ArrowSchema outputSchema,
    InputLocation previousOutput)
    implements RelspecMessage {
  /** Temporary table holding {@code fileIds} for a scoped run above the IN-list threshold. */
  public static final String FILE_SCOPE_TABLE = "relspec_file_scope";

  public static final String FILE_SCOPE_COLUMN = "file_id";

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
    macros = Collections2.copy(macros);
    writeMode = writeMode == null ? WriteMode.REPLACE : writeMode;
    fileIds = Collections2.copy(fileIds);
  }

  /** Where an input dataset version lives: the executor holding it and its Flight URI. */
  public record InputLocation(
      DatasetName dataset, Long version, String executorId, String flightUri) {
    public InputLocation {
      Objects.requireNonNull(dataset, "dataset is null");
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

  /** Replace the whole output, or upsert only the partitions of {@code fileIds}. */
  public enum WriteMode {
    REPLACE,
    UPSERT_FILES
  }
}
