package io.relspec.scheduler;

import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds plan catalogs by hand, as the compiler would publish them, including inconsistent ones the
 * compiler would never produce (so the scheduler's own checks can be exercised).
 */
public final class Plans {
  private final Map<DatasetName, DatasetContract> sources = new TreeMap<>();
  private final Map<TaskName, PlanArtifact> plans = new TreeMap<>();
  private final List<CompileFailure> failures = new ArrayList<>();
  private final Map<String, FunctionSpec> functions = new TreeMap<>();
  private String id = "pc-1";

  public static Plans catalog() {
    return new Plans();
  }

  public Plans id(String value) {
    this.id = value;
    return this;
  }

  /** A source contract; columns as {@code name:type}. */
  public Plans source(String name, String fileIdColumn, String... columns) {
    sources.put(
        DatasetName.of(name), new DatasetContract(schema(columns), fileIdColumn, null, null));
    return this;
  }

  public Plans task(Task task) {
    PlanArtifact plan = task.build();
    plans.put(plan.task(), plan);
    return this;
  }

  /** A catalog function of one int64 parameter {@code x}. */
  public Plans function(String name, String expression) {
    functions.put(
        name,
        new FunctionSpec(
            List.of(new FunctionSpec.Parameter("x", ArrowType.parse("int64"))),
            ArrowType.parse("int64"),
            expression));
    return this;
  }

  public Plans failure(String task, String code, String message) {
    failures.add(new CompileFailure(TaskName.of(task), code, message, null, null));
    return this;
  }

  /** A CYCLE failure with its path, as the compiler reports it. */
  public Plans cycle(String task, String... path) {
    failures.add(
        new CompileFailure(
            TaskName.of(task),
            "CYCLE",
            "tasks read each other's outputs in a cycle: " + String.join(" → ", path),
            null,
            null,
            java.util.Arrays.stream(path).map(TaskName::of).toList()));
    return this;
  }

  public PlanCatalog build() {
    return new PlanCatalog(id, "snap-" + id, Instant.EPOCH, sources, functions, plans, failures);
  }

  public static Task task(String name) {
    return new Task(name);
  }

  public static ArrowSchema schema(String... columns) {
    List<ArrowField> fields = new ArrayList<>();
    for (String column : columns) {
      String[] parts = column.split(":", 2);
      fields.add(ArrowField.of(parts[0], parts[1], true));
    }
    return new ArrowSchema(fields);
  }

  /** One task's plan. Reads default to physical inputs too; outputs default to {@code id:int64}. */
  public static final class Task {
    private final String name;
    private String output;
    private TaskKind kind = TaskKind.COMPUTE;
    private CachePolicy cachePolicy = CachePolicy.SESSION;
    private int priority = 100;
    private String version = "v1";
    private ArrowSchema schema = schema("id:int64");
    private final Map<DatasetName, List<RequiredColumn>> reads = new LinkedHashMap<>();
    private List<DatasetName> physical;
    private FileScope fileScope;
    private List<String> functions = List.of();
    private List<DatasetName> views = List.of();
    private String sql = "SELECT 1";
    private final List<ColumnLineage> lineage = new ArrayList<>();
    private String domain;
    private final Map<String, Fingerprint> columnFingerprints = new LinkedHashMap<>();
    private Fingerprint rowSetFingerprint;

    Task(String name) {
      this.name = name;
      this.output = name;
    }

    public Task output(String value) {
      this.output = value;
      return this;
    }

    public Task kind(TaskKind value) {
      this.kind = value;
      return this;
    }

    public Task cachePolicy(CachePolicy value) {
      this.cachePolicy = value;
      return this;
    }

    public Task priority(int value) {
      this.priority = value;
      return this;
    }

    /** Changes the fingerprint. */
    public Task version(String value) {
      this.version = value;
      return this;
    }

    public Task columns(String... columns) {
      this.schema = schema(columns);
      return this;
    }

    /** Reads a dataset, needing these columns ({@code name:type}). */
    public Task reads(String dataset, String... columns) {
      List<RequiredColumn> required = new ArrayList<>();
      for (String column : columns) {
        String[] parts = column.split(":", 2);
        required.add(new RequiredColumn(parts[0], ArrowType.parse(parts[1])));
      }
      reads.put(DatasetName.of(dataset), required);
      return this;
    }

    /** The tables scanned once views are inlined (defaults to the logical reads). */
    public Task physical(String... datasets) {
      this.physical = List.of(datasets).stream().map(DatasetName::of).toList();
      return this;
    }

    /** File-scopable by {@code fileIdColumn}; inputs as {@code dataset=column}. */
    public Task scopable(String fileIdColumn, String... inputs) {
      Map<DatasetName, String> columns = new TreeMap<>();
      for (String input : inputs) {
        String[] parts = input.split("=", 2);
        columns.put(DatasetName.of(parts[0]), parts[1]);
      }
      this.fileScope = new FileScope(true, "keeps files together", fileIdColumn, columns, columns);
      return this;
    }

    /** Kept from partial aggregates keyed by {@code input}'s {@code fileIdColumn} (rule 2c). */
    public Task partial(String input, String fileIdColumn) {
      Map<DatasetName, String> columns = Map.of(DatasetName.of(input), fileIdColumn);
      this.fileScope =
          new FileScope(
              true,
              "kept from partial aggregates",
              null,
              columns,
              columns,
              new FileScope.PartialAggregate(DatasetName.of(input), fileIdColumn));
      return this;
    }

    /** The task's SQL as registered (what an executor runs). */
    public Task sql(String value) {
      this.sql = value;
      return this;
    }

    /** The view tasks' outputs it reads, in dependency order. */
    public Task views(String... datasets) {
      this.views = List.of(datasets).stream().map(DatasetName::of).toList();
      return this;
    }

    /**
     * Where output {@code column} comes from: origins as {@code dataset.column} (an identity) or
     * {@code dataset.column/SUBTYPE}.
     */
    public Task lineage(String column, String... origins) {
      List<ColumnLineage.Origin> parsed = new ArrayList<>();
      for (String origin : origins) {
        String[] parts = origin.split("/", 2);
        int dot = parts[0].lastIndexOf('.');
        parsed.add(
            new ColumnLineage.Origin(
                DatasetName.of(parts[0].substring(0, dot)),
                parts[0].substring(dot + 1),
                null,
                parts.length == 1
                    ? ColumnLineage.Subtype.IDENTITY
                    : ColumnLineage.Subtype.valueOf(parts[1])));
      }
      lineage.add(new ColumnLineage(column, parsed));
      return this;
    }

    /**
     * Column-level fingerprints: {@code rowSet} names the row set's version, each {@code
     * column=version} a column's; columns not named get version {@code v1}.
     */
    public Task columnVersions(String rowSet, String... columns) {
      this.rowSetFingerprint = Fingerprint.sha256(name + "/rows/" + rowSet);
      for (var field : schema.fields()) {
        columnFingerprints.put(field.name(), Fingerprint.sha256(name + "/" + field.name() + "/v1"));
      }
      for (String column : columns) {
        String[] parts = column.split("=", 2);
        columnFingerprints.put(
            parts[0], Fingerprint.sha256(name + "/" + parts[0] + "/" + parts[1]));
      }
      return this;
    }

    public Task domain(String value) {
      this.domain = value;
      return this;
    }

    public Task functions(String... names) {
      this.functions = List.of(names);
      return this;
    }

    PlanArtifact build() {
      List<DatasetName> logical = new ArrayList<>(reads.keySet());
      return new PlanArtifact(
          TaskName.of(name),
          DatasetName.of(output),
          kind,
          cachePolicy,
          priority,
          sql,
          schema,
          logical,
          physical == null ? logical : physical,
          reads,
          lineage,
          Fingerprint.sha256(name + "/" + version),
          "",
          views,
          functions,
          fileScope,
          null,
          domain,
          columnFingerprints,
          rowSetFingerprint);
    }
  }
}
