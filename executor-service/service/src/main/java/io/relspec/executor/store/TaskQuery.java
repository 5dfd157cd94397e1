package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * One task attempt's query: the task's own SQL, the macros it calls, the views it reads (in
 * dependency order), the inputs bound under their dataset names, and the schema the result is cast
 * to.
 *
 * @param scopedInputs inputs bound to the rows of the attempt's file ids only, with their file-id
 *     column (a file-scoped upsert); empty otherwise
 * @param outputSchema cast the result to these columns and types; null keeps DuckDB's types
 * @param fileIdColumn the output's file-id column, recorded so partitions can be served; or null
 */
public record TaskQuery(
    DatasetName output,
    String sql,
    List<MacroDefinition> macros,
    List<ViewDefinition> views,
    List<Input> inputs,
    Map<DatasetName, String> scopedInputs,
    ArrowSchema outputSchema,
    String fileIdColumn,
    QueryCancellation cancellation) {
  public TaskQuery {
    Objects.requireNonNull(output, "output is null");
    Objects.requireNonNull(sql, "sql is null");
    macros = Collections2.copy(macros);
    views = Collections2.copy(views);
    inputs = Collections2.copy(inputs);
    scopedInputs = Collections2.sortedCopy(scopedInputs);
    cancellation = cancellation == null ? new QueryCancellation() : cancellation;
  }

  /** A query that reads no dataset (generators and literals only). */
  public static TaskQuery of(DatasetName output, String sql) {
    return new TaskQuery(output, sql, List.of(), List.of(), List.of(), Map.of(), null, null, null);
  }

  /** An input the query reads under {@code dataset}'s name. */
  public sealed interface Input permits Local, Imported, Cached {
    DatasetName dataset();
  }

  /** A version held in this store. */
  public record Local(DatasetName dataset, long version) implements Input {}

  /**
   * Arrow data fetched from elsewhere (another executor's Flight endpoint), imported through the
   * Arrow C data interface. The caller owns and closes the reader.
   */
  public record Imported(DatasetName dataset, ArrowReader reader) implements Input {}

  /**
   * A version fetched from elsewhere earlier and kept in this store's input cache ({@code
   * DatasetStore.cachedInput}); held from eviction until closed.
   */
  public record Cached(DatasetName dataset, long version, String relation, AutoCloseable lease)
      implements Input, AutoCloseable {
    @Override
    public void close() throws Exception {
      lease.close();
    }
  }
}
