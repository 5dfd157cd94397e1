package io.relspec.scheduler.api;

import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.platform.security.Roles;
import io.relspec.scheduler.runs.RunQueries;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The source versions the scheduler has recorded from {@code SourceDataUpdated}: what the next
 * incremental run plans against. A client that just uploaded data waits here for its version before
 * starting a run.
 */
@Path("/api/v1/source-versions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "scheduler")
@SecurityRequirement(name = "bearer")
public class SourceVersionResource {
  private final RunQueries queries;

  public SourceVersionResource(RunQueries queries) {
    this.queries = queries;
  }

  @GET
  @RolesAllowed(Roles.READER)
  @Operation(summary = "Newest recorded version of each source, and the executor holding it")
  public List<InputLocation> list() {
    return queries.sourceVersions();
  }
}
