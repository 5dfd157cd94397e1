package io.relspec.scheduler.api;

import io.relspec.contracts.api.validation.ValidationReport;
import io.relspec.platform.security.Roles;
import io.relspec.scheduler.graph.Validation;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Everything that is wrong with the current catalog, in one report. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "scheduler")
@SecurityRequirement(name = "bearer")
public class ValidationResource {
  private final Validation validation;

  public ValidationResource(Validation validation) {
    this.validation = validation;
  }

  @GET
  @Path("validation")
  @RolesAllowed(Roles.READER)
  public ValidationReport validation() {
    return validation.report();
  }
}
