package io.relspec.executor;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.platform.client.ServiceEndpoint;
import io.relspec.platform.client.UpstreamUnavailableException;
import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.ApiTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * What an executor reads from the catalog service: the contract an upload is checked against, when
 * {@code relspec.executor.catalog-url} is set. A call the catalog cannot answer now is tried again
 * (the retry policy of {@link ServiceEndpoint}).
 */
@ApplicationScoped
public class CatalogClient {
  private final Optional<ServiceEndpoint<Contracts>> catalog;

  public CatalogClient(ExecutorConfig config, ApiTokens tokens) {
    this.catalog =
        config
            .catalogUrl()
            .map(
                url ->
                    ServiceEndpoint.connect(
                        Contracts.class,
                        "catalog-service",
                        url,
                        tokens.clientToken(),
                        config.catalogTimeout()));
  }

  /** Whether the catalog's URL is configured. */
  public boolean configured() {
    return catalog.isPresent();
  }

  /** A dataset's contract; empty when the catalog has none by that name. */
  @Retry(
      maxRetries = ServiceEndpoint.RETRIES,
      delay = ServiceEndpoint.RETRY_DELAY_MILLIS,
      jitter = ServiceEndpoint.RETRY_JITTER_MILLIS,
      retryOn = UpstreamUnavailableException.class)
  public Optional<DatasetContract> contract(DatasetName dataset) {
    try {
      return Optional.of(catalog.orElseThrow().call(api -> api.contract(dataset.value())));
    } catch (RelspecException e) {
      if (e.errorCode() == PlatformErrorCode.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The catalog's dataset endpoint. */
  @Path("/api/v1/datasets")
  @Produces(MediaType.APPLICATION_JSON)
  public interface Contracts {
    @GET
    @Path("{name}")
    DatasetContract contract(@PathParam("name") String name);
  }
}
