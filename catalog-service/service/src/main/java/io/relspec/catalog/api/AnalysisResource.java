package io.relspec.catalog.api;

import io.relspec.catalog.CatalogService;
import io.relspec.catalog.model.CatalogAnalysis;
import io.relspec.contracts.api.validation.CatalogValidationReport;
import io.relspec.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Structural validation and coverage of the current catalog. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog")
@SecurityRequirement(name = "bearer")
public class AnalysisResource {
  private final CatalogService catalog;

  public AnalysisResource(CatalogService catalog) {
    this.catalog = catalog;
  }

  @GET
  @Path("validation/catalog")
  @RolesAllowed(Roles.READER)
  public CatalogValidationReport validation() {
    return new CatalogAnalysis(catalog.state()).validation();
  }

  @GET
  @Path("coverage")
  @RolesAllowed(Roles.READER)
  public CatalogAnalysis.CoverageReport coverage() {
    return new CatalogAnalysis(catalog.state()).coverage();
  }
}
