package io.relspec.scheduler.lineage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * OpenLineage 2-0-2 events of Relspec's runs and catalogs, built as JSON trees (no model library:
 * see docs/events.md, "OpenLineage"). The run is the parent job {@value #RUN_JOB}; each task run is
 * a child job named after its output, prefixed by its bundle (or domain), with a {@code parent} run
 * facet. Column lineage comes from the compiler's plan: per output column its {@code DIRECT}
 * inputs, and the {@code INDIRECT} fields (join, filter, group by, sort, window, conditional) as
 * dataset-level lineage. Every dataset a lineage facet names is listed with a schema facet holding
 * that field.
 */
public final class OpenLineageEvents {
  /** The parent job of every task run. */
  public static final String RUN_JOB = "relspec.run";

  static final String PRODUCER = "https://github.com/relspec/relspec";
  static final String SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
  static final String FACETS = "https://openlineage.io/spec/facets/";

  /** The schema of Relspec's own run facet (in the repository: docs/openlineage/). */
  public static final String RELSPEC_RUN_FACET =
      "https://github.com/relspec/relspec/blob/main/docs/openlineage/RelspecRunFacet.json"
          + "#/$defs/RelspecRunFacet";

  private final String datasetNamespace;
  private final String jobNamespace;

  public OpenLineageEvents(String datasetNamespace, String jobNamespace) {
    this.datasetNamespace = datasetNamespace;
    this.jobNamespace = jobNamespace;
  }

  /** One event and where it is routed ({@code openlineage.<type>.<eventType>}). */
  public record Event(String routingKey, ObjectNode json) {
    public String payload() {
      return json.toString();
    }
  }

  /** The OpenLineage run id of a task run: stable for all attempts of that task in that run. */
  public static UUID taskRunId(String runId, TaskName task) {
    return UUID.nameUUIDFromBytes((runId + "/" + task.value()).getBytes(StandardCharsets.UTF_8));
  }

  /** The OpenLineage job name of a task: its output, prefixed by its bundle or domain. */
  public static String jobName(PlanArtifact plan) {
    String prefix = plan.bundle() != null ? plan.bundle() : plan.domain();
    return prefix == null || prefix.isBlank()
        ? plan.output().value()
        : prefix + "." + plan.output().value();
  }

  // ---------------------------------------------------------------- runs

  /** The run (parent job) started, or finished as {@code eventType}. */
  public Event run(
      String eventType,
      String runId,
      Instant at,
      String mode,
      String planCatalogId,
      String state,
      String error) {
    ObjectNode event = runEvent(eventType, at);
    ObjectNode run = event.putObject("run");
    run.put("runId", runId);
    ObjectNode runFacets = run.putObject("facets");
    ObjectNode relspec = facet(RELSPEC_RUN_FACET);
    relspec.put("mode", mode);
    relspec.put("planCatalogId", planCatalogId);
    if (state != null) {
      relspec.put("state", state);
    }
    runFacets.set("relspec", relspec);
    if (error != null) {
      runFacets.set("errorMessage", errorMessage(error));
    }
    ObjectNode job = job(event, RUN_JOB);
    job.putObject("facets").set("jobType", jobType("DAG"));
    return new Event(routing("run", eventType), event);
  }

  // ---------------------------------------------------------------- task runs

  /** What a task-run event says about the attempt, beyond its plan. */
  public record Attempt(
      int attempt,
      String reason,
      int fileIds,
      String executorId,
      Map<DatasetName, Long> inputVersions,
      Long outputVersion,
      Long rows,
      Long bytes,
      String error) {}

  /**
   * A task run's event: {@code START} and {@code COMPLETE} carry the inputs (schema, version read)
   * and the output (schema, column lineage; on completion its version and statistics); {@code
   * RUNNING} (a failed attempt that is retried), {@code FAIL} and {@code ABORT} carry the error.
   */
  public Event task(
      String eventType,
      String runId,
      PlanArtifact plan,
      PlanCatalog catalog,
      Attempt attempt,
      Instant at) {
    ObjectNode event = runEvent(eventType, at);
    ObjectNode run = event.putObject("run");
    run.put("runId", taskRunId(runId, plan.task()).toString());
    ObjectNode runFacets = run.putObject("facets");
    ObjectNode parent = facet(FACETS + "1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet");
    parent.putObject("run").put("runId", runId);
    parent.putObject("job").put("namespace", jobNamespace).put("name", RUN_JOB);
    parent.putObject("root").putObject("run").put("runId", runId);
    ((ObjectNode) parent.get("root")).putObject("job").put("namespace", jobNamespace);
    ((ObjectNode) parent.get("root").get("job")).put("name", RUN_JOB);
    runFacets.set("parent", parent);
    ObjectNode relspec = facet(RELSPEC_RUN_FACET);
    relspec.put("reason", attempt.reason());
    relspec.put("fileIds", attempt.fileIds());
    relspec.put("fingerprint", plan.fingerprint().value());
    relspec.put("attempt", attempt.attempt());
    if (attempt.executorId() != null) {
      relspec.put("executor", attempt.executorId());
    }
    runFacets.set("relspec", relspec);
    if (attempt.error() != null) {
      runFacets.set("errorMessage", errorMessage(attempt.error()));
    }
    jobWithFacets(event, plan);
    if ("START".equals(eventType) || "COMPLETE".equals(eventType)) {
      datasets(event, plan, catalog, attempt);
    }
    return new Event(routing("run", eventType), event);
  }

  // ---------------------------------------------------------------- static lineage

  /** A task's static lineage: its job with inputs, output, schema, column lineage and SQL. */
  public Event job(PlanArtifact plan, PlanCatalog catalog, Instant at) {
    ObjectNode event = base(at, "JobEvent");
    jobWithFacets(event, plan);
    datasets(event, plan, catalog, null);
    return new Event("openlineage.job.static", event);
  }

  /** A source dataset's schema, before anything reads it. */
  public Event source(DatasetName name, DatasetContract contract, Instant at) {
    ObjectNode event = base(at, "DatasetEvent");
    ObjectNode dataset = event.putObject("dataset");
    dataset.put("namespace", datasetNamespace).put("name", name.value());
    ObjectNode facets = dataset.putObject("facets");
    facets.set("schema", schema(contract.schema()));
    if (contract.description() != null) {
      ObjectNode documentation =
          facet(FACETS + "1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet");
      documentation.put("description", contract.description());
      facets.set("documentation", documentation);
    }
    return new Event("openlineage.dataset.static", event);
  }

  /** A dataset no task produces any more (its task was removed from the catalog). */
  public Event dropped(DatasetName name, Instant at) {
    ObjectNode event = base(at, "DatasetEvent");
    ObjectNode dataset = event.putObject("dataset");
    dataset.put("namespace", datasetNamespace).put("name", name.value());
    ObjectNode change =
        facet(
            FACETS
                + "1-0-1/LifecycleStateChangeDatasetFacet.json"
                + "#/$defs/LifecycleStateChangeDatasetFacet");
    change.put("lifecycleStateChange", "DROP");
    dataset.putObject("facets").set("lifecycleStateChange", change);
    return new Event("openlineage.dataset.drop", event);
  }

  // ---------------------------------------------------------------- parts

  private ObjectNode base(Instant at, String definition) {
    ObjectNode event = RelspecJson.mapper().createObjectNode();
    event.put("eventTime", at.toString());
    event.put("producer", PRODUCER);
    event.put("schemaURL", SPEC + "#/$defs/" + definition);
    return event;
  }

  private ObjectNode runEvent(String eventType, Instant at) {
    ObjectNode event = base(at, "RunEvent");
    event.put("eventType", eventType);
    return event;
  }

  private ObjectNode job(ObjectNode event, String name) {
    ObjectNode job = event.putObject("job");
    job.put("namespace", jobNamespace).put("name", name);
    return job;
  }

  private void jobWithFacets(ObjectNode event, PlanArtifact plan) {
    ObjectNode job = job(event, jobName(plan));
    ObjectNode facets = job.putObject("facets");
    ObjectNode sql = facet(FACETS + "1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet");
    sql.put("query", plan.sql());
    sql.put("dialect", "duckdb");
    facets.set("sql", sql);
    facets.set("jobType", jobType(plan.kind() == TaskKind.VIEW ? "VIEW" : "TASK"));
  }

  /**
   * Inputs (every dataset the plan reads or its lineage names, with its schema and, in a run, the
   * version read) and the output (schema and column lineage; on completion version and counts).
   */
  private void datasets(ObjectNode event, PlanArtifact plan, PlanCatalog catalog, Attempt attempt) {
    TreeSet<DatasetName> inputs = new TreeSet<>(plan.physicalInputs());
    inputs.addAll(plan.logicalInputs());
    for (ColumnLineage column : plan.lineage()) {
      column.origins().forEach(origin -> inputs.add(origin.dataset()));
    }
    inputs.remove(plan.output());
    ArrayNode inputArray = event.putArray("inputs");
    for (DatasetName input : inputs) {
      ObjectNode dataset = inputArray.addObject();
      dataset.put("namespace", datasetNamespace).put("name", input.value());
      ObjectNode facets = dataset.putObject("facets");
      ArrowSchema schema = schemaOf(input, catalog);
      if (schema != null) {
        facets.set("schema", schema(schema));
      }
      Long version = attempt == null ? null : attempt.inputVersions().get(input);
      if (version != null) {
        facets.set("version", version(version));
      }
    }
    ObjectNode output = event.putArray("outputs").addObject();
    output.put("namespace", datasetNamespace).put("name", plan.output().value());
    ObjectNode facets = output.putObject("facets");
    facets.set("schema", schema(plan.outputSchema()));
    facets.set("columnLineage", columnLineage(plan));
    if (attempt != null && attempt.outputVersion() != null) {
      facets.set("version", version(attempt.outputVersion()));
    }
    if (attempt != null && attempt.rows() != null) {
      ObjectNode statistics =
          facet(
              FACETS
                  + "1-0-2/OutputStatisticsOutputDatasetFacet.json"
                  + "#/$defs/OutputStatisticsOutputDatasetFacet");
      statistics.put("rowCount", attempt.rows());
      if (attempt.bytes() != null) {
        statistics.put("size", attempt.bytes());
      }
      output.putObject("outputFacets").set("outputStatistics", statistics);
    }
  }

  /** The schema of every source and task output of the newest catalog seen, by dataset. */
  private record Schemas(PlanCatalog catalog, Map<DatasetName, ArrowSchema> byDataset) {}

  private volatile Schemas schemas;

  private ArrowSchema schemaOf(DatasetName dataset, PlanCatalog catalog) {
    Schemas known = schemas;
    if (known == null || known.catalog() != catalog) {
      Map<DatasetName, ArrowSchema> byDataset = new java.util.HashMap<>();
      for (PlanArtifact plan : catalog.plans().values()) {
        byDataset.put(plan.output(), plan.outputSchema());
      }
      catalog.sources().forEach((name, contract) -> byDataset.put(name, contract.schema()));
      known = new Schemas(catalog, byDataset);
      schemas = known;
    }
    return known.byDataset().get(dataset);
  }

  private ObjectNode columnLineage(PlanArtifact plan) {
    ObjectNode facet =
        facet(FACETS + "1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet");
    ObjectNode fields = facet.putObject("fields");
    // Dataset-level INDIRECT lineage: every field that decides which rows or groups exist.
    Map<String, ObjectNode> indirect = new TreeMap<>();
    Map<String, TreeSet<String>> indirectSubtypes = new LinkedHashMap<>();
    for (ColumnLineage column : plan.lineage()) {
      ArrayNode inputFields = fields.putObject(column.column()).putArray("inputFields");
      Map<String, List<ColumnLineage.Origin>> direct = new TreeMap<>();
      for (ColumnLineage.Origin origin : column.origins()) {
        String key = origin.dataset().value() + "\u0000" + origin.column();
        if (origin.type() == ColumnLineage.Type.DIRECT) {
          direct.computeIfAbsent(key, k -> new ArrayList<>()).add(origin);
        } else {
          indirect.computeIfAbsent(key, k -> inputField(origin.dataset(), origin.column()));
          indirectSubtypes.computeIfAbsent(key, k -> new TreeSet<>()).add(origin.subtype().name());
        }
      }
      for (List<ColumnLineage.Origin> origins : direct.values()) {
        ObjectNode field = inputField(origins.get(0).dataset(), origins.get(0).column());
        ArrayNode transformations = field.putArray("transformations");
        for (ColumnLineage.Origin origin : origins) {
          transformations.addObject().put("type", "DIRECT").put("subtype", origin.subtype().name());
        }
        inputFields.add(field);
      }
    }
    if (!indirect.isEmpty()) {
      ArrayNode dataset = facet.putArray("dataset");
      indirect.forEach(
          (key, field) -> {
            ArrayNode transformations = field.putArray("transformations");
            for (String subtype : indirectSubtypes.get(key)) {
              transformations.addObject().put("type", "INDIRECT").put("subtype", subtype);
            }
            dataset.add(field);
          });
    }
    return facet;
  }

  private ObjectNode inputField(DatasetName dataset, String column) {
    ObjectNode field = RelspecJson.mapper().createObjectNode();
    field.put("namespace", datasetNamespace).put("name", dataset.value()).put("field", column);
    return field;
  }

  private static ObjectNode schema(ArrowSchema schema) {
    ObjectNode facet = facet(FACETS + "1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet");
    ArrayNode fields = facet.putArray("fields");
    int position = 1;
    for (ArrowField field : schema.fields()) {
      fields
          .addObject()
          .put("name", field.name())
          .put("type", field.type().typeString())
          .put("ordinal_position", position++);
    }
    return facet;
  }

  private static ObjectNode version(long version) {
    ObjectNode facet =
        facet(FACETS + "1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet");
    facet.put("datasetVersion", Long.toString(version));
    return facet;
  }

  private static ObjectNode jobType(String type) {
    ObjectNode facet = facet(FACETS + "2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet");
    facet.put("processingType", "BATCH").put("integration", "RELSPEC").put("jobType", type);
    return facet;
  }

  private static ObjectNode errorMessage(String message) {
    ObjectNode facet =
        facet(FACETS + "1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet");
    facet.put("message", message).put("programmingLanguage", "SQL");
    return facet;
  }

  private static ObjectNode facet(String schemaUrl) {
    ObjectNode facet = RelspecJson.mapper().createObjectNode();
    facet.put("_producer", PRODUCER);
    facet.put("_schemaURL", schemaUrl);
    return facet;
  }

  private static String routing(String type, String eventType) {
    return "openlineage." + type + "." + eventType.toLowerCase(java.util.Locale.ROOT);
  }
}
