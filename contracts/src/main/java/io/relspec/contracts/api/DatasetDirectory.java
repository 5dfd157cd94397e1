package io.relspec.contracts.api;

import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.Collections2;
import java.util.List;

/**
 * Everything a SQL reader can name, as the scheduler knows it (GET /api/v1/locations): where each
 * dataset's version lives, the catalog's views with their own SQL, and the catalog functions. An
 * executor answering an ad-hoc query (Flight SQL) binds names from it exactly as a task binds its
 * inputs.
 *
 * @param planCatalogId the plan catalog the views and functions come from; null before the first
 * @param runId the run the versions are pinned to, or null for the newest versions
 * @param datasets sources and materialized outputs with their version and holder, by name
 * @param views view tasks in dependency order (a view reads only datasets and earlier views)
 * @param macros catalog functions
 */
public record DatasetDirectory(
    String planCatalogId,
    String runId,
    List<InputLocation> datasets,
    List<ViewDefinition> views,
    List<MacroDefinition> macros) {
  public DatasetDirectory {
    datasets = Collections2.copy(datasets);
    views = Collections2.copy(views);
    macros = Collections2.copy(macros);
  }
}
