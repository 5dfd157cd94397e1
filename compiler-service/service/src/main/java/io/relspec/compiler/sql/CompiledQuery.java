package io.relspec.compiler.sql;

import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import java.util.List;
import java.util.Map;

/**
 * Everything the compiler derives from one query; the task-independent part of a PlanArtifact.
 *
 * @param columnFingerprints per output column (in output order), its expression's fingerprint
 * @param rowSetFingerprint the fingerprint of the rows the query produces, below its projection
 */
public record CompiledQuery(
    ArrowSchema outputSchema,
    List<DatasetName> logicalInputs,
    List<DatasetName> physicalInputs,
    Map<DatasetName, List<RequiredColumn>> requiredColumns,
    List<ColumnLineage> lineage,
    Fingerprint fingerprint,
    String normalizedPlan,
    List<DatasetName> views,
    List<String> functions,
    FileScope fileScope,
    Map<String, Fingerprint> columnFingerprints,
    Fingerprint rowSetFingerprint) {}
