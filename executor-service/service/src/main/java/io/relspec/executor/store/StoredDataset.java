package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;

/**
 * A dataset version held in this executor's store.
 *
 * @param bytes uncompressed size estimate: fixed-width columns at their Arrow width, strings and
 *     binaries at their length
 * @param fileIdColumn the column partitioning the rows by file id, or null
 */
public record StoredDataset(
    DatasetName name,
    long version,
    long rows,
    long bytes,
    ArrowSchema schema,
    String fileIdColumn) {}
