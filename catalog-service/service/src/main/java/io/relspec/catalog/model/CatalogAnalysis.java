package io.relspec.catalog.model;

import io.relspec.contracts.api.BundleSummary;
import io.relspec.contracts.api.validation.CatalogDiagnostic;
import io.relspec.contracts.api.validation.CatalogValidationReport;
import io.relspec.contracts.api.validation.GraphDiagnostic.Severity;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TemplateInstance;
import io.relspec.sql.FunctionReferences;
import io.relspec.sql.QueryText;
import io.relspec.sql.SqlRefusal;
import io.relspec.sql.TableReferences;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.sql.SqlNode;

/**
 * Structural validation and coverage of a catalog, from what each task's SQL reads. This is the
 * catalog's cheap, schema-free view; type and column checks are the compiler's.
 */
public final class CatalogAnalysis {
  /** The domain key for tasks without a domain. */
  public static final String NO_DOMAIN = "(none)";

  private final CatalogState state;
  private final SortedMap<TaskName, TaskSpec> tasks;
  private final Map<TaskName, SortedSet<String>> reads = new TreeMap<>();
  private final Map<TaskName, SortedSet<String>> calls = new TreeMap<>();
  private final Map<TaskName, String> refused = new TreeMap<>();

  public CatalogAnalysis(CatalogState state) {
    this.state = state;
    this.tasks = state.effectiveTasks();
    for (Map.Entry<TaskName, TaskSpec> entry : tasks.entrySet()) {
      try {
        SqlNode query = QueryText.parseQuery(entry.getValue().sql());
        reads.put(entry.getKey(), TableReferences.of(query));
        calls.put(entry.getKey(), FunctionReferences.of(query));
      } catch (SqlRefusal e) {
        refused.put(entry.getKey(), e.describe());
        reads.put(entry.getKey(), new TreeSet<>());
        calls.put(entry.getKey(), new TreeSet<>());
      }
    }
  }

  public CatalogValidationReport validation() {
    List<CatalogDiagnostic> found = new ArrayList<>();
    Set<String> producible = new TreeSet<>();
    state.datasets().keySet().forEach(name -> producible.add(name.value()));
    tasks.values().forEach(spec -> producible.add(spec.output().value()));
    for (Map.Entry<TaskName, TaskSpec> entry : tasks.entrySet()) {
      String task = entry.getKey().value();
      if (refused.containsKey(entry.getKey())) {
        found.add(
            new CatalogDiagnostic(
                "SQL_REFUSED", Severity.ERROR, "task", task, refused.get(entry.getKey())));
      }
      for (String input : reads.get(entry.getKey())) {
        if (input.equals(entry.getValue().output().value())) {
          found.add(
              new CatalogDiagnostic(
                  "SELF_REFERENCE",
                  Severity.ERROR,
                  "task",
                  task,
                  "reads its own output '" + input + "'"));
        } else if (!producible.contains(input)) {
          found.add(
              new CatalogDiagnostic(
                  "UNKNOWN_INPUT",
                  Severity.ERROR,
                  "task",
                  task,
                  "reads '"
                      + input
                      + "', which is neither a registered dataset nor the output of a task"));
        }
      }
    }
    Set<String> read = allReads();
    for (Map.Entry<DatasetName, DatasetContract> entry : state.datasets().entrySet()) {
      if (!read.contains(entry.getKey().value())) {
        found.add(
            new CatalogDiagnostic(
                "DATASET_NEVER_READ",
                Severity.WARNING,
                "dataset",
                entry.getKey().value(),
                "no task reads this source dataset"));
      }
      String fileId = entry.getValue().fileIdColumn();
      if (fileId != null
          && entry.getValue().schema().field(fileId).map(field -> field.nullable()).orElse(false)) {
        found.add(
            new CatalogDiagnostic(
                "FILE_ID_COLUMN_NULLABLE",
                Severity.WARNING,
                "dataset",
                entry.getKey().value(),
                "file id column '"
                    + fileId
                    + "' is nullable; rows without a file id are never re-scoped"));
      }
    }
    for (Map.Entry<TaskName, TaskSpec> entry : tasks.entrySet()) {
      if (entry.getValue().kind() == TaskKind.VIEW
          && !read.contains(entry.getValue().output().value())) {
        found.add(
            new CatalogDiagnostic(
                "VIEW_NEVER_READ",
                Severity.WARNING,
                "task",
                entry.getKey().value(),
                "a view is only inlined into its readers, and nothing reads this one"));
      }
    }
    Set<String> usedTemplates = new TreeSet<>();
    tasks.values().stream()
        .map(spec -> spec.metadata().get("relspec.template"))
        .filter(name -> name != null)
        .forEach(usedTemplates::add);
    for (String template : state.templates().keySet()) {
      if (!usedTemplates.contains(template)) {
        found.add(
            new CatalogDiagnostic(
                "TEMPLATE_NEVER_USED",
                Severity.WARNING,
                "template",
                template,
                "no dataset contract lists it under '" + TemplateInstance.METADATA_KEY + "'"));
      }
    }
    Set<String> called = new TreeSet<>();
    calls.values().forEach(called::addAll);
    for (String function : state.functions().keySet()) {
      if (!called.contains(function)) {
        found.add(
            new CatalogDiagnostic(
                "FUNCTION_NEVER_USED",
                Severity.WARNING,
                "function",
                function,
                "no task calls this function"));
      }
    }
    int errors = (int) found.stream().filter(d -> d.severity() == Severity.ERROR).count();
    return new CatalogValidationReport(
        errors == 0, errors, found.size() - errors, List.copyOf(found));
  }

