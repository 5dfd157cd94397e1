package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;
import java.util.List;

/**
 * A dataset version held in this executor's store.
 *
 * @param bytes uncompressed size estimate: fixed-width columns at their Arrow width, strings and
 *     binaries at their length
 * @param fileIdColumn the column partitioning the rows by file id, or null
 * @param contentHash a hash of the schema and of the rows as a multiset (order-independent),
 *     computed when the version was written; equal hashes mean equal contents. Null when read back
 *     from the store rather than just written.
 * @param changedFileIds for a full rewrite of a file-keyed output, the file ids whose partitions
 *     differ from the previous version (sorted; empty when none did); null when unknown: an upsert,
 *     no previous version here, or more changed than are worth naming
 */
public record StoredDataset(
    DatasetName name,
    long version,
    long rows,
    long bytes,
    ArrowSchema schema,
    String fileIdColumn,
    String contentHash,
    List<String> changedFileIds) {
  public StoredDataset {
    changedFileIds = changedFileIds == null ? null : List.copyOf(changedFileIds);
  }

  StoredDataset withChangedFileIds(List<String> fileIds) {
    return new StoredDataset(
        name, version, rows, bytes, schema, fileIdColumn, contentHash, fileIds);
  }
}
