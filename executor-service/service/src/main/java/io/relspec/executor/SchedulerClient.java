package io.relspec.executor;

import io.relspec.contracts.api.DatasetDirectory;
import io.relspec.platform.client.ServiceEndpoint;
import io.relspec.platform.client.UpstreamUnavailableException;
import io.relspec.platform.security.ApiTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * What an executor asks the scheduler, when {@code relspec.executor.scheduler-url} is set: where
 * every dataset version lives, and the catalog's views and functions, for Flight SQL queries. A
 * call the scheduler cannot answer now is tried again (the retry policy of {@link
 * ServiceEndpoint}).
 */
@ApplicationScoped
public class SchedulerClient {
  private final Optional<ServiceEndpoint<Locations>> scheduler;

  public SchedulerClient(ExecutorConfig config, ApiTokens tokens) {
    this.scheduler =
        config
            .schedulerUrl()
            .map(
                url ->
                    ServiceEndpoint.connect(
                        Locations.class,
                        "scheduler",
                        url,
                        tokens.clientToken(),
                        config.schedulerTimeout()));
  }

  /** Whether the scheduler's URL is configured. */
  public boolean configured() {
    return scheduler.isPresent();
  }

  /**
   * Where datasets live: the newest versions, or those a run read and wrote ({@code run}), or those
   * of a catalog snapshot's newest succeeded run ({@code snapshot}); both null for the newest.
   */
  @Retry(
      maxRetries = ServiceEndpoint.RETRIES,
      delay = ServiceEndpoint.RETRY_DELAY_MILLIS,
      jitter = ServiceEndpoint.RETRY_JITTER_MILLIS,
      retryOn = UpstreamUnavailableException.class)
  public DatasetDirectory locations(String run, String snapshot) {
    return scheduler.orElseThrow().call(api -> api.locations(run, snapshot));
  }

  /** The scheduler's locations endpoint. */
  @Path("/api/v1/locations")
  @Produces(MediaType.APPLICATION_JSON)
  public interface Locations {
    @GET
    DatasetDirectory locations(
        @QueryParam("run") String run, @QueryParam("snapshot") String snapshot);
  }
}
