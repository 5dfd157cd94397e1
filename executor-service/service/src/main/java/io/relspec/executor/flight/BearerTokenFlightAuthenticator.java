package io.relspec.executor.flight;

import io.relspec.platform.security.ApiTokens;
import io.relspec.platform.security.Roles;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/**
 * Every Flight call carries {@code authorization: Bearer <token>}, checked like the REST APIs. The
 * caller's roles are remembered by principal name so calls that write (DoPut, delete-files) can
 * require the writer role.
 */
public final class BearerTokenFlightAuthenticator implements CallHeaderAuthenticator {
  private final ApiTokens tokens;
  private final Map<String, Set<String>> rolesByPrincipal = new ConcurrentHashMap<>();

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
    rolesByPrincipal.put(principal.name(), principal.roles());
    return principal::name;
  }

  /** Refuses a read by a caller whose token lacks the reader role. */
  public void requireReader(String peerIdentity, String what) {
    if (!rolesByPrincipal.getOrDefault(peerIdentity, Set.of()).contains(Roles.READER)) {
      throw CallStatus.UNAUTHORIZED
          .withDescription(what + " needs a token with the reader role")
          .toRuntimeException();
    }
  }

  /** Refuses a write by a caller whose token lacks the writer role. */
  void requireWriter(String peerIdentity, String what) {
    if (!rolesByPrincipal.getOrDefault(peerIdentity, Set.of()).contains(Roles.WRITER)) {
      throw CallStatus.UNAUTHORIZED
          .withDescription(what + " needs a token with the writer role")
          .toRuntimeException();
    }
  }
}
