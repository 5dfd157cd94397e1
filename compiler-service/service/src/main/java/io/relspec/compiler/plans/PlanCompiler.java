package io.relspec.compiler.plans;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.sql.CompileEnvironment;
import io.relspec.compiler.sql.CompileInput;
import io.relspec.compiler.sql.CompiledQuery;
import io.relspec.compiler.sql.Deadline;
import io.relspec.compiler.sql.QueryCompiler;
import io.relspec.compiler.sql.SqlCompileException;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.duckdb.DuckDbTypes;
import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.platform.graph.DependencyOrder;
import io.relspec.sql.QueryText;
import io.relspec.sql.SqlRefusal;
import io.relspec.sql.TableReferences;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles every task of a snapshot into a {@link PlanCatalog}, in dependency order: parse each
 * task and collect the tables it reads, order the tasks topologically (cycles are reported, not
 * followed), then validate each against the source contracts, the outputs of the tasks before it
 * and the catalog functions. Failures are per task; a task whose input failed fails with {@code
 * UPSTREAM_FAILED}.
 *
 * <p>Compiled queries are cached by everything they depend on (their SQL, the schemas and
 * signatures of their inputs, the definitions of the catalog functions), so a new snapshot only
 * recompiles the tasks that changed and those downstream of them.
 *
 * <p>Over 400 lines on purpose: compiling a catalog in dependency order, with the cycle report and
 * the cache of compiled queries that order needs.
 */
public final class PlanCompiler {
  private final QueryCompiler compiler = new QueryCompiler();
  private final Duration timeout;
  private final Map<String, CompiledQuery> cache;

  /** Counts of one catalog compile. */
  public record Stats(int compiled, int reused, int failed) {}

