package io.relspec.scheduler.plans;

import io.relspec.contracts.api.PlanCatalog;
import io.relspec.platform.client.ServiceEndpoint;
import io.relspec.platform.client.UpstreamUnavailableException;
import io.relspec.platform.security.ApiTokens;
import io.relspec.scheduler.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * What the scheduler reads from the compiler service: a plan catalog by id. A call the compiler
 * cannot answer now (restarting, overloaded, unreachable) is tried again (the retry policy of
 * {@link ServiceEndpoint}); what still fails leaves the {@code PlanCatalogCompiled} message to be
 * redelivered.
 */
@ApplicationScoped
public class CompilerClient {
  private final ServiceEndpoint<PlanCatalogs> compiler;

  public CompilerClient(SchedulerConfig config, ApiTokens tokens) {
    this.compiler =
        ServiceEndpoint.connect(
            PlanCatalogs.class,
            "compiler-service",
            config.compilerUrl(),
            tokens.clientToken(),
            config.compilerTimeout());
  }

  /**
   * A plan catalog by id; {@code snapshotId} lets a compiler replica that did not compile it derive
   * it from its snapshot.
   */
  @Retry(
      maxRetries = ServiceEndpoint.RETRIES,
      delay = ServiceEndpoint.RETRY_DELAY_MILLIS,
      jitter = ServiceEndpoint.RETRY_JITTER_MILLIS,
      retryOn = UpstreamUnavailableException.class)
  public PlanCatalog planCatalog(String id, String snapshotId) {
    return compiler.call(catalogs -> catalogs.planCatalog(id, snapshotId));
  }

  /** The compiler's plan-catalog endpoint. */
  @Path("/api/v1/plan-catalogs")
  @Produces(MediaType.APPLICATION_JSON)
  public interface PlanCatalogs {
    @GET
    @Path("{id}")
    PlanCatalog planCatalog(@PathParam("id") String id, @QueryParam("snapshot") String snapshotId);
  }
}
