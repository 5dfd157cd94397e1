package io.relspec.platform.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.RelspecException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Another Relspec service as one caller reads it (how large state, a snapshot or a plan catalog,
 * moves by id): a MicroProfile REST Client (built by Quarkus) for an interface the caller declares
 * with the endpoints it reads, sending this service's token, bounded by a timeout. The caller's
 * bean makes each call through {@link #call} and retries it with MicroProfile Fault Tolerance's
 * {@code @Retry} on {@link UpstreamUnavailableException}.
 *
 * @param <T> the interface of the endpoints read
 */
public final class ServiceEndpoint<T> {
  /**
   * How often a call that found the other service unavailable is tried again, how long apart
   * (milliseconds) and by how much that spacing varies: the one retry policy of calls between
   * services, for {@code @Retry(maxRetries = RETRIES, delay = RETRY_DELAY_MILLIS, jitter =
   * RETRY_JITTER_MILLIS, retryOn = UpstreamUnavailableException.class)}.
   */
  public static final int RETRIES = 2;

  public static final long RETRY_DELAY_MILLIS = 250;

  public static final long RETRY_JITTER_MILLIS = 100;

  private final String service;
  private final URI baseUri;
  private final T api;
  private final ClassLoader classes;

  private ServiceEndpoint(String service, URI baseUri, T api, ClassLoader classes) {
    this.service = service;
    this.baseUri = baseUri;
    this.api = api;
    this.classes = classes;
  }

  /**
   * A REST client of {@code api} at {@code baseUri}. A problem-details answer becomes a {@link
   * RelspecException} carrying its code and detail: {@code NOT_FOUND} for 404, {@link
   * UpstreamUnavailableException} for 408, 429 and 5xx, {@code UPSTREAM_UNAVAILABLE} otherwise.
   */
  public static <T> ServiceEndpoint<T> connect(
      Class<T> api, String service, URI baseUri, Optional<String> token, Duration timeout) {
    T client =
        QuarkusRestClientBuilder.newBuilder()
            .baseUri(baseUri)
            .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .register(new BearerToken(token))
            .register(new ProblemAnswers(service, baseUri))
            .build(api);
    return new ServiceEndpoint<>(service, baseUri, client, api.getClassLoader());
  }

  /**
   * One call: a service that cannot be reached (refused, reset, timed out) is an {@link
   * UpstreamUnavailableException} naming it.
   */
  public <R> R call(Function<? super T, R> call) {
    // The answer is read with the thread's context class loader. A thread this app did not start
    // (gRPC's shared executor, serving a Flight upload) may carry another one: in the standalone
    // tests, that of an app started earlier in the JVM, whose DatasetContract is another class.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(classes);
    try {
      return call.apply(api);
    } catch (ProcessingException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new UpstreamUnavailableException(this + " is unreachable: " + cause, e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Override
  public String toString() {
    return service + " at " + baseUri;
  }

  /** Sends this service's token, when it has one. */
  private record BearerToken(Optional<String> token) implements ClientRequestFilter {
    @Override
    public void filter(ClientRequestContext request) {
      token.ifPresent(
          secret -> request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + secret));
    }
  }

  /** Non-2xx answers as the exceptions {@link #connect} documents. */
  private record ProblemAnswers(String service, URI baseUri)
      implements ResponseExceptionMapper<RelspecException> {
    @Override
    public RelspecException toThrowable(Response response) {
      int status = response.getStatus();
      String detail =
          service
              + " at "
              + baseUri
              + " answered "
              + status
              + ": "
              + problemDetail(response.hasEntity() ? response.readEntity(String.class) : "");
      if (status == 404) {
        return new RelspecException(PlatformErrorCode.NOT_FOUND, detail);
      }
      if (status == 408 || status == 429 || status / 100 == 5) {
        return new UpstreamUnavailableException(detail, null);
      }
      return new RelspecException(PlatformErrorCode.UPSTREAM_UNAVAILABLE, detail);
    }

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
      return status / 100 != 2;
    }

    private static String problemDetail(String body) {
      try {
        JsonNode problem = RelspecJson.mapper().readTree(body);
        return problem.path("code").asText("?") + " " + problem.path("detail").asText("");
      } catch (IOException | RuntimeException e) {
        return body.length() > 200 ? body.substring(0, 200) : body;
      }
    }
  }
}
