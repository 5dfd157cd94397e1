package io.relspec.catalog.api;

import io.relspec.catalog.CatalogService;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.DatasetContract;
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

/** Source dataset contracts. */
@Path("/api/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@SecurityRequirement(name = "bearer")
public class DatasetResource {
  private final CatalogService catalog;

  public DatasetResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GET
  @RolesAllowed(Roles.READER)
  public SortedMap<DatasetName, DatasetContract> list() {
    return catalog.datasets();
  }

  @GET
  @Path("{name}")
  @RolesAllowed(Roles.READER)
  public DatasetContract get(@PathParam("name") String name) {
    return catalog.dataset(DatasetName.of(name));
  }

  @PUT
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change put(
      @PathParam("name") String name,
      @NotNull(message = "a request body with the dataset contract is required")
          DatasetContract body) {
    return catalog.putDataset(DatasetName.of(name), body);
  }

  @DELETE
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change delete(@PathParam("name") String name) {
    return catalog.deleteDataset(DatasetName.of(name));
  }
}
