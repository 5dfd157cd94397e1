package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;

/** A dataset version held in this executor's store. */
public record StoredDataset(DatasetName name, long version, long rows, ArrowSchema schema) {}
