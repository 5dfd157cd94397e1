package io.relspec.cli;

import io.relspec.cli.api.ApiClient;
import io.relspec.cli.api.ServiceRoutes;
import io.relspec.cli.data.DataClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where Relspec is and how to authenticate, for every command. Each value comes from a flag, else
 * the environment, else the standalone defaults: REST on localhost:8080, Flight on the same host at
 * 8815, and the token that standalone writes to {@code <data dir>/api-token}.
 */
public final class ConnectionOptions {
  static final String DEFAULT_URL = "http://localhost:8080";
  static final int DEFAULT_FLIGHT_PORT = 8815;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "REST endpoint (env RELSPEC_URL; default " + DEFAULT_URL + ")")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "bearer token (env RELSPEC_TOKEN; default: <data dir>/api-token)")
  String token;

  @Option(
      names = "--flight",
      paramLabel = "URI",
      description =
          "an executor's Flight endpoint, grpc://host:port or grpc+tls://host:port"
              + " (env RELSPEC_FLIGHT_URL; default: the REST host, port 8815)")
  String flight;

  @Option(
      names = "--catalog-url",
      paramLabel = "URL",
      description = "catalog service, when services have separate URLs (env RELSPEC_CATALOG_URL)")
  String catalogUrl;

  @Option(
      names = "--compiler-url",
      paramLabel = "URL",
      description = "compiler service (env RELSPEC_COMPILER_URL)")
  String compilerUrl;

  @Option(
      names = "--scheduler-url",
      paramLabel = "URL",
      description = "scheduler service (env RELSPEC_SCHEDULER_URL)")
  String schedulerUrl;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "standalone data directory holding api-token (env RELSPEC_DATA_DIR; default ./relspec-data)")
  Path dataDir;

  private final Map<String, String> environment;

  public ConnectionOptions() {
    this(System.getenv());
  }

  ConnectionOptions(Map<String, String> environment) {
    this.environment = environment;
  }

  public URI restUri() {
    String value = first(url, environment.get("RELSPEC_URL"), DEFAULT_URL);
    return URI.create(value.endsWith("/") ? value : value + "/");
  }

  public URI flightUri() {
    String value = first(flight, environment.get("RELSPEC_FLIGHT_URL"), null);
    if (value != null) {
      return URI.create(value);
    }
    return URI.create("grpc://" + restUri().getHost() + ":" + DEFAULT_FLIGHT_PORT);
  }

  /** The token, or null when none is configured (the server will then answer 401). */
  public String token() {
    String value = first(token, environment.get("RELSPEC_TOKEN"), null);
    if (value != null) {
      return value.strip();
    }
    Path dir =
        dataDir != null
            ? dataDir
            : Path.of(first(null, environment.get("RELSPEC_DATA_DIR"), "relspec-data"));
    Path file = dir.resolve("api-token");
    if (Files.isReadable(file)) {
      try {
        return Files.readString(file).strip();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return null;
  }

  /** The base URL for each service's paths: one for all, or one per service when given. */
  public ServiceRoutes routes() {
    return new ServiceRoutes(
        restUri(),
        serviceUri(catalogUrl, "RELSPEC_CATALOG_URL"),
        serviceUri(compilerUrl, "RELSPEC_COMPILER_URL"),
        serviceUri(schedulerUrl, "RELSPEC_SCHEDULER_URL"));
  }

  public ApiClient api() {
    return new ApiClient(routes(), token());
  }

  private URI serviceUri(String flag, String variable) {
    String value = first(flag, environment.get(variable), null);
    return value == null ? null : URI.create(value.endsWith("/") ? value : value + "/");
  }

  public DataClient data() {
    return new DataClient(flightUri(), token());
  }

  /** A client of the executor at {@code flightUri} (one named by the scheduler, say). */
  public DataClient data(URI flightUri) {
    return new DataClient(flightUri, token());
  }

  private static String first(String flag, String env, String fallback) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    if (env != null && !env.isBlank()) {
      return env;
    }
    return fallback;
  }
}
