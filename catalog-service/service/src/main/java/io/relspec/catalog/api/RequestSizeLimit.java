package io.relspec.catalog.api;

import io.relspec.catalog.CatalogConfig;
import io.relspec.catalog.CatalogErrorCode;
import io.relspec.platform.error.ProblemDetails;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses catalog request bodies over the configured size with a 413 problem before they are read.
 * Bodies without a Content-Length are bounded by the HTTP server's own limit.
 */
public class RequestSizeLimit {
  private static final List<String> CATALOG_PATHS =
      List.of(
          "/api/v1/datasets",
          "/api/v1/tasks",
          "/api/v1/functions",
          "/api/v1/templates",
          "/api/v1/bundles");

  private final CatalogConfig config;

  public RequestSizeLimit(CatalogConfig config) {
    this.config = config;
  }

  @ServerRequestFilter
  public Optional<Response> limit(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (CATALOG_PATHS.stream().noneMatch(path::startsWith)) {
      return Optional.empty();
    }
    String header = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return Optional.empty();
    }
    long length;
    try {
      length = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    long limit =
        path.startsWith("/api/v1/bundles/archive")
            ? config.archive().maxSize().asLongValue()
            : config.maxRequestSize().asLongValue();
    if (length <= limit) {
      return Optional.empty();
    }
    ProblemDetails problem =
        ProblemDetails.of(
            CatalogErrorCode.REQUEST_TOO_LARGE,
            "the request body is " + length + " bytes; the limit here is " + limit + " bytes",
            path,
            List.of());
    return Optional.of(
        Response.status(413).type(ProblemDetails.MEDIA_TYPE).entity(problem).build());
  }
}
