package io.relspec.contracts.spec;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
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
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(version, "version is null");
    datasets = Collections2.sortedCopy(datasets);
    functions = Collections2.sortedCopy(functions);
    templates = Collections2.sortedCopy(templates);
    tasks = Collections2.sortedCopy(tasks);
  }
}
