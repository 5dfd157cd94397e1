package io.relspec.platform.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Web UI sessions without server-side state: signing in with an API token sets a cookie naming the
 * token's principal and an expiry, signed with a key derived from the configured tokens ({@link
 * ApiTokens#sessionKey()}). The token itself never leaves the sign-in request. Every replica that
 * shares the token configuration accepts the cookie; changing a token ends all sessions. A CSRF
 * token is the same key's signature of the session cookie, so forms need no stored state either.
 */
@ApplicationScoped
public class UiSessions {
  /** The session cookie's name. */
  public static final String COOKIE = "relspec_session";

  /** How long a session lasts after sign-in. */
  public static final Duration TTL = Duration.ofHours(12);

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final int MAX_COOKIE_LENGTH = 512;

  private final ApiTokens tokens;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  @Inject
  public UiSessions(ApiTokens tokens) {
    this(tokens, Clock.systemUTC());
  }

  UiSessions(ApiTokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /** Signs in with an API token: the session cookie's value, or empty when the token is wrong. */
  public Optional<String> open(String token) {
    return tokens.authenticate(token).map(principal -> sign(principal.name()));
  }

  /** The principal a session cookie stands for, while it is unexpired and its token configured. */
  public Optional<ApiTokens.Principal> verify(String cookie) {
    if (cookie == null || cookie.isEmpty() || cookie.length() > MAX_COOKIE_LENGTH) {
      return Optional.empty();
    }
    String[] parts = cookie.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    String payload = parts[0] + "." + parts[1] + "." + parts[2];
    byte[] presented;
    try {
      presented = DECODER.decode(parts[3]);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(presented, mac(payload))) {
      return Optional.empty();
    }
    long expires;
    String name;
    try {
      expires = Long.parseLong(parts[1]);
      name = new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (Instant.ofEpochSecond(expires).isBefore(clock.instant())) {
      return Optional.empty();
    }
    return tokens.principal(name);
  }

  /** The CSRF token that forms and htmx requests of this session must send back. */
  public String csrfToken(String cookie) {
    return ENCODER.encodeToString(mac("csrf." + cookie));
  }

  /** Whether {@code presented} is this session's CSRF token (constant-time). */
  public boolean csrfMatches(String cookie, String presented) {
    return cookie != null
        && presented != null
        && MessageDigest.isEqual(
            csrfToken(cookie).getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII));
  }

  private String sign(String principal) {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    String payload =
        ENCODER.encodeToString(principal.getBytes(StandardCharsets.UTF_8))
            + "."
            + clock.instant().plus(TTL).getEpochSecond()
            + "."
            + ENCODER.encodeToString(nonce);
    return payload + "." + ENCODER.encodeToString(mac(payload));
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(tokens.sessionKey(), "HmacSHA256"));
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
