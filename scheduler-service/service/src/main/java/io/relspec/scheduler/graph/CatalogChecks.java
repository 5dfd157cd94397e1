package io.relspec.scheduler.graph;

import io.relspec.contracts.api.validation.CatalogValidationReport;
import io.relspec.platform.client.ServiceEndpoint;
import io.relspec.platform.client.UpstreamUnavailableException;
import io.relspec.platform.security.ApiTokens;
import io.relspec.scheduler.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * The catalog service's structural checks, for the joined validation report: read when {@code
 * relspec.scheduler.catalog-url} is set, tried again when the catalog cannot answer now (the retry
 * policy of {@link ServiceEndpoint}).
 */
@ApplicationScoped
public class CatalogChecks {
  private final Optional<ServiceEndpoint<Checks>> catalog;

  public CatalogChecks(SchedulerConfig config, ApiTokens tokens) {
    this.catalog =
        config
            .catalogUrl()
            .map(
                url ->
                    ServiceEndpoint.connect(
                        Checks.class,
                        "catalog-service",
                        url,
                        tokens.clientToken(),
                        config.compilerTimeout()));
  }

  /** Whether the catalog's URL is configured. */
  public boolean configured() {
    return catalog.isPresent();
  }

  /** The catalog's report; call only when {@link #configured()}. */
  @Retry(
      maxRetries = ServiceEndpoint.RETRIES,
      delay = ServiceEndpoint.RETRY_DELAY_MILLIS,
      jitter = ServiceEndpoint.RETRY_JITTER_MILLIS,
      retryOn = UpstreamUnavailableException.class)
  public CatalogValidationReport report() {
    return catalog.orElseThrow().call(Checks::report);
  }

  /** The catalog's validation endpoint. */
  @Path("/api/v1/validation/catalog")
  @Produces(MediaType.APPLICATION_JSON)
  public interface Checks {
    @GET
    CatalogValidationReport report();
  }
}