  /** Coverage of one domain or bundle. */
  public record Coverage(
      List<String> tasks,
      List<String> outputs,
      List<String> reads,
      List<String> datasetsNeverRead,
      List<String> outputsNeverRead) {}

  /** Coverage of one bundle, with its inventory. */
  public record BundleCoverage(BundleSummary inventory, Coverage coverage) {}

  public record CoverageReport(
      int datasets,
      int tasks,
      int functions,
      int templates,
      List<String> datasetsNeverRead,
      List<String> outputsNeverRead,
      SortedMap<String, Coverage> domains,
      SortedMap<String, BundleCoverage> bundles) {}

  public CoverageReport coverage() {
    Set<String> read = allReads();
    SortedMap<String, List<TaskName>> byDomain = new TreeMap<>();
    SortedMap<String, List<TaskName>> byBundle = new TreeMap<>();
    state.bundles().keySet().forEach(bundle -> byBundle.put(bundle, new ArrayList<>()));
    for (Map.Entry<TaskName, TaskSpec> entry : tasks.entrySet()) {
      String domain = entry.getValue().domain() == null ? NO_DOMAIN : entry.getValue().domain();
      byDomain.computeIfAbsent(domain, key -> new ArrayList<>()).add(entry.getKey());
      if (entry.getValue().bundle() != null) {
        byBundle
            .computeIfAbsent(entry.getValue().bundle(), key -> new ArrayList<>())
            .add(entry.getKey());
      }
    }
    SortedMap<String, Coverage> domains = new TreeMap<>();
    byDomain.forEach((domain, names) -> domains.put(domain, coverageOf(names, List.of(), read)));
    SortedMap<String, BundleCoverage> bundles = new TreeMap<>();
    byBundle.forEach(
        (bundle, names) ->
            bundles.put(
                bundle,
                new BundleCoverage(
                    state.bundles().get(bundle),
                    coverageOf(names, state.bundles().get(bundle).datasets(), read))));
    List<String> datasetsNeverRead =
        state.datasets().keySet().stream()
            .map(DatasetName::value)
            .filter(name -> !read.contains(name))
            .toList();
    return new CoverageReport(
        state.datasets().size(),
        tasks.size(),
        state.functions().size(),
        state.templates().size(),
        datasetsNeverRead,
        outputsNeverRead(List.copyOf(tasks.keySet()), read),
        domains,
        bundles);
  }

  private Coverage coverageOf(List<TaskName> names, List<DatasetName> datasets, Set<String> read) {
    SortedSet<String> reads = new TreeSet<>();
    names.forEach(name -> reads.addAll(this.reads.get(name)));
    return new Coverage(
        names.stream().map(TaskName::value).toList(),
        names.stream().map(name -> tasks.get(name).output().value()).sorted().toList(),
        List.copyOf(reads),
        datasets.stream().map(DatasetName::value).filter(name -> !read.contains(name)).toList(),
        outputsNeverRead(names, read));
  }

  private List<String> outputsNeverRead(List<TaskName> names, Set<String> read) {
    return names.stream()
        .map(name -> tasks.get(name).output().value())
        .filter(output -> !read.contains(output))
        .sorted()
        .toList();
  }

  private Set<String> allReads() {
    Set<String> read = new TreeSet<>();
    reads.values().forEach(read::addAll);
    return read;
  }
}
