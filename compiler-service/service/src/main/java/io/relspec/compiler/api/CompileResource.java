package io.relspec.compiler.api;

import io.relspec.compiler.CompilerConfig;
import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.plans.CompilationService;
import io.relspec.compiler.plans.PlanCompiler;
import io.relspec.compiler.sql.CompileEnvironment;
import io.relspec.compiler.sql.CompiledQuery;
import io.relspec.compiler.sql.Deadline;
import io.relspec.compiler.sql.QueryCompiler;
import io.relspec.compiler.sql.SqlCompileException;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.platform.error.ProblemDetails;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Compiles a query without registering it: against a snapshot's sources, functions and compiled
 * task outputs (the latest compiled one by default). Answers the PlanArtifact of a task named
 * {@code adhoc}, or a problem with one diagnostic (code, line, column) in {@code violations}.
 */
@Path("/api/v1/compile")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "compiler")
@SecurityRequirement(name = "bearer")
public class CompileResource {
  static final TaskName ADHOC = TaskName.of("adhoc");

  private final CompilationService compilation;
  private final CompilerConfig config;
  private final QueryCompiler compiler = new QueryCompiler();

  public CompileResource(CompilationService compilation, CompilerConfig config) {
    this.compilation = compilation;
    this.config = config;
  }

  /** The latest plan catalog, or none when nothing was ever registered. */
  private Optional<PlanCatalog> latestOrNone() {
    try {
      return Optional.of(compilation.latestPlanCatalog());
    } catch (RelspecException e) {
      if (e.errorCode() == CompilerErrorCode.NO_PLAN_CATALOG_YET) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The request: the SQL, and optionally the snapshot to compile against. */
  public record CompileRequest(@NotNull(message = "is required") String sql, String snapshotId) {}

  @POST
  @RolesAllowed(Roles.READER)
  @Operation(summary = "Compile a query: schema, lineage, fingerprint, DuckDB SQL, or diagnostics")
  public PlanArtifact compile(
      @NotNull(message = "the body must be JSON with a \"sql\" string") @Valid
          CompileRequest request) {
    Optional<PlanCatalog> against =
        request.snapshotId() == null
            ? latestOrNone()
            : Optional.of(compilation.planCatalogFor(request.snapshotId()));
    CompileEnvironment environment =
        against
            .map(
                catalog -> {
                  CompileEnvironment env =
                      PlanCompiler.environment(catalog.sources(), catalog.functions());
                  for (PlanArtifact plan : catalog.plans().values()) {
                    env.add(PlanCompiler.inputOf(spec(plan), plan));
                  }
                  return env;
                })
            .orElseGet(() -> new CompileEnvironment(Map.of()));
    try {
      CompiledQuery query =
          compiler.compile(request.sql(), environment, Deadline.after(config.compileTimeout()));
      return PlanCompiler.artifact(
          ADHOC,
          new TaskSpec(
              DatasetName.of("adhoc"),
              request.sql(),
              TaskKind.COMPUTE,
              CachePolicy.NONE,
              0,
              null,
              null,
              null,
              null),
          query);
    } catch (SqlCompileException e) {
      throw new RelspecException(
          e.code(),
          e.getMessage(),
          List.of(
              new ProblemDetails.Violation(
                  "sql", e.getMessage(), e.code().code(), e.line(), e.column())),
          null);
    }
  }

  private static TaskSpec spec(PlanArtifact plan) {
    return new TaskSpec(
        plan.output(),
        plan.sql(),
        plan.kind(),
        plan.cachePolicy(),
        plan.priority(),
        null,
        null,
        null,
        null);
  }
}
