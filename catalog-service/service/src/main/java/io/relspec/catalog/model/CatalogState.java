package io.relspec.catalog.model;

import io.relspec.catalog.CatalogErrorCode;
import io.relspec.contracts.api.BundleSummary;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.contracts.spec.TaskOrigin;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.contracts.spec.TemplateInstance;
import io.relspec.platform.error.ProblemDetails.Violation;
import io.relspec.platform.error.RelspecException;
import io.relspec.sql.FunctionExpressions;
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
 * Everything registered, as immutable sorted maps. Each mutation returns a new state or throws a
 * {@link RelspecException} that says what is wrong and where, so a refused request changes nothing.
 * {@code tasks} holds registered tasks only; {@link #effectiveTasks()} adds those synthesized from
 * contracts.
 */
public record CatalogState(
    SortedMap<DatasetName, DatasetContract> datasets,
    SortedMap<String, FunctionSpec> functions,
    SortedMap<String, TaskTemplate> templates,
    SortedMap<TaskName, TaskSpec> tasks,
    SortedMap<String, BundleSummary> bundles) {

  public CatalogState {
    datasets = Collections.unmodifiableSortedMap(new TreeMap<>(datasets));
    functions = Collections.unmodifiableSortedMap(new TreeMap<>(functions));
    templates = Collections.unmodifiableSortedMap(new TreeMap<>(templates));
    tasks = Collections.unmodifiableSortedMap(new TreeMap<>(tasks));
    bundles = Collections.unmodifiableSortedMap(new TreeMap<>(bundles));
  }

  public static CatalogState empty() {
    return new CatalogState(
        new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
  }

  /** The kinds of things a catalog holds, with their singular names for messages. */
  public enum Kind {
    DATASET("dataset"),
    FUNCTION("function"),
    TEMPLATE("template"),
    TASK("task");

    private final String noun;

    Kind(String noun) {
      this.noun = noun;
    }

    public String noun() {
      return noun;
    }
  }

  // ---- single registrations (PUT/DELETE) --------------------------------------------------

  public CatalogState putDataset(DatasetName name, DatasetContract contract) {
    requireNotOwned(Kind.DATASET, name.value(), "registered");
    return withDataset(name, contract).checked();
  }

  public CatalogState removeDataset(DatasetName name) {
    requirePresent(datasets.containsKey(name), CatalogErrorCode.DATASET_NOT_FOUND, "dataset", name);
    requireNotOwned(Kind.DATASET, name.value(), "deleted");
    TreeMap<DatasetName, DatasetContract> next = new TreeMap<>(datasets);
    next.remove(name);
    return new CatalogState(next, functions, templates, tasks, bundles).checked();
  }

  public CatalogState putFunction(String name, FunctionSpec function) {
    requireNotOwned(Kind.FUNCTION, name, "registered");
    return withFunction(name, function);
  }

  public CatalogState removeFunction(String name) {
    requirePresent(
        functions.containsKey(name), CatalogErrorCode.FUNCTION_NOT_FOUND, "function", name);
    requireNotOwned(Kind.FUNCTION, name, "deleted");
    TreeMap<String, FunctionSpec> next = new TreeMap<>(functions);
    next.remove(name);
    return new CatalogState(datasets, next, templates, tasks, bundles);
  }

  public CatalogState putTemplate(String name, TaskTemplate template) {
    requireNotOwned(Kind.TEMPLATE, name, "registered");
    checkTemplateSql(template, "sql");
    TreeMap<String, TaskTemplate> next = new TreeMap<>(templates);
    next.put(name, template);
    return new CatalogState(datasets, functions, next, tasks, bundles).checked();
  }

  public CatalogState removeTemplate(String name) {
    requirePresent(
        templates.containsKey(name), CatalogErrorCode.TEMPLATE_NOT_FOUND, "template", name);
    requireNotOwned(Kind.TEMPLATE, name, "deleted");
    List<String> users = datasetsUsingTemplate(name);
    if (!users.isEmpty()) {
      throw new RelspecException(
          CatalogErrorCode.TEMPLATE_IN_USE,
          "template '"
              + name
              + "' is used by the contract of "
              + users
              + "; remove it from their '"
              + TemplateInstance.METADATA_KEY
              + "' metadata first");
    }
    TreeMap<String, TaskTemplate> next = new TreeMap<>(templates);
    next.remove(name);
    return new CatalogState(datasets, functions, next, tasks, bundles);
  }

  /** A task registered on its own: its output defaults to its name. */
  public CatalogState putTask(TaskName name, TaskSpec spec) {
    if (spec.bundle() != null) {
      throw invalid("bundle", "is set by the catalog for bundle members; leave it out");
    }
    if (spec.origin() != TaskOrigin.API) {
      throw invalid("origin", "is set by the catalog; leave it out");
    }
    requireNotOwned(Kind.TASK, name.value(), "registered");
    requireNotSynthesized(name, effectiveTasks());
    checkTaskSql(spec.sql(), "sql");
    DatasetName output = spec.output() != null ? spec.output() : DatasetName.of(name.value());
    return withTask(name, spec.placed(output, spec.domain(), null, TaskOrigin.API)).checked();
  }

  public CatalogState removeTask(TaskName name) {
    requireNotSynthesized(name, effectiveTasks());
    requirePresent(tasks.containsKey(name), CatalogErrorCode.TASK_NOT_FOUND, "task", name);
    requireNotOwned(Kind.TASK, name.value(), "deleted");
    TreeMap<TaskName, TaskSpec> next = new TreeMap<>(tasks);
    next.remove(name);
    return new CatalogState(datasets, functions, templates, next, bundles).checked();
  }

  // ---- bundles ------------------------------------------------------------------------------

  /**
   * Registers or replaces a bundle: its previous members that the new version no longer has are
   * removed; a member registered on its own is adopted only when the bundle defines it exactly as
   * registered (otherwise 409, as between two bundles: a push must not silently replace what
   * someone registered through the API); members of another bundle are refused.
   */
  public CatalogState putBundle(TaskBundle bundle, String provider) {
    for (Map.Entry<DatasetName, DatasetContract> entry : bundle.datasets().entrySet()) {
      String name = entry.getKey().value();
      requireNotOwnedByOther(Kind.DATASET, name, bundle.name());
      requireAdoptable(
          Kind.DATASET, name, bundle.name(), datasets.get(entry.getKey()), entry.getValue());
    }
    for (Map.Entry<String, FunctionSpec> entry : bundle.functions().entrySet()) {
      requireName(entry.getKey(), "functions." + entry.getKey());
      requireNotOwnedByOther(Kind.FUNCTION, entry.getKey(), bundle.name());
      requireAdoptable(
          Kind.FUNCTION,
          entry.getKey(),
          bundle.name(),
          functions.get(entry.getKey()),
          entry.getValue());
    }
    for (Map.Entry<String, TaskTemplate> entry : bundle.templates().entrySet()) {
      requireName(entry.getKey(), "templates." + entry.getKey());
      requireNotOwnedByOther(Kind.TEMPLATE, entry.getKey(), bundle.name());
      requireAdoptable(
          Kind.TEMPLATE,
          entry.getKey(),
          bundle.name(),
          templates.get(entry.getKey()),
          entry.getValue());
      checkTemplateSql(entry.getValue(), "templates." + entry.getKey() + ".sql");
    }
    for (Map.Entry<TaskName, TaskSpec> entry : bundle.tasks().entrySet()) {
      requireNotOwnedByOther(Kind.TASK, entry.getKey().value(), bundle.name());
      TaskSpec registered = tasks.get(entry.getKey());
      TaskSpec defined = entry.getValue();
      requireAdoptable(
          Kind.TASK,
          entry.getKey().value(),
          bundle.name(),
          registered == null
              ? null
              : List.of(registered.sql(), registered.output(), registered.kind()),
          List.of(
              defined.sql(),
              defined.output() != null ? defined.output() : DatasetName.of(entry.getKey().value()),
              defined.kind()));
      checkTaskSql(entry.getValue().sql(), "tasks." + entry.getKey() + ".sql");
    }
    CatalogState state = bundles.containsKey(bundle.name()) ? withoutBundle(bundle.name()) : this;
    for (Map.Entry<DatasetName, DatasetContract> entry : bundle.datasets().entrySet()) {
      state = state.withDataset(entry.getKey(), entry.getValue());
    }
    for (Map.Entry<String, FunctionSpec> entry : bundle.functions().entrySet()) {
      state = state.withFunction(entry.getKey(), entry.getValue());
    }
    TreeMap<String, TaskTemplate> nextTemplates = new TreeMap<>(state.templates);
    nextTemplates.putAll(bundle.templates());
    state =
        new CatalogState(
            state.datasets, state.functions, nextTemplates, state.tasks, state.bundles);
    // Synthesized tasks depend on datasets and templates only, all in place now: expand once.
    CatalogState withMembers = state;
    SortedMap<TaskName, TaskSpec> effective = withMembers.effectiveTasks();
    for (Map.Entry<TaskName, TaskSpec> entry : bundle.tasks().entrySet()) {
      TaskSpec spec = entry.getValue();
      withMembers.requireNotSynthesized(entry.getKey(), effective);
      state =
          state.withTask(
              entry.getKey(),
              spec.placed(
                  spec.output() != null ? spec.output() : DatasetName.of(entry.getKey().value()),
                  spec.domain() != null ? spec.domain() : bundle.domain(),
                  bundle.name(),
                  TaskOrigin.BUNDLE));
    }
    TreeMap<String, BundleSummary> nextBundles = new TreeMap<>(state.bundles);
    nextBundles.put(
        bundle.name(),
        new BundleSummary(
            bundle.version(),
            bundle.domain(),
            provider,
            List.copyOf(bundle.datasets().keySet()),
            List.copyOf(bundle.functions().keySet()),
            List.copyOf(bundle.templates().keySet()),
            List.copyOf(bundle.tasks().keySet())));
    return new CatalogState(
            state.datasets, state.functions, state.templates, state.tasks, nextBundles)
        .checked();
  }

  /** Removes a bundle and everything it owns. */
  public CatalogState removeBundle(String name) {
    requirePresent(bundles.containsKey(name), CatalogErrorCode.BUNDLE_NOT_FOUND, "bundle", name);
    return withoutBundle(name).checked();
  }

  private CatalogState withoutBundle(String name) {
    BundleSummary summary = bundles.get(name);
    TreeMap<DatasetName, DatasetContract> nextDatasets = new TreeMap<>(datasets);
    summary.datasets().forEach(nextDatasets::remove);
    TreeMap<String, FunctionSpec> nextFunctions = new TreeMap<>(functions);
    summary.functions().forEach(nextFunctions::remove);
    TreeMap<String, TaskTemplate> nextTemplates = new TreeMap<>(templates);
    summary.templates().forEach(nextTemplates::remove);
    TreeMap<TaskName, TaskSpec> nextTasks = new TreeMap<>(tasks);
    summary.tasks().forEach(nextTasks::remove);
    TreeMap<String, BundleSummary> nextBundles = new TreeMap<>(bundles);
    nextBundles.remove(name);
    return new CatalogState(nextDatasets, nextFunctions, nextTemplates, nextTasks, nextBundles);
  }

  /** The bundle owning an object, or null. */
  public String ownerOf(Kind kind, String name) {
    for (Map.Entry<String, BundleSummary> entry : bundles.entrySet()) {
      BundleSummary summary = entry.getValue();
      boolean owns =
          switch (kind) {
            case DATASET -> summary.datasets().contains(DatasetName.of(name));
            case FUNCTION -> summary.functions().contains(name);
            case TEMPLATE -> summary.templates().contains(name);
            case TASK -> summary.tasks().contains(TaskName.of(name));
          };
      if (owns) {
        return entry.getKey();
      }
    }
    return null;
  }

  // ---- the effective catalog ----------------------------------------------------------------

  /**
   * Registered tasks plus the tasks synthesized from contracts' template instances.
   *
   * @throws RelspecException when an instance names an unknown template, has a bad argument, or
   *     yields SQL that is not a query
   */
  public SortedMap<TaskName, TaskSpec> effectiveTasks() {
    TreeMap<TaskName, TaskSpec> result = new TreeMap<>(tasks);
    Function<String, Set<String>> columnsOf =
        dataset ->
            datasets.get(DatasetName.of(dataset)) instanceof DatasetContract contract
                ? contract.schema().fields().stream()
                    .map(io.relspec.contracts.arrow.ArrowField::name)
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new))
                : null;
    for (Map.Entry<DatasetName, DatasetContract> entry : datasets.entrySet()) {
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
        TaskTemplate template = templates.get(instance.template());
        if (template == null) {
          throw instanceError(
              at + ".template",
              "no template named '" + instance.template() + "'; known: " + templates.keySet());
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
        String owner = ownerOf(Kind.DATASET, entry.getKey().value());
        result.put(
            name,
            new TaskSpec(
                DatasetName.of(taskName),
                sql,
                template.effectiveKind(),
                null,
                null,
                owner == null ? null : bundles.get(owner).domain(),
                owner,
                Map.of(
                    "relspec.contract", entry.getKey().value(),
                    "relspec.template", instance.template()),
                TaskOrigin.CONTRACT));
      }
    }
    return Collections.unmodifiableSortedMap(result);
  }

  /** Verifies the invariants every stored state keeps; returns this. */
  public CatalogState checked() {
    SortedMap<TaskName, TaskSpec> effective = effectiveTasks();
    Map<DatasetName, TaskName> producers = new TreeMap<>();
    for (Map.Entry<TaskName, TaskSpec> entry : effective.entrySet()) {
      DatasetName output = entry.getValue().output();
      TaskName other = producers.putIfAbsent(output, entry.getKey());
      if (other != null) {
        throw new RelspecException(
            CatalogErrorCode.OUTPUT_CONFLICT,
            "tasks '"
                + other
                + "' and '"
                + entry.getKey()
                + "' both write '"
                + output
                + "'; each dataset has one producer",
            List.of(new Violation("output", "'" + output + "' is already produced")),
            null);
      }
      if (datasets.containsKey(output)) {
        throw new RelspecException(
            CatalogErrorCode.OUTPUT_CONFLICT,
            "task '"
                + entry.getKey()
                + "' writes '"
                + output
                + "', which is a registered source dataset; a source has no producer",
            List.of(new Violation("output", "'" + output + "' is a source dataset")),
            null);
      }
    }
    return this;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private CatalogState withDataset(DatasetName name, DatasetContract contract) {
    TreeMap<DatasetName, DatasetContract> next = new TreeMap<>(datasets);
    next.put(name, contract);
    return new CatalogState(next, functions, templates, tasks, bundles);
  }

  private CatalogState withFunction(String name, FunctionSpec function) {
    checkFunctionExpression(name, function);
    TreeMap<String, FunctionSpec> next = new TreeMap<>(functions);
    next.put(name, function);
    return new CatalogState(datasets, next, templates, tasks, bundles);
  }

  private CatalogState withTask(TaskName name, TaskSpec spec) {
    TreeMap<TaskName, TaskSpec> next = new TreeMap<>(tasks);
    next.put(name, spec);
    return new CatalogState(datasets, functions, templates, next, bundles);
  }

  private List<String> datasetsUsingTemplate(String template) {
    return datasets.entrySet().stream()
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

  private void requireNotOwned(Kind kind, String name, String verb) {
    String owner = ownerOf(kind, name);
    if (owner != null) {
      throw new RelspecException(
          CatalogErrorCode.OWNED_BY_BUNDLE,
          kind.noun()
              + " '"
              + name
              + "' belongs to bundle '"
              + owner
              + "' and cannot be "
              + verb
              + " on its own; post a new version of the bundle instead");
    }
  }

  private void requireNotOwnedByOther(Kind kind, String name, String bundle) {
    String owner = ownerOf(kind, name);
    if (owner != null && !owner.equals(bundle)) {
      throw new RelspecException(
          CatalogErrorCode.NAME_CONFLICT,
          kind.noun()
              + " '"
              + name
              + "' belongs to bundle '"
              + owner
              + "'; bundle '"
              + bundle
              + "' cannot also define it");
    }
  }

  /**
   * A member registered on its own (through the API) may join a bundle only as defined: the bundle
   * adopts it, never silently replaces it.
   */
  private void requireAdoptable(
      Kind kind, String name, String bundle, Object registered, Object defined) {
    if (registered == null || ownerOf(kind, name) != null || registered.equals(defined)) {
      return;
    }
    throw new RelspecException(
        CatalogErrorCode.NAME_CONFLICT,
        kind.noun()
            + " '"
            + name
            + "' was registered on its own with another definition; bundle '"
            + bundle
            + "' cannot replace it (delete it first, or define it exactly as registered)");
  }

  private void requireNotSynthesized(TaskName name, SortedMap<TaskName, TaskSpec> effective) {
    if (!tasks.containsKey(name) && effective.get(name) instanceof TaskSpec synthesized) {
      throw new RelspecException(
          CatalogErrorCode.SYNTHESIZED_TASK,
          "task '"
              + name
              + "' is synthesized from the contract of '"
              + synthesized.metadata().get("relspec.contract")
              + "' (template '"
              + synthesized.metadata().get("relspec.template")
              + "'); change that contract's '"
              + TemplateInstance.METADATA_KEY
              + "' metadata instead");
    }
  }

  private static void requirePresent(
      boolean present, CatalogErrorCode code, String noun, Object name) {
    if (!present) {
      throw new RelspecException(code, "no " + noun + " named '" + name + "'");
    }
  }

  private static void requireName(String name, String field) {
    if (!io.relspec.contracts.model.Identifiers.isName(name)) {
      throw invalid(field, "'" + name + "' is not a valid name");
    }
  }

  /** Task SQL must be exactly one query of at most {@link TaskSpec#MAX_SQL_BYTES}. */
  public static void checkTaskSql(String sql, String field) {
    try {
      QueryText.parseQuery(sql);
    } catch (SqlRefusal e) {
      throw sqlError(e, field);
    }
  }

  /** A function's body: one expression over its parameters, reading no data. */
  private static void checkFunctionExpression(String name, FunctionSpec function) {
    try {
      FunctionExpressions.parse(
          function.expression(),
          function.parameters().stream()
              .map(FunctionSpec.Parameter::name)
              .collect(java.util.stream.Collectors.toSet()));
    } catch (SqlRefusal e) {
      String field = "functions." + name + ".expression";
      throw new RelspecException(
          CatalogErrorCode.INVALID_SPEC,
          field + ": " + e.describe(),
          List.of(new Violation(field, e.describe())),
          null);
    }
  }

  private static void checkTemplateSql(TaskTemplate template, String field) {
    try {
      QueryText.parseQuery(TemplateExpander.probe(template));
    } catch (SqlRefusal e) {
      throw sqlError(e, field);
    }
  }

  private static RelspecException sqlError(SqlRefusal e, String field) {
    CatalogErrorCode code =
        switch (e.kind()) {
          case SYNTAX_ERROR -> CatalogErrorCode.SYNTAX_ERROR;
          case NOT_A_QUERY -> CatalogErrorCode.NOT_A_QUERY;
          case MULTIPLE_STATEMENTS -> CatalogErrorCode.MULTIPLE_STATEMENTS;
          case TOO_LARGE -> CatalogErrorCode.SQL_TOO_LARGE;
          case UNSUPPORTED_SYNTAX -> CatalogErrorCode.UNSUPPORTED_SYNTAX;
        };
    return new RelspecException(
        code, field + ": " + e.describe(), List.of(new Violation(field, e.describe())), null);
  }

  private static RelspecException invalid(String field, String message) {
    return new RelspecException(
        CatalogErrorCode.INVALID_SPEC,
        field + " " + message,
        List.of(new Violation(field, message)),
        null);
  }

  private static RelspecException instanceError(String field, String message) {
    return new RelspecException(
        CatalogErrorCode.INVALID_TEMPLATE_INSTANCE,
        field + ": " + message,
        List.of(new Violation(field, message)),
        null);
  }
}
