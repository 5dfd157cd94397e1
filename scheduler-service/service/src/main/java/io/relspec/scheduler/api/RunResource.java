package io.relspec.scheduler.api;

import io.relspec.contracts.api.runs.RunAccepted;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskTiming;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.model.DatasetName;
import io.relspec.platform.security.Roles;
import io.relspec.scheduler.runs.RunHistory;
import io.relspec.scheduler.runs.RunQueries;
import io.relspec.scheduler.runs.RunService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Start, watch and cancel runs. */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "scheduler")
@SecurityRequirement(name = "bearer")
public class RunResource {
  private final RunService runs;
  private final RunQueries queries;

  private final RunHistory history;

  public RunResource(RunService runs, RunQueries queries, RunHistory history) {
    this.history = history;
    this.runs = runs;
    this.queries = queries;
  }

  @POST
  @RolesAllowed(Roles.OPERATOR)
  public Response start(@Valid RunRequest body, @Context SecurityContext security) {
    RunRequest request =
        body == null ? new RunRequest(null, null, null, null, null, null, null) : body;
    long fileIds = countFiles(request.changedFiles()) + countFiles(request.removedFiles());
    if (fileIds > RunRequest.MAX_FILE_IDS) {
      throw new IllegalArgumentException(
          "a run request may name at most "
              + RunRequest.MAX_FILE_IDS
              + " file ids, got "
              + fileIds);
    }
    RunRequested requested =
        new RunRequested(
            UUID.randomUUID(),
            Instant.now(),
            security.getUserPrincipal() == null ? null : security.getUserPrincipal().getName(),
            request.mode(),
            request.targets(),
            request.changedFiles(),
            request.removedFiles(),
            request.force(),
            Boolean.TRUE.equals(request.allowPartial()));
    if (Boolean.TRUE.equals(request.dryRun())) {
      return Response.ok(runs.preview(requested)).build();
    }
    RunAccepted accepted = runs.start(requested);
    return Response.accepted(accepted)
        .header("Location", "/api/v1/runs/" + accepted.runId())
        .build();
  }

  /** Most runs one GET /runs returns. */
  static final int MAX_LIMIT = 1_000;

  @GET
  @RolesAllowed(Roles.READER)
  public List<RunStatus> list(@QueryParam("limit") @DefaultValue("100") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
    return queries.recent(limit);
  }

  @GET
  @Path("{id}")
  @RolesAllowed(Roles.READER)
  public RunStatus get(
      @PathParam("id") String id, @QueryParam("tasks") @DefaultValue("true") boolean tasks) {
    // tasks=false: the run's state alone, for clients that poll for completion of large runs.
    return tasks ? queries.status(id) : queries.summary(id);
  }

  @GET
  @Path("{id}/timings")
  @RolesAllowed(Roles.READER)
  @Operation(
      summary =
          "When each task of the run was dispatched and when it ended: the run's timeline, from"
              + " which how many tasks ran at once can be read")
  public List<TaskTiming> timings(@PathParam("id") String id) {
    return history.timings(id);
  }

  @POST
  @Path("{id}/cancel")
  @Consumes(MediaType.WILDCARD)
  @RolesAllowed(Roles.OPERATOR)
  public RunStatus cancel(@PathParam("id") String id) {
    return runs.cancel(id);
  }

  private static long countFiles(Map<DatasetName, List<String>> files) {
    return files == null
        ? 0
        : files.values().stream().mapToLong(list -> list == null ? 0 : list.size()).sum();
  }
}
