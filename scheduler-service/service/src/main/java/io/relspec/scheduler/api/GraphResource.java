package io.relspec.scheduler.api;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.Roles;
import io.relspec.scheduler.SchedulerErrorCode;
import io.relspec.scheduler.graph.GraphExport;
import io.relspec.scheduler.graph.GraphNode;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.plans.PlanCatalogs;
import io.relspec.scheduler.runs.RunQueries;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The inferred task graph of the newest plan catalog, and questions about it. */
@Path("/api/v1")
@Tag(name = "scheduler")
@SecurityRequirement(name = "bearer")
public class GraphResource {
  private final PlanCatalogs planCatalogs;
  private final RunQueries queries;

  public GraphResource(PlanCatalogs planCatalogs, RunQueries queries) {
    this.planCatalogs = planCatalogs;
    this.queries = queries;
  }

  public record Generation(int generation, List<String> tasks) {}

  public record Generations(String planCatalogId, List<Generation> generations) {}

  /**
   * @param estimatedMillis the path's length by each task's last successful duration ({@code
   *     unmeasured} tasks count 1 ms)
   */
  public record CriticalPath(
      String planCatalogId, List<String> tasks, long estimatedMillis, List<String> unmeasured) {}

  /** Tasks and datasets reachable from a dataset, downstream (impact) or upstream (provenance). */
  public record Reach(String dataset, String kind, List<String> tasks, List<String> datasets) {}

  @GET
  @Path("graph")
  @RolesAllowed(Roles.READER)
  @Produces({MediaType.APPLICATION_JSON, "text/vnd.graphviz", "text/vnd.mermaid"})
  public Response graph(@QueryParam("format") @DefaultValue("json") String format) {
    TaskGraph graph = planCatalogs.latest();
    return switch (format) {
      case "json" -> Response.ok(GraphExport.json(graph), MediaType.APPLICATION_JSON_TYPE).build();
      case "dot" -> Response.ok(GraphExport.dot(graph), "text/vnd.graphviz").build();
      case "mermaid" -> Response.ok(GraphExport.mermaid(graph), "text/vnd.mermaid").build();
      default ->
          throw new RelspecException(
              SchedulerErrorCode.UNKNOWN_FORMAT,
              "unknown graph format '" + format + "': use json, dot or mermaid");
    };
  }

  @GET
  @Path("graph/generations")
  @RolesAllowed(Roles.READER)
  @Produces(MediaType.APPLICATION_JSON)
  public Generations generations() {
    TaskGraph graph = planCatalogs.latest();
    List<Generation> result = new ArrayList<>();
    List<List<TaskName>> levels = graph.generations();
    for (int i = 0; i < levels.size(); i++) {
      result.add(new Generation(i, levels.get(i).stream().map(TaskName::value).toList()));
    }
    return new Generations(graph.planCatalogId(), result);
  }

  @GET
  @Path("graph/critical-path")
  @RolesAllowed(Roles.READER)
  @Produces(MediaType.APPLICATION_JSON)
  public CriticalPath criticalPath() {
    TaskGraph graph = planCatalogs.latest();
    var durations = queries.lastDurations();
    io.relspec.scheduler.graph.CriticalPath path = graph.criticalPath(durations, 1);
    return new CriticalPath(
        graph.planCatalogId(),
        path.tasks().stream().map(TaskName::value).toList(),
        path.estimatedMillis(),
        path.tasks().stream()
            .filter(task -> !durations.containsKey(task))
            .map(TaskName::value)
            .toList());
  }

  @GET
  @Path("impact/{dataset}")
  @RolesAllowed(Roles.READER)
  @Produces(MediaType.APPLICATION_JSON)
  public Reach impact(@PathParam("dataset") String dataset) {
    TaskGraph graph = planCatalogs.latest();
    GraphNode node = node(graph, dataset);
    return reach(node, graph.impact(node));
  }

  @GET
  @Path("provenance/{dataset}")
  @RolesAllowed(Roles.READER)
  @Produces(MediaType.APPLICATION_JSON)
  public Reach provenance(@PathParam("dataset") String dataset) {
    TaskGraph graph = planCatalogs.latest();
    GraphNode node = node(graph, dataset);
    return reach(node, graph.provenance(node));
  }

  private static GraphNode node(TaskGraph graph, String dataset) {
    DatasetName name;
    try {
      name = DatasetName.of(dataset);
    } catch (IllegalArgumentException e) {
      throw new RelspecException(
          SchedulerErrorCode.UNKNOWN_DATASET, "'" + dataset + "' is not a dataset name");
    }
    return graph
        .dataset(name)
        .orElseThrow(
            () ->
                new RelspecException(
                    SchedulerErrorCode.UNKNOWN_DATASET,
                    "dataset '" + dataset + "' is neither a source nor any task's output"));
  }

  private static Reach reach(GraphNode start, Set<GraphNode> reached) {
    return new Reach(
        start.name(),
        start.kind().wireName(),
        reached.stream().filter(node -> !node.kind().isDataset()).map(GraphNode::name).toList(),
        reached.stream().filter(node -> node.kind().isDataset()).map(GraphNode::name).toList());
  }
}
