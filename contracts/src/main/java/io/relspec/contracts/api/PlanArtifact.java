package io.relspec.contracts.api;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.TaskKind;
import java.util.List;
import java.util.Objects;

/** What the compiler derived for one task: inputs, fingerprint and the SQL executors run. */
public record PlanArtifact(
    TaskName task,
    DatasetName output,
    TaskKind kind,
    CachePolicy cachePolicy,
    int priority,
    List<DatasetName> inputs,
    Fingerprint fingerprint,
    String executableSql) {
  public PlanArtifact {
    Objects.requireNonNull(task, "task is null");
    Objects.requireNonNull(output, "output is null");
    Objects.requireNonNull(fingerprint, "fingerprint is null");
    Objects.requireNonNull(executableSql, "executableSql is null");
    inputs = Collections2.sortedDistinct(inputs);
  }
}
