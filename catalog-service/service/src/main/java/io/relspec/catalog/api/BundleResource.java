package io.relspec.catalog.api;

import io.relspec.catalog.CatalogConfig;
import io.relspec.catalog.CatalogService;
import io.relspec.catalog.bundle.BundleArchive;
import io.relspec.contracts.api.BundleSummary;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.SortedMap;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Bundles: named, versioned sets registered atomically, from JSON or a directory archive. */
@Path("/api/v1/bundles")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@SecurityRequirement(name = "bearer")
public class BundleResource {
  private final CatalogService catalog;
  private final CatalogConfig config;

  public BundleResource(CatalogService catalog, CatalogConfig config) {
    this.catalog = catalog;
    this.config = config;
  }

  @GET
  @RolesAllowed(Roles.READER)
  public SortedMap<String, BundleSummary> list() {
    return catalog.bundles();
  }

  @GET
  @Path("{name}")
  @RolesAllowed(Roles.READER)
  public BundleSummary get(@PathParam("name") String name) {
    return catalog.bundle(RequestChecks.require(name, "bundle", true));
  }

  /** Registers or replaces a bundle: all of it or, on any error, nothing. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change post(
      @NotNull(message = "a request body with the bundle is required") TaskBundle body) {
    return catalog.putBundle(body, null);
  }

  /** The same from a zip or tar.gz of the bundle directory format (see docs/catalog.md). */
  @POST
  @Path("archive")
  @Consumes({
    "application/zip",
    "application/gzip",
    "application/x-gzip",
    "application/x-tar+gzip",
    MediaType.APPLICATION_OCTET_STREAM
  })
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change postArchive(
      @NotEmpty(message = "a request body with the bundle archive is required") byte[] body) {
    return catalog.putBundle(
        BundleArchive.read(
            body,
            new BundleArchive.Limits(
                config.archive().maxEntries(),
                config.archive().maxEntrySize().asLongValue(),
                config.archive().maxExpandedSize().asLongValue())),
        null);
  }

  @DELETE
  @Path("{name}")
  @RolesAllowed(Roles.WRITER)
  public CatalogService.Change delete(@PathParam("name") String name) {
    return catalog.deleteBundle(RequestChecks.require(name, "bundle", true));
  }
}
