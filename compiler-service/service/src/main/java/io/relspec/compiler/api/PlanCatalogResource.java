package io.relspec.compiler.api;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.plans.PlanCatalogRepository;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Compiled plan catalogs, one per catalog snapshot. */
@Path("/api/v1/plan-catalogs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "compiler")
@SecurityRequirement(name = "bearer")
public class PlanCatalogResource {
  private final PlanCatalogRepository repository;

  public PlanCatalogResource(PlanCatalogRepository repository) {
    this.repository = repository;
  }

  @GET
  @Path("latest")
  @RolesAllowed(Roles.READER)
  public PlanCatalog latest() {
    return repository
        .latest()
        .orElseThrow(
            () ->
                new RelspecException(
                    CompilerErrorCode.NO_PLAN_CATALOG_YET, "no snapshot has been compiled yet"));
  }

  @GET
  @Path("{id}")
  @RolesAllowed(Roles.READER)
  public PlanCatalog get(@PathParam("id") String id) {
    return repository.get(id);
  }
}
