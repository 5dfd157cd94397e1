package io.relspec.scheduler.ui;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Security headers on every UI response: a Content-Security-Policy that allows only this origin's
 * scripts and styles (no inline script, no eval, no framing), no MIME sniffing, no referrer to
 * other sites, and no caching of pages that show catalog data.
 */
@Provider
public class UiHeaders implements ContainerResponseFilter {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none';"
          + " base-uri 'none'";

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    String path = request.getUriInfo().getPath();
    if (path == null || !(path.equals("/ui") || path.startsWith("/ui/"))) {
      return;
    }
    var headers = response.getHeaders();
    headers.putSingle("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.putSingle("X-Content-Type-Options", "nosniff");
    headers.putSingle("X-Frame-Options", "DENY");
    headers.putSingle("Referrer-Policy", "same-origin");
    headers.putSingle("Cache-Control", "no-store");
  }
}
