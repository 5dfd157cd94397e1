package io.relspec.contracts.api;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a task can be re-run for a subset of file ids and upsert only those partitions: its
 * output carries the file id column straight from every file-keyed input, and every join,
 * aggregation and window keeps the rows of one file together.
 *
 * @param scopable true when a run may be restricted to changed file ids
 * @param reason why it is or is not scopable, one line
 * @param fileIdColumn the output column carrying the file id (null when not scopable)
 * @param inputFileIdColumns per file-keyed input, its file id column
 */
public record FileScope(
    boolean scopable,
    String reason,
    String fileIdColumn,
    Map<DatasetName, String> inputFileIdColumns) {
  public FileScope {
    Objects.requireNonNull(reason, "reason is null");
    if (scopable && fileIdColumn == null) {
      throw new IllegalArgumentException("a scopable task names its file id column");
    }
    inputFileIdColumns = Collections2.sortedCopy(inputFileIdColumns);
  }

  public static FileScope notScopable(String reason, Map<DatasetName, String> inputs) {
    return new FileScope(false, reason, null, inputs);
  }
}
