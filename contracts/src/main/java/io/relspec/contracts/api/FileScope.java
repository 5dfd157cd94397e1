package io.relspec.contracts.api;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a task can be re-run for a subset of file ids and upsert only those partitions: its
 * output carries the file id column straight from every file-keyed input, and every join,
 * aggregation and window keeps the rows of one file together. A scoped run then reads only the rows
 * of the changed file ids: the executor binds each of {@code scopedInputs} to its rows of those
 * ids, so the task's own SQL computes exactly the new partitions.
 *
 * @param scopable true when a run may be restricted to changed file ids
 * @param reason why it is or is not scopable, one line
 * @param fileIdColumn the output column carrying the file id: set when scopable, and for a task
 *     that is not scopable but whose every output row keeps the file id of the row it came from
 *     (its output stays partitioned by file id, so readers can be scoped by that column); else null
 * @param inputFileIdColumns per file-keyed input the SQL names (views included), its file id column
 * @param scopedInputs the datasets a scoped run restricts to the changed file ids, with their file
 *     id column: the file-keyed inputs the SQL reads directly, and through a scopable view the
 *     inputs that view restricts (empty when not scopable)
 */
public record FileScope(
    boolean scopable,
    String reason,
    String fileIdColumn,
    Map<DatasetName, String> inputFileIdColumns,
    Map<DatasetName, String> scopedInputs,
    PartialAggregate partialAggregate) {
  public FileScope {
    Objects.requireNonNull(reason, "reason is null");
    if (scopable && fileIdColumn == null && partialAggregate == null) {
      throw new IllegalArgumentException("a scopable task names its file id column");
    }
    inputFileIdColumns = Collections2.sortedCopy(inputFileIdColumns);
    scopedInputs = scopable ? Collections2.sortedCopy(scopedInputs) : Map.of();
  }

  public FileScope(
      boolean scopable,
      String reason,
      String fileIdColumn,
      Map<DatasetName, String> inputFileIdColumns,
      Map<DatasetName, String> scopedInputs) {
    this(scopable, reason, fileIdColumn, inputFileIdColumns, scopedInputs, null);
  }

  /**
   * A task whose SQL is one aggregation grouped by keys other than the file id, over rows that stay
   * together by file, with only decomposable aggregates ({@code COUNT}, {@code SUM}, {@code MIN},
   * {@code MAX}, {@code AVG}, none {@code DISTINCT}). Its output is not keyed by file, but a run
   * scoped to some file ids can maintain it: the executor keeps the aggregates per file id and
   * group ("partials"), recomputes the partials of the changed file ids from their rows, and
   * recomputes the output from all partials instead of from all rows. Such a scope is {@code
   * scopable} with no {@code fileIdColumn}.
   *
   * @param keyInput the input the SQL names in its FROM clause whose file id keys the partials
   * @param keyColumn that input's file id column
   */
  public record PartialAggregate(DatasetName keyInput, String keyColumn) {
    public PartialAggregate {
      Objects.requireNonNull(keyInput, "keyInput is null");
      Objects.requireNonNull(keyColumn, "keyColumn is null");
    }
  }

  /** Whether a scoped run maintains the output from per-file partial aggregates. */
  public boolean partial() {
    return partialAggregate != null;
  }

  public static FileScope notScopable(String reason, Map<DatasetName, String> inputs) {
    return new FileScope(false, reason, null, inputs, Map.of());
  }
}
