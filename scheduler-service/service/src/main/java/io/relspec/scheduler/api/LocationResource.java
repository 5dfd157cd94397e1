package io.relspec.scheduler.api;

import io.relspec.contracts.api.DatasetDirectory;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.model.DatasetName;
import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.Roles;
import io.relspec.scheduler.runs.RunQueries;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Where a dataset's newest version lives, so a reader (the CLI's {@code get}, any Flight client)
 * can fetch it from the executor that holds it.
 */
@Path("/api/v1/locations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "scheduler")
@SecurityRequirement(name = "bearer")
public class LocationResource {
  private final RunQueries queries;

  public LocationResource(RunQueries queries) {
    this.queries = queries;
  }

  @GET
  @RolesAllowed(Roles.READER)
  @Operation(
      summary =
          "Every dataset a SQL reader can name (newest versions, or those of one run), with the"
              + " catalog's views and functions; executors answering Flight SQL bind names from it")
  public DatasetDirectory directory(
      @Parameter(description = "pin the versions that run read and wrote") @QueryParam("run")
          String run,
      @Parameter(
              description =
                  "pin the versions of the newest succeeded run of this catalog snapshot (or plan"
                      + " catalog)")
          @QueryParam("snapshot")
          String snapshot) {
    boolean byRun = run != null && !run.isBlank();
    boolean bySnapshot = snapshot != null && !snapshot.isBlank();
    if (byRun && bySnapshot) {
      throw new RelspecException(
          PlatformErrorCode.INVALID_REQUEST, "pin a run or a catalog snapshot, not both");
    }
    return bySnapshot
        ? queries.directoryOfSnapshot(snapshot)
        : queries.directory(byRun ? run : null);
  }

  @GET
  @Path("{dataset}")
  @RolesAllowed(Roles.READER)
  @Operation(summary = "The executor holding a dataset's newest version, and its Flight URI")
  public InputLocation location(@PathParam("dataset") String dataset) {
    return queries.location(DatasetName.of(dataset));
  }
}
