package io.relspec.compiler.plans;

import io.relspec.compiler.CompilerConfig;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.platform.client.ServiceEndpoint;
import io.relspec.platform.client.UpstreamUnavailableException;
import io.relspec.platform.security.ApiTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * What the compiler reads from the catalog service: snapshots by id and the newest one's id. A call
 * the catalog cannot answer now (restarting, overloaded, unreachable) is tried again (the retry
 * policy of {@link ServiceEndpoint}); what still fails is the caller's to handle.
 */
@ApplicationScoped
public class CatalogClient {
  private final ServiceEndpoint<Snapshots> catalog;

  public CatalogClient(CompilerConfig config, ApiTokens tokens) {
    this.catalog =
        ServiceEndpoint.connect(
            Snapshots.class,
            "catalog-service",
            config.catalogUrl(),
            tokens.clientToken(),
            config.catalogTimeout());
  }

  /** A snapshot by id, or the newest one for {@code latest}. */
  @Retry(
      maxRetries = ServiceEndpoint.RETRIES,
      delay = ServiceEndpoint.RETRY_DELAY_MILLIS,
      jitter = ServiceEndpoint.RETRY_JITTER_MILLIS,
      retryOn = UpstreamUnavailableException.class)
  public CatalogSnapshot snapshot(String id) {
    return catalog.call(snapshots -> snapshots.snapshot(id));
  }

  /** The id of the catalog's newest snapshot; empty while it has none. */
  @Retry(
      maxRetries = ServiceEndpoint.RETRIES,
      delay = ServiceEndpoint.RETRY_DELAY_MILLIS,
      jitter = ServiceEndpoint.RETRY_JITTER_MILLIS,
      retryOn = UpstreamUnavailableException.class)
  public Optional<String> newestSnapshotId() {
    List<SnapshotEntry> history = catalog.call(snapshots -> snapshots.history(1));
    return history.isEmpty() ? Optional.empty() : Optional.of(history.get(0).id());
  }

  /** The catalog's snapshot endpoints this service reads. */
  @Path("/api/v1/snapshots")
  @Produces(MediaType.APPLICATION_JSON)
  public interface Snapshots {
    @GET
    @Path("{id}")
    CatalogSnapshot snapshot(@PathParam("id") String id);

    @GET
    List<SnapshotEntry> history(@QueryParam("limit") int limit);
  }

  /** One entry of the catalog's snapshot history. */
  public record SnapshotEntry(String id, String previousId, Instant createdAt) {}
}
