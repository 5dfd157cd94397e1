package io.relspec.catalog.api;

import io.relspec.catalog.CatalogService;
import io.relspec.contracts.spec.TaskTemplate;
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

/** Parameterized SQL that contracts instantiate into tasks. */
@Path("/api/v1/templates")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@SecurityRequirement(name = "bearer")
public class TemplateResource {
  private final CatalogService catalog;

  public TemplateResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GET
  @RolesAllowed(Roles.READER)
  public SortedMap<String, TaskTemplate> list() {
    return catalog.templates();
  }

  @GET
  @Path("{name}")
  @RolesAllowed(Roles.READER)
  public TaskTemplate get(@PathParam("name") String name) {
    return catalog.template(RequestChecks.require(name, "template", true));
  }

  @PUT
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change put(
      @PathParam("name") String name,
      @NotNull(message = "a request body with the template is required") TaskTemplate body) {
    return catalog.putTemplate(RequestChecks.require(name, "template", true), body);
  }

  @DELETE
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change delete(@PathParam("name") String name) {
    return catalog.deleteTemplate(RequestChecks.require(name, "template", true));
  }
}
