package io.relspec.catalog.model;

import io.relspec.catalog.CatalogErrorCode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskOrigin;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.contracts.spec.TemplateInstance;
import io.relspec.platform.error.ProblemDetails.Violation;
import io.relspec.platform.error.RelspecException;
import io.relspec.sql.QueryText;
import io.relspec.sql.SqlRefusal;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The tasks a catalog synthesizes from its contracts: each template instance in a contract's {@code
 * relspec.templates} metadata expands its template over that dataset into a task of origin {@code
 * contract}, named after the dataset and template unless the instance names it.
 */
final class ContractTasks {
  private ContractTasks() {}

  /**
   * Registered tasks plus the tasks synthesized from contracts' template instances.
   *
   * @throws RelspecException when an instance names an unknown template, has a bad argument, or
   *     yields SQL that is not a query
   */
  static SortedMap<TaskName, TaskSpec> effectiveTasks(CatalogState state) {
    TreeMap<TaskName, TaskSpec> result = new TreeMap<>(state.tasks());
    Function<String, Set<String>> columnsOf =
        dataset ->
            state.datasets().get(DatasetName.of(dataset)) instanceof DatasetContract contract
                ? contract.schema().fields().stream()
                    .map(io.relspec.contracts.arrow.ArrowField::name)
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new))
                : null;
    for (Map.Entry<DatasetName, DatasetContract> entry : state.datasets().entrySet()) {
      String raw = entry.getValue().metadata().get(TemplateInstance.METADATA_KEY);
      if (raw == null) {
        continue;
      }
      String field = entry.getKey() + ".metadata[\"" + TemplateInstance.METADATA_KEY + "\"]";
      List<TemplateInstance> instances;
      try {
        instances = TemplateInstance.parseList(raw);
      } catch (IllegalArgumentException e) {
        throw instanceError(field, e.getMessage());
      }
      Map<String, Integer> uses = new HashMap<>();
      instances.forEach(instance -> uses.merge(instance.template(), 1, Integer::sum));
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < instances.size(); i++) {
        TemplateInstance instance = instances.get(i);
        String at = field + "[" + i + "]";
        TaskTemplate template = state.templates().get(instance.template());
        if (template == null) {
          throw instanceError(
              at + ".template",
              "no template named '"
                  + instance.template()
                  + "'; known: "
                  + state.templates().keySet());
        }
        int n = seen.merge(instance.template(), 1, Integer::sum);
        String taskName =
            instance.name() != null
                ? instance.name()
                : entry.getKey()
                    + "__"
                    + instance.template().replace('.', '_')
                    + (uses.get(instance.template()) > 1 ? "_" + n : "");
        String sql;
        try {
          sql =
              TemplateExpander.expand(template, instance.args(), entry.getKey().value(), columnsOf);
        } catch (TemplateExpander.InvalidArgument e) {
          throw instanceError(
              e.argument() == null ? at : at + ".args." + e.argument(), e.getMessage());
        }
        try {
          QueryText.parseQuery(sql);
        } catch (SqlRefusal e) {
          throw instanceError(at, "the expanded SQL is refused: " + e.describe());
        }
        TaskName name = TaskName.of(taskName);
        if (result.containsKey(name)) {
          throw new RelspecException(
              CatalogErrorCode.NAME_CONFLICT,
              "template instance "
                  + at
                  + " would create task '"
                  + name
                  + "', which already exists; give the instance a \"name\"",
              List.of(new Violation(at, "task name '" + name + "' is taken")),
              null);
        }
        String owner = state.ownerOf(CatalogState.Kind.DATASET, entry.getKey().value());
        result.put(
            name,
            new TaskSpec(
                DatasetName.of(taskName),
                sql,
                template.effectiveKind(),
                null,
                null,
                owner == null ? null : state.bundles().get(owner).domain(),
                owner,
                Map.of(
                    "relspec.contract", entry.getKey().value(),
                    "relspec.template", instance.template()),
                TaskOrigin.CONTRACT));
      }
    }
    return Collections.unmodifiableSortedMap(result);
  }

  static List<String> datasetsUsingTemplate(CatalogState state, String template) {
    return state.datasets().entrySet().stream()
        .filter(
            entry -> {
              String raw = entry.getValue().metadata().get(TemplateInstance.METADATA_KEY);
              if (raw == null) {
                return false;
              }
              try {
                return TemplateInstance.parseList(raw).stream()
                    .anyMatch(instance -> instance.template().equals(template));
              } catch (IllegalArgumentException e) {
                return false;
              }
            })
        .map(entry -> entry.getKey().value())
        .toList();
  }

  static RelspecException instanceError(String field, String message) {
    return new RelspecException(
        CatalogErrorCode.INVALID_TEMPLATE_INSTANCE,
        field + ": " + message,
        List.of(new Violation(field, message)),
        null);
  }
}
