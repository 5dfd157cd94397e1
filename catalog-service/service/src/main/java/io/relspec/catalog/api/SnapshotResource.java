package io.relspec.catalog.api;

import io.relspec.catalog.snapshot.CatalogService;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Immutable catalog snapshots, in canonical order. */
@Path("/api/v1/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@SecurityRequirement(name = "bearer")
public class SnapshotResource {
  private final CatalogService catalog;

  public SnapshotResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GET
  @Path("latest")
  @RolesAllowed(Roles.READER)
  public CatalogSnapshot latest() {
    return catalog.latestSnapshot();
  }

  @GET
  @Path("{id}")
  @RolesAllowed(Roles.READER)
  public CatalogSnapshot get(@PathParam("id") String id) {
    return catalog.snapshot(id);
  }
}
