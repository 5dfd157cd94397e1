package io.relspec.catalog.api;

import io.relspec.catalog.CatalogService;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskSpec;
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

/** SQL transformation tasks. Dependencies are inferred, never declared. */
@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@SecurityRequirement(name = "bearer")
public class TaskResource {
  private final CatalogService catalog;

  public TaskResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GET
  @RolesAllowed(Roles.READER)
  public SortedMap<TaskName, TaskSpec> list() {
    return catalog.tasks();
  }

  @GET
  @Path("{name}")
  @RolesAllowed(Roles.READER)
  public TaskSpec get(@PathParam("name") String name) {
    return catalog.task(TaskName.of(name));
  }

  @PUT
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change put(
      @PathParam("name") String name,
      @NotNull(message = "a request body with the task spec is required") TaskSpec body) {
    return catalog.putTask(TaskName.of(name), body);
  }

  @DELETE
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change delete(@PathParam("name") String name) {
    return catalog.deleteTask(TaskName.of(name));
  }
}
