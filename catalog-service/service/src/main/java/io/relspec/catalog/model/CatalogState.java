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
import io.relspec.platform.error.RelspecException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

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
    Ownership.requireNotOwned(this, Kind.DATASET, name.value(), "registered");
    return withDataset(name, contract).checked();
  }

  public CatalogState removeDataset(DatasetName name) {
    SpecChecks.requirePresent(
        datasets.containsKey(name), CatalogErrorCode.DATASET_NOT_FOUND, "dataset", name);
    Ownership.requireNotOwned(this, Kind.DATASET, name.value(), "deleted");
    TreeMap<DatasetName, DatasetContract> next = new TreeMap<>(datasets);
    next.remove(name);
    return new CatalogState(next, functions, templates, tasks, bundles).checked();
  }

  public CatalogState putFunction(String name, FunctionSpec function) {
    Ownership.requireNotOwned(this, Kind.FUNCTION, name, "registered");
    return withFunction(name, function);
  }

  public CatalogState removeFunction(String name) {
    SpecChecks.requirePresent(
        functions.containsKey(name), CatalogErrorCode.FUNCTION_NOT_FOUND, "function", name);
    Ownership.requireNotOwned(this, Kind.FUNCTION, name, "deleted");
    TreeMap<String, FunctionSpec> next = new TreeMap<>(functions);
    next.remove(name);
    return new CatalogState(datasets, next, templates, tasks, bundles);
  }

  public CatalogState putTemplate(String name, TaskTemplate template) {
    Ownership.requireNotOwned(this, Kind.TEMPLATE, name, "registered");
    SpecChecks.checkTemplateSql(template, "sql");
    TreeMap<String, TaskTemplate> next = new TreeMap<>(templates);
    next.put(name, template);
    return new CatalogState(datasets, functions, next, tasks, bundles).checked();
  }

  public CatalogState removeTemplate(String name) {
    SpecChecks.requirePresent(
        templates.containsKey(name), CatalogErrorCode.TEMPLATE_NOT_FOUND, "template", name);
    Ownership.requireNotOwned(this, Kind.TEMPLATE, name, "deleted");
    List<String> users = ContractTasks.datasetsUsingTemplate(this, name);
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
      throw SpecChecks.invalid("bundle", "is set by the catalog for bundle members; leave it out");
    }
    if (spec.origin() != TaskOrigin.API) {
      throw SpecChecks.invalid("origin", "is set by the catalog; leave it out");
    }
    Ownership.requireNotOwned(this, Kind.TASK, name.value(), "registered");
    Ownership.requireNotSynthesized(this, name, effectiveTasks());
    SpecChecks.checkTaskSql(spec.sql(), "sql");
    DatasetName output = spec.output() != null ? spec.output() : DatasetName.of(name.value());
    return withTask(name, spec.placed(output, spec.domain(), null, TaskOrigin.API)).checked();
  }

  public CatalogState removeTask(TaskName name) {
    Ownership.requireNotSynthesized(this, name, effectiveTasks());
    SpecChecks.requirePresent(
        tasks.containsKey(name), CatalogErrorCode.TASK_NOT_FOUND, "task", name);
    Ownership.requireNotOwned(this, Kind.TASK, name.value(), "deleted");
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
      Ownership.requireNotOwnedByOther(this, Kind.DATASET, name, bundle.name());
      Ownership.requireAdoptable(
          this, Kind.DATASET, name, bundle.name(), datasets.get(entry.getKey()), entry.getValue());
    }
    for (Map.Entry<String, FunctionSpec> entry : bundle.functions().entrySet()) {
      SpecChecks.requireName(entry.getKey(), "functions." + entry.getKey());
      Ownership.requireNotOwnedByOther(this, Kind.FUNCTION, entry.getKey(), bundle.name());
      Ownership.requireAdoptable(
          this,
          Kind.FUNCTION,
          entry.getKey(),
          bundle.name(),
          functions.get(entry.getKey()),
          entry.getValue());
    }
    for (Map.Entry<String, TaskTemplate> entry : bundle.templates().entrySet()) {
      SpecChecks.requireName(entry.getKey(), "templates." + entry.getKey());
      Ownership.requireNotOwnedByOther(this, Kind.TEMPLATE, entry.getKey(), bundle.name());
      Ownership.requireAdoptable(
          this,
          Kind.TEMPLATE,
          entry.getKey(),
          bundle.name(),
          templates.get(entry.getKey()),
          entry.getValue());
      SpecChecks.checkTemplateSql(entry.getValue(), "templates." + entry.getKey() + ".sql");
    }
    for (Map.Entry<TaskName, TaskSpec> entry : bundle.tasks().entrySet()) {
      Ownership.requireNotOwnedByOther(this, Kind.TASK, entry.getKey().value(), bundle.name());
      TaskSpec registered = tasks.get(entry.getKey());
      TaskSpec defined = entry.getValue();
      Ownership.requireAdoptable(
          this,
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
      SpecChecks.checkTaskSql(entry.getValue().sql(), "tasks." + entry.getKey() + ".sql");
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
      Ownership.requireNotSynthesized(withMembers, entry.getKey(), effective);
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
    SpecChecks.requirePresent(
        bundles.containsKey(name), CatalogErrorCode.BUNDLE_NOT_FOUND, "bundle", name);
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

  // ---- the effective catalog ----------------------------------------------------------------

  /** The bundle owning an object, or null. */
  public String ownerOf(Kind kind, String name) {
    return Ownership.ownerOf(this, kind, name);
  }

  /**
   * Registered tasks plus the tasks synthesized from contracts' template instances ({@link
   * ContractTasks}).
   */
  public SortedMap<TaskName, TaskSpec> effectiveTasks() {
    return ContractTasks.effectiveTasks(this);
  }

  /**
   * Verifies the invariants every stored state keeps ({@link SpecChecks#checked}); returns this.
   */
  public CatalogState checked() {
    SpecChecks.checked(this);
    return this;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private CatalogState withDataset(DatasetName name, DatasetContract contract) {
    TreeMap<DatasetName, DatasetContract> next = new TreeMap<>(datasets);
    next.put(name, contract);
    return new CatalogState(next, functions, templates, tasks, bundles);
  }

  private CatalogState withFunction(String name, FunctionSpec function) {
    SpecChecks.checkFunctionExpression(name, function);
    TreeMap<String, FunctionSpec> next = new TreeMap<>(functions);
    next.put(name, function);
    return new CatalogState(datasets, next, templates, tasks, bundles);
  }

  private CatalogState withTask(TaskName name, TaskSpec spec) {
    TreeMap<TaskName, TaskSpec> next = new TreeMap<>(tasks);
    next.put(name, spec);
    return new CatalogState(datasets, functions, templates, next, bundles);
  }
}
