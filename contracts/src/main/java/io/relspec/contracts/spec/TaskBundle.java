package io.relspec.contracts.spec;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Identifiers;
import io.relspec.contracts.model.TaskName;
import java.util.Map;
import java.util.Objects;

/** A named, versioned set of datasets, functions, templates and tasks registered atomically. */
public record TaskBundle(
    String name,
    String version,
    String domain,
    Map<DatasetName, DatasetContract> datasets,
    Map<String, FunctionSpec> functions,
    Map<String, TaskTemplate> templates,
    Map<TaskName, TaskSpec> tasks) {
  public TaskBundle {
    Identifiers.requireName(name, "bundle name");
    Objects.requireNonNull(version, "version is null");
    if (version.isBlank() || version.length() > 64) {
      throw new IllegalArgumentException("version must be 1 to 64 characters");
    }
    datasets = Collections2.sortedCopy(datasets);
    functions = Collections2.sortedCopy(functions);
    templates = Collections2.sortedCopy(templates);
    tasks = Collections2.sortedCopy(tasks);
  }
}
