package io.relspec.contracts.api;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import java.util.List;
import java.util.Objects;

/**
 * What a registered bundle owns (the bundle inventory of a snapshot). {@code provider} is the
 * extension pack class that contributed it, or null for bundles posted over the API.
 */
public record BundleSummary(
    String version,
    String domain,
    String provider,
    List<DatasetName> datasets,
    List<String> functions,
    List<String> templates,
    List<TaskName> tasks) {
  public BundleSummary {
    Objects.requireNonNull(version, "version is null");
    datasets = Collections2.sortedDistinct(datasets);
    functions = Collections2.sortedDistinct(functions);
    templates = Collections2.sortedDistinct(templates);
    tasks = Collections2.sortedDistinct(tasks);
  }
}
