package io.relspec.platform.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure on a REST endpoint into an RFC 9457 body with a stable code. */
public class ProblemDetailsMappers {
  private static final Logger LOG = Logger.getLogger(ProblemDetailsMappers.class);

  @ServerExceptionMapper
  public Response relspec(RelspecException e, UriInfo uri) {
    if (e.errorCode().category() == ErrorCategory.INTERNAL) {
      LOG.errorf(e, "%s on %s", e.errorCode().code(), uri.getPath());
    }
    return problem(e.errorCode(), e.getMessage(), uri, e.violations());
  }

  @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
  public Response unauthenticated(RuntimeException e, UriInfo uri) {
    return Response.fromResponse(
            problem(
                PlatformErrorCode.UNAUTHENTICATED,
                "send 'Authorization: Bearer <token>' with a valid API token",
                uri,
                List.of()))
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"relspec\"")
        .build();
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, UriInfo uri) {
    return problem(
        PlatformErrorCode.FORBIDDEN,
        "the API token lacks the role this operation needs",
        uri,
        List.of());
  }

  @ServerExceptionMapper
  public Response valueInstantiation(ValueInstantiationException e, UriInfo uri) {
    // A record's compact constructor refused a value: the client's mistake, explained by the cause.
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return problem(
        PlatformErrorCode.INVALID_REQUEST,
        cause.getMessage(),
        uri,
        List.of(new ProblemDetails.Violation(path(e), cause.getMessage())));
  }

  @ServerExceptionMapper
  public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
    String known =
        e.getKnownPropertyIds() == null
            ? ""
            : "; known fields: "
                + e.getKnownPropertyIds().stream()
                    .map(String::valueOf)
                    .sorted()
                    .collect(Collectors.joining(", "));
    return problem(
        PlatformErrorCode.MALFORMED_REQUEST,
        "unknown field '" + e.getPropertyName() + "'" + known,
        uri,
        List.of(new ProblemDetails.Violation(path(e), "unknown field")));
  }

  @ServerExceptionMapper
  public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
    return jsonMapping(e, uri);
  }

  @ServerExceptionMapper
  public Response jsonMapping(JsonMappingException e, UriInfo uri) {
    return problem(
        PlatformErrorCode.MALFORMED_REQUEST,
        "request body does not match the expected JSON: " + e.getOriginalMessage(),
        uri,
        List.of(new ProblemDetails.Violation(path(e), e.getOriginalMessage())));
  }

  @ServerExceptionMapper
  public Response json(JsonProcessingException e, UriInfo uri) {
    return problem(
        PlatformErrorCode.MALFORMED_REQUEST,
        "request body is not valid JSON: " + e.getOriginalMessage(),
        uri,
        List.of());
  }

  /**
   * A request record that breaks its Bean Validation constraints: each violation names the field
   * (within the body) and says what is wrong.
   */
  @ServerExceptionMapper
  public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
    List<ProblemDetails.Violation> violations =
        e.getConstraintViolations().stream()
            .map(
                violation -> new ProblemDetails.Violation(field(violation), violation.getMessage()))
            .sorted(Comparator.comparing(ProblemDetails.Violation::field))
            .toList();
    String detail =
        violations.stream()
            .map(v -> v.field().equals("body") ? v.message() : v.field() + ": " + v.message())
            .collect(Collectors.joining("; "));
    return problem(PlatformErrorCode.INVALID_REQUEST, detail, uri, violations);
  }

  /**
   * The field a violation is about, as a client wrote it: the resource method and its parameter are
   * left out, so a missing body ({@code put.body}) is "body", {@code compile.request.sql} is "sql"
   * and {@code start.body.changedFiles[orders].<map value>[1].<list element>} is
   * "changedFiles[orders][1]".
   */
  private static String field(ConstraintViolation<?> violation) {
    List<String> names = new ArrayList<>();
    boolean parameterSeen = false;
    for (Path.Node node : violation.getPropertyPath()) {
      if (node.getKind() == ElementKind.METHOD) {
        continue;
      }
      if (node.getKind() == ElementKind.PARAMETER && !parameterSeen) {
        parameterSeen = true;
        continue;
      }
      // A key or index says where in the previous node's container this node sits.
      String at =
          node.getKey() != null
              ? "[" + node.getKey() + "]"
              : node.getIndex() != null ? "[" + node.getIndex() + "]" : "";
      if (!at.isEmpty()) {
        if (names.isEmpty()) {
          names.add(at);
        } else {
          names.set(names.size() - 1, names.get(names.size() - 1) + at);
        }
      }
      String name = node.getName();
      if (name != null && !name.isEmpty() && !name.startsWith("<")) {
        names.add(name);
      }
    }
    return names.isEmpty() ? "body" : String.join(".", names);
  }

  @ServerExceptionMapper
  public Response illegalArgument(IllegalArgumentException e, UriInfo uri) {
    return problem(PlatformErrorCode.INVALID_REQUEST, e.getMessage(), uri, List.of());
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse().getStatus();
    if (status == 401) {
      return unauthenticated(e, uri);
    }
    Throwable cause = e.getCause();
    if (cause instanceof JsonMappingException mapping) {
      return cause instanceof ValueInstantiationException instantiation
          ? valueInstantiation(instantiation, uri)
          : jsonMapping(mapping, uri);
    }
    PlatformErrorCode code = PlatformErrorCode.forStatus(status);
    if (code.category() == ErrorCategory.INTERNAL) {
      LOG.errorf(e, "HTTP %d on %s", status, uri.getPath());
    }
    return problem(code, e.getMessage(), uri, List.of());
  }

  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
  public Response unexpected(Throwable e, UriInfo uri) {
    LOG.errorf(e, "unexpected error on %s", uri.getPath());
    return problem(
        PlatformErrorCode.INTERNAL_ERROR,
        "an internal error occurred; the server log has the details",
        uri,
        List.of());
  }

  public static Response problem(
      ErrorCode code, String detail, UriInfo uri, List<ProblemDetails.Violation> violations) {
    return Response.status(code.httpStatus())
        .type(ProblemDetails.MEDIA_TYPE)
        .entity(ProblemDetails.of(code, detail, uri == null ? null : uri.getPath(), violations))
        .build();
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