  public PlanCompiler(Duration timeout, int cacheSize) {
    this.timeout = timeout;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, CompiledQuery> eldest) {
            return size() > cacheSize;
          }
        };
  }

  /** The result of compiling a snapshot. */
  public record Result(PlanCatalog catalog, Stats stats) {}

  public synchronized Result compile(CatalogSnapshot snapshot, Instant now) {
    Map<TaskName, PlanArtifact> plans = new TreeMap<>();
    Map<TaskName, CompileFailure> failures = new TreeMap<>();
    CompileEnvironment environment = environment(snapshot);

    Map<DatasetName, TaskName> producers = new HashMap<>();
    snapshot.tasks().forEach((task, spec) -> producers.put(spec.output(), task));
    Map<TaskName, Set<String>> tables = new HashMap<>();
    Map<TaskName, Set<TaskName>> upstream = new TreeMap<>();
    for (Map.Entry<TaskName, TaskSpec> entry : snapshot.tasks().entrySet()) {
      Set<String> read = tablesRead(entry.getValue());
      tables.put(entry.getKey(), read);
      Set<TaskName> parents = new TreeSet<>();
      for (String table : read) {
        TaskName producer = producers.get(datasetOrNull(table));
        if (producer != null) {
          parents.add(producer);
        }
      }
      upstream.put(entry.getKey(), parents);
    }
    Map<TaskName, List<TaskName>> cycles = cycles(upstream);
    cycles.forEach(
        (task, path) ->
            failures.put(
                task,
                new CompileFailure(
                    task,
                    CompilerErrorCode.CYCLE.code(),
                    "tasks read each other's outputs in a cycle: "
                        + String.join(" → ", path.stream().map(TaskName::value).toList()),
                    null,
                    null,
                    path)));

    Map<String, String> invalidFunctions = invalidFunctions(snapshot.functions());
    int compiled = 0;
    int reused = 0;
    for (TaskName task : compileOrder(upstream, cycles.keySet())) {
      TaskSpec spec = snapshot.tasks().get(task);
      TaskName failedParent =
          upstream.get(task).stream().filter(failures::containsKey).findFirst().orElse(null);
      if (failedParent != null) {
        failures.put(
            task,
            new CompileFailure(
                task,
                CompilerErrorCode.UPSTREAM_FAILED.code(),
                "input "
                    + snapshot.tasks().get(failedParent).output()
                    + " did not compile (task "
                    + failedParent
                    + ")",
                null,
                null));
        continue;
      }
      try {
        String key = cacheKey(spec, tables.get(task), environment, snapshot);
        CompiledQuery query = cache.get(key);
        if (query == null) {
          query = compiler.compile(spec.sql(), environment, Deadline.after(timeout));
          cache.put(key, query);
          compiled++;
        } else {
          reused++;
        }
        String invalid =
            query.functions().stream()
                .filter(invalidFunctions::containsKey)
                .findFirst()
                .orElse(null);
        if (invalid != null) {
          failures.put(
              task,
              new CompileFailure(
                  task,
                  CompilerErrorCode.INVALID_FUNCTION.code(),
                  "calls function "
                      + invalid
                      + ", whose body does not compile: "
                      + invalidFunctions.get(invalid),
                  null,
                  null));
          continue;
        }
        PlanArtifact artifact = artifact(task, spec, query);
        plans.put(task, artifact);
        environment.add(inputOf(spec, artifact));
      } catch (SqlCompileException e) {
        failures.put(
            task, new CompileFailure(task, e.code().code(), e.getMessage(), e.line(), e.column()));
      }
    }
    PlanCatalog catalog =
        new PlanCatalog(
            planCatalogId(snapshot.id()),
            snapshot.id(),
            now,
            snapshot.datasets(),
            snapshot.functions(),
            plans,
            List.copyOf(failures.values()));
    return new Result(catalog, new Stats(compiled, reused, failures.size()));
  }

  /**
   * Each catalog function whose body does not compile as an expression over its typed parameters
   * (with the other functions), with the reason: tasks that call one fail with INVALID_FUNCTION.
   */
  private Map<String, String> invalidFunctions(Map<String, FunctionSpec> functions) {
    Map<String, String> invalid = new TreeMap<>();
    for (Map.Entry<String, FunctionSpec> entry : functions.entrySet()) {
      Map<String, FunctionSpec> others = new TreeMap<>(functions);
      others.remove(entry.getKey());
      FunctionSpec function = entry.getValue();
      StringBuilder probe =
          new StringBuilder("SELECT ").append(function.expression()).append(" AS v");
      if (!function.parameters().isEmpty()) {
        probe.append(" FROM (VALUES (");
        for (int i = 0; i < function.parameters().size(); i++) {
          probe
              .append(i == 0 ? "" : ", ")
              .append("CAST(NULL AS ")
              .append(DuckDbTypes.toDuckDb(function.parameters().get(i).type()))
              .append(')');
        }
        probe.append(")) AS p(");
        probe.append(
            String.join(
                ", ", function.parameters().stream().map(FunctionSpec.Parameter::name).toList()));
        probe.append(')');
      }
      try {
        compiler.compile(probe.toString(), new CompileEnvironment(others), Deadline.after(timeout));
      } catch (SqlCompileException e) {
        invalid.put(entry.getKey(), e.getMessage());
      }
    }
    return invalid;
  }

  /** The sources and functions of a snapshot; tasks are added as they compile. */
  public static CompileEnvironment environment(CatalogSnapshot snapshot) {
    return environment(snapshot.datasets(), snapshot.functions());
  }

  public static CompileEnvironment environment(
      Map<DatasetName, DatasetContract> sources, Map<String, FunctionSpec> functions) {
    CompileEnvironment environment = new CompileEnvironment(functions);
    sources.forEach(
        (name, contract) ->
            environment.add(
                new CompileInput(
                    name,
                    contract.schema(),
                    contract.fileIdColumn(),
                    null,
                    "source " + contract.schema() + " file_id=" + contract.fileIdColumn())));
    return environment;
  }

  /** What a reader of this task's output is compiled against. */
  public static CompileInput inputOf(TaskSpec spec, PlanArtifact artifact) {
    boolean view = spec.kind() == TaskKind.VIEW;
    // A task's output is keyed by file whenever it carries a file id column, scopable or not (a
    // reader restricted to changed files then waits for, or is narrowed by, its rebuilds). A view
    // is bound to its inputs' rows at run time, so it is keyed by file only when it is scopable.
    String fileId =
        !view || artifact.fileScope().scopable() ? artifact.fileScope().fileIdColumn() : null;
    return new CompileInput(
        spec.output(),
        artifact.outputSchema(),
        fileId,
        view ? artifact : null,
        (view ? "view " + artifact.fingerprint().value() : "task")
            + " "
            + artifact.outputSchema()
            + " file_id="
            + fileId);
  }

  public static PlanArtifact artifact(TaskName task, TaskSpec spec, CompiledQuery query) {
    return new PlanArtifact(
        task,
        spec.output(),
        spec.kind(),
        spec.cachePolicy(),
        spec.priority(),
        spec.sql(),
        query.outputSchema(),
        query.logicalInputs(),
        query.physicalInputs(),
        query.requiredColumns(),
        query.lineage(),
        query.fingerprint(),
        query.normalizedPlan(),
        query.views(),
        query.functions(),
        query.fileScope(),
        spec.bundle(),
        spec.domain(),
        query.columnFingerprints(),
        query.rowSetFingerprint());
  }

  /** Everything a compiled query depends on; equal keys give equal results. */
  private static String cacheKey(
      TaskSpec spec, Set<String> tables, CompileEnvironment environment, CatalogSnapshot snapshot) {
    StringBuilder key = new StringBuilder(spec.sql()).append("\n--inputs\n");
    for (String table : tables) {
      DatasetName name = datasetOrNull(table);
      key.append(table).append('=');
      if (name != null) {
        environment.input(name).ifPresent(input -> key.append(input.signature()));
      }
      key.append('\n');
    }
    key.append("--functions\n").append(snapshot.functions());
    return Fingerprint.sha256(key.toString()).value();
  }

  /** The tables a task's SQL names; empty when the gate refuses it (reported when compiled). */
  private static Set<String> tablesRead(TaskSpec spec) {
    try {
      return TableReferences.flattenQualifiedNames(QueryText.parseQuery(spec.sql()));
    } catch (SqlRefusal e) {
      return Set.of();
    }
  }

  private static DatasetName datasetOrNull(String table) {
    String lower = table.toLowerCase(Locale.ROOT);
    return io.relspec.contracts.model.Identifiers.isName(lower) ? DatasetName.of(lower) : null;
  }

  /**
   * Tasks in dependency order, ties broken by name ({@link DependencyOrder}, as the scheduler
   * orders its graph); tasks on a cycle are left out, so what reads them comes in order and fails
   * as upstream of a failure.
   */
  static List<TaskName> compileOrder(Map<TaskName, Set<TaskName>> upstream, Set<TaskName> onCycle) {
    List<TaskName> tasks =
        upstream.keySet().stream().filter(task -> !onCycle.contains(task)).toList();
    DependencyOrder.Sorted<TaskName> sorted =
        DependencyOrder.sort(tasks, upstream::get, Comparator.naturalOrder());
    List<TaskName> order = new ArrayList<>(sorted.order());
    order.addAll(sorted.leftover());
    return order;
  }

  /**
   * Every task on a cycle, with the cycle's path in data-flow order (input → reader), found as the
   * scheduler finds it ({@link DependencyOrder#cycles}), so both name a cycle the same way.
   */
  static Map<TaskName, List<TaskName>> cycles(Map<TaskName, Set<TaskName>> upstream) {
    Map<TaskName, Set<TaskName>> readers = new TreeMap<>();
    upstream.forEach(
        (task, parents) ->
            parents.forEach(
                parent -> readers.computeIfAbsent(parent, key -> new TreeSet<>()).add(task)));
    List<TaskName> leftover =
        DependencyOrder.sort(upstream.keySet(), upstream::get, Comparator.naturalOrder())
            .leftover();
    return new TreeMap<>(
        DependencyOrder.cycles(leftover, task -> readers.getOrDefault(task, Set.of())));
  }

  /** Deterministic: the same snapshot compiled by the same compiler version has the same id. */
  static String planCatalogId(String snapshotId) {
    return Fingerprint.sha256(
            "plan-catalog\n" + QueryCompiler.NORMALIZER_VERSION + "\n" + snapshotId)
        .value();
  }
}
