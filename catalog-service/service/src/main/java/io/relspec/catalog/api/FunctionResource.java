package io.relspec.catalog.api;

import io.relspec.catalog.CatalogService;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.SortedMap;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Scalar SQL macros, known to the compiler and created on executors. */
@Path("/api/v1/functions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@SecurityRequirement(name = "bearer")
public class FunctionResource {
  private final CatalogService catalog;

  public FunctionResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GET
  @RolesAllowed(Roles.READER)
  public SortedMap<String, FunctionSpec> list() {
    return catalog.functions();
  }

  @GET
  @Path("{name}")
  @RolesAllowed(Roles.READER)
  public FunctionSpec get(@PathParam("name") String name) {
    return catalog.function(RequestChecks.require(name, "function", false));
  }

  @PUT
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change put(
      @PathParam("name") String name,
      @NotNull(message = "a request body with the function is required") FunctionSpec body) {
    return catalog.putFunction(RequestChecks.require(name, "function", false), body);
  }

  @DELETE
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change delete(@PathParam("name") String name) {
    return catalog.deleteFunction(RequestChecks.require(name, "function", false));
  }
}
