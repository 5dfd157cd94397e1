package io.relspec.compiler.api;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.lineage.LineageWalker;
import io.relspec.compiler.plans.CompilationService;
import io.relspec.contracts.api.LineageGraph;
import io.relspec.contracts.api.LineageGraph.Column;
import io.relspec.contracts.api.PlanCatalog;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Transitive column lineage across tasks. */
@Path("/api/v1/lineage")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "compiler")
@SecurityRequirement(name = "bearer")
public class LineageResource {
  static final int MAX_DEPTH = 100;

  private final CompilationService compilation;

  public LineageResource(CompilationService compilation) {
    this.compilation = compilation;
  }

  @GET
  @Path("{dataset}/{column}")
  @RolesAllowed(Roles.READER)
  @Operation(summary = "Where a column comes from (upstream) or what is computed from it")
  public LineageGraph lineage(
      @PathParam("dataset") String dataset,
      @PathParam("column") String column,
      @QueryParam("direction") @DefaultValue("upstream") String direction,
      @QueryParam("depth") @DefaultValue("10") int depth,
      @QueryParam("planCatalog") @DefaultValue("latest") String planCatalog) {
    if (depth < 1 || depth > MAX_DEPTH) {
      throw new RelspecException(
          CompilerErrorCode.INVALID_REQUEST,
          "depth must be between 1 and " + MAX_DEPTH + ", got " + depth);
    }
    PlanCatalog catalog = compilation.planCatalog(planCatalog, null);
    LineageWalker walker = new LineageWalker(catalog);
    Column start = new Column(PathParameters.dataset(dataset), column);
    if (!walker.knows(start)) {
      throw new RelspecException(
          CompilerErrorCode.UNKNOWN_LINEAGE_COLUMN,
          "'"
              + dataset
              + "."
              + column
              + "' is not a column of a source or of a compiled task's output in plan catalog "
              + catalog.id());
    }
    return switch (direction) {
      case "upstream" -> walker.upstream(start, depth);
      case "downstream" -> walker.downstream(start, depth);
      default ->
          throw new RelspecException(
              CompilerErrorCode.INVALID_REQUEST,
              "direction must be upstream or downstream, got '" + direction + "'");
    };
  }
}
