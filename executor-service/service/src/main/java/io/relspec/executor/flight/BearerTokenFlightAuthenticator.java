package io.relspec.executor.flight;

import io.relspec.platform.security.ApiTokens;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/** Every Flight call carries {@code authorization: Bearer <token>}, checked like the REST APIs. */
final class BearerTokenFlightAuthenticator implements CallHeaderAuthenticator {
  private final ApiTokens tokens;

  BearerTokenFlightAuthenticator(ApiTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public AuthResult authenticate(CallHeaders headers) {
    String header = headers.get("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription("send the header 'authorization: Bearer <API token>'")
          .toRuntimeException();
    }
    ApiTokens.Principal principal =
        tokens
            .authenticate(header.substring(7).strip())
            .orElseThrow(
                () ->
                    CallStatus.UNAUTHENTICATED
                        .withDescription("invalid API token")
                        .toRuntimeException());
    return principal::name;
  }
}
