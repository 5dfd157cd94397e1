package io.relspec.compiler.api;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.plans.CompilationService;
import io.relspec.compiler.plans.PlanDiffer;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.PlanCatalogDiff;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Compiled plan catalogs, one per catalog snapshot; {@code latest} names the newest. */
@Path("/api/v1/plan-catalogs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "compiler")
@SecurityRequirement(name = "bearer")
public class PlanCatalogResource {
  private final CompilationService compilation;

  public PlanCatalogResource(CompilationService compilation) {
    this.compilation = compilation;
  }

  /**
   * A plan catalog; with {@code snapshot} (its snapshot id, as PlanCatalogCompiled carries it) a
   * replica that did not compile it compiles it now.
   */
  @GET
  @Path("{id}")
  @RolesAllowed(Roles.READER)
  @Operation(summary = "A plan catalog: every task's plan and the compile failures")
  public PlanCatalog get(@PathParam("id") String id, @QueryParam("snapshot") String snapshot) {
    return compilation.planCatalog(id, snapshot);
  }

  @GET
  @Path("{id}/plans/{task}")
  @RolesAllowed(Roles.READER)
  @Operation(summary = "One task's plan: schema, inputs, required columns, lineage, fingerprint")
  public PlanArtifact plan(@PathParam("id") String id, @PathParam("task") String task) {
    PlanCatalog catalog = compilation.planCatalog(id, null);
    TaskName name = PathParameters.task(task);
    PlanArtifact plan = catalog.plans().get(name);
    if (plan == null) {
      String failure =
          catalog.failures().stream()
              .filter(candidate -> candidate.task().equals(name))
              .map(
                  candidate ->
                      "; it failed to compile: " + candidate.code() + " " + candidate.message())
              .findFirst()
              .orElse("");
      throw new RelspecException(
          CompilerErrorCode.PLAN_NOT_FOUND,
          "plan catalog " + catalog.id() + " has no plan for task '" + task + "'" + failure);
    }
    return plan;
  }

  @GET
  @Path("{from}/diff/{to}")
  @RolesAllowed(Roles.READER)
  @Operation(
      summary =
          "Tasks added, removed, unchanged and changed (breaking, non_breaking, metadata_only)")
  public PlanCatalogDiff diff(@PathParam("from") String from, @PathParam("to") String to) {
    return PlanDiffer.diff(compilation.planCatalog(from, null), compilation.planCatalog(to, null));
  }
}
