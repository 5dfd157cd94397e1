package io.relspec.platform.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.RelspecException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Calls another Relspec service's REST API with this service's token: how large state (a snapshot,
 * a plan catalog) moves between services by id. A problem-details answer is surfaced as its code
 * and detail.
 */
public final class ServiceClient {
  private final String serviceName;
  private final URI baseUri;
  private final Optional<String> token;
  private final HttpClient http;
  private final Duration timeout;

  public ServiceClient(String serviceName, URI baseUri, Optional<String> token, Duration timeout) {
    this.serviceName = serviceName;
    this.baseUri = baseUri;
    this.token = token;
    this.timeout = timeout;
    // HTTP/1.1: on cleartext the JDK client otherwise offers an h2c upgrade, and a large response
    // racing the upgrade was read as HTTP/2 frames ("Frame type(58) … exceeds MAX_FRAME_SIZE").
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  public <T> T get(String path, Class<T> type) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(baseUri.resolve(path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET();
    token.ifPresent(secret -> request.header("Authorization", "Bearer " + secret));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RelspecException(
          PlatformErrorCode.UPSTREAM_UNAVAILABLE,
          serviceName + " at " + baseUri + " is unreachable: " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RelspecException(
          PlatformErrorCode.UPSTREAM_UNAVAILABLE, "interrupted calling " + serviceName, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new RelspecException(
          response.statusCode() == 404
              ? PlatformErrorCode.NOT_FOUND
              : PlatformErrorCode.UPSTREAM_UNAVAILABLE,
          serviceName
              + " answered "
              + response.statusCode()
              + " for "
              + path
              + ": "
              + problemDetail(response.body()));
    }
    try {
      return RelspecJson.mapper().readValue(response.body(), type);
    } catch (IOException e) {
      throw new RelspecException(
          PlatformErrorCode.INTERNAL_ERROR,
          serviceName + " sent an unreadable " + type.getSimpleName(),
          e);
    }
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
