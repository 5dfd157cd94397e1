package io.relspec.contracts.spec;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.Collections2;
import java.util.Map;
import java.util.Objects;

/**
 * A source ("evidence") dataset: its Arrow schema and, when its rows are partitioned by the file
 * they were extracted from, the column carrying the file id.
 */
public record DatasetContract(
    ArrowSchema schema, String fileIdColumn, String description, Map<String, String> metadata) {
  public DatasetContract {
    Objects.requireNonNull(schema, "schema is null");
    if (schema.fields().isEmpty()) {
      throw new IllegalArgumentException("a dataset contract needs at least one field");
    }
    if (fileIdColumn != null && schema.field(fileIdColumn).isEmpty()) {
      throw new IllegalArgumentException(
          "fileIdColumn '" + fileIdColumn + "' is not a field of the schema");
    }
    metadata = Collections2.sortedCopy(metadata);
  }
}
