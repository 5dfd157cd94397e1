package io.relspec.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The REST side of Relspec: every {@code /api/v1} call with the bearer token. A non-2xx answer
 * becomes a {@link ProblemException} carrying the server's problem details.
 */
public final class ApiClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final ServiceRoutes routes;
  private final String token;
  private final HttpClient http;

  public ApiClient(URI base, String token) {
    this(ServiceRoutes.single(base), token);
  }

  public ApiClient(ServiceRoutes routes, String token) {
    this.routes = routes;
    this.token = token;
    // HTTP/1.1: on cleartext the JDK client otherwise offers an h2c upgrade, and a large response
    // racing the upgrade was read as HTTP/2 frames ("Frame type(58) … exceeds MAX_FRAME_SIZE").
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  public JsonNode get(String path) {
    return Json.read(send("GET", path, HttpRequest.BodyPublishers.noBody(), null));
  }

  /** A GET whose answer is one of the API's records (the types in {@code contracts/api}). */
  public <T> T get(String path, Class<T> type) {
    return Json.read(send("GET", path, HttpRequest.BodyPublishers.noBody(), null), type);
  }

  /** A POST whose answer is one of the API's records. */
  public <T> T post(String path, Object body, Class<T> type) {
    return Json.read(
        send(
            "POST",
            path,
            HttpRequest.BodyPublishers.ofString(Json.write(body)),
            "application/json"),
        type);
  }

  public String getText(String path) {
    return send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
  }

  public JsonNode post(String path, Object body) {
    return Json.read(
        send(
            "POST",
            path,
            HttpRequest.BodyPublishers.ofString(Json.write(body)),
            "application/json"));
  }

  public JsonNode put(String path, Object body) {
    return Json.read(
        send(
            "PUT",
            path,
            HttpRequest.BodyPublishers.ofString(Json.write(body)),
            "application/json"));
  }

  public JsonNode postBytes(String path, byte[] body, String contentType) {
    return Json.read(send("POST", path, HttpRequest.BodyPublishers.ofByteArray(body), contentType));
  }

  public JsonNode delete(String path) {
    String text = send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null);
    return text.isBlank() ? Json.mapper().createObjectNode() : Json.read(text);
  }

  /** One path segment, escaped. */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String send(
      String method, String path, HttpRequest.BodyPublisher body, String contentType) {
    URI base = routes.baseFor(path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .header("Accept", "application/json, text/plain, */*")
            .method(method, body);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new ProblemException(
          0,
          "UNREACHABLE",
          "cannot reach Relspec at "
              + base
              + " (is it running? start it with bin/relspec-standalone, or pass --url)",
          List.of());
    } catch (IOException e) {
      throw new ProblemException(
          0, "UNREACHABLE", method + " " + base.resolve(path) + " failed: " + e, List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProblemException(0, "INTERRUPTED", "interrupted", List.of());
    }
    if (response.statusCode() == 401) {
      throw new ProblemException(
          401,
          "UNAUTHENTICATED",
          "the server refused the token (401); pass --token, set RELSPEC_TOKEN, or point"
              + " --data-dir at the standalone data directory holding api-token",
          List.of());
    }
    if (response.statusCode() / 100 != 2) {
      throw ProblemException.fromResponse(response.statusCode(), method, path, response.body());
    }
    return response.body();
  }
}
