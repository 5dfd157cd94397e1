package io.relspec.catalog.api;

import io.relspec.catalog.CatalogErrorCode;
import io.relspec.catalog.CatalogService;
import io.relspec.catalog.export.SpecTables;
import io.relspec.catalog.model.SnapshotDiff;
import io.relspec.catalog.store.CatalogStore;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Immutable catalog snapshots, in canonical order; their history, diffs and Arrow export. */
@Path("/api/v1/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@SecurityRequirement(name = "bearer")
public class SnapshotResource {
  private final CatalogService catalog;

  public SnapshotResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  /** The history, newest first. */
  @GET
  @RolesAllowed(Roles.READER)
  public List<CatalogStore.SnapshotEntry> history(
      @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000");
    }
    return catalog.history(limit);
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

  /** What changed from snapshot {@code a} to snapshot {@code b} (either may be {@code latest}). */
  @GET
  @Path("{a}/diff/{b}")
  @RolesAllowed(Roles.READER)
  public SnapshotDiff diff(@PathParam("a") String a, @PathParam("b") String b) {
    return SnapshotDiff.between(resolve(a), resolve(b));
  }

  /** One table of the snapshot ({@code latest} for the newest) as an Arrow IPC stream. */
  @GET
  @Path("{id}/arrow/{table}")
  @Produces(SpecTables.MEDIA_TYPE)
  @RolesAllowed(Roles.READER)
  public Response arrow(@PathParam("id") String id, @PathParam("table") String table) {
    SpecTables.Table which = SpecTables.Table.fromWireName(table);
    if (which == null) {
      throw new RelspecException(
          CatalogErrorCode.UNSUPPORTED_EXPORT,
          "no table '"
              + table
              + "'; tables: "
              + Arrays.stream(SpecTables.Table.values()).map(SpecTables.Table::wireName).toList());
    }
    CatalogSnapshot snapshot = resolve(id);
    StreamingOutput body = out -> SpecTables.write(snapshot, which, out);
    return Response.ok(body, SpecTables.MEDIA_TYPE)
        .header("Content-Disposition", "attachment; filename=\"" + table + ".arrows\"")
        .build();
  }

  /** A snapshot id, or {@code latest}. */
  private CatalogSnapshot resolve(String id) {
    return "latest".equals(id) ? catalog.latestSnapshot() : catalog.snapshot(id);
  }
}
