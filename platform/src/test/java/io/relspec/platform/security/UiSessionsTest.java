package io.relspec.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UiSessionsTest {
  private static final String ADMIN = "admin-secret-0123456789";
  private static final String READER = "reader-secret-0123456789";
  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  private static ApiTokens tokens(String adminSecret) {
    return ApiTokens.of(
        Map.of(
            "admin", new ApiTokens.StaticToken(adminSecret, Set.of(Roles.ADMIN)),
            "viewer", new ApiTokens.StaticToken(READER, Set.of(Roles.READER))),
        Optional.empty());
  }

  private static UiSessions sessions(ApiTokens tokens, Instant now) {
    return new UiSessions(tokens, Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aValidTokenOpensASessionForItsPrincipalAndRolesAndAWrongOneNone() {
    UiSessions sessions = sessions(tokens(ADMIN), NOW);
    String cookie = sessions.open(READER).orElseThrow();
    assertThat(cookie).doesNotContain(READER);
    ApiTokens.Principal principal = sessions.verify(cookie).orElseThrow();
    assertThat(principal.name()).isEqualTo("viewer");
    assertThat(principal.roles()).containsExactly(Roles.READER);
    assertThat(sessions.open("not-a-token-of-this-service")).isEmpty();
    assertThat(sessions.open("")).isEmpty();
  }

  @Test
  void aTamperedExpiredOrRevokedSessionIsNoSession() {
    ApiTokens tokens = tokens(ADMIN);
    String cookie = sessions(tokens, NOW).open(READER).orElseThrow();
    UiSessions later = sessions(tokens, NOW.plus(UiSessions.TTL).minusSeconds(1));
    assertThat(later.verify(cookie)).isPresent();
    assertThat(
            sessions(tokens, NOW.plus(UiSessions.TTL).plus(Duration.ofSeconds(1))).verify(cookie))
        .isEmpty();
    // Claiming to be admin with the viewer's signature.
    String[] parts = cookie.split("\\.");
    String forged =
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("admin".getBytes())
            + "."
            + parts[1]
            + "."
            + parts[2]
            + "."
            + parts[3];
    assertThat(later.verify(forged)).isEmpty();
    assertThat(later.verify(cookie + "x")).isEmpty();
    assertThat(later.verify("a.b.c")).isEmpty();
    assertThat(later.verify("x".repeat(10_000))).isEmpty();
    assertThat(later.verify(null)).isEmpty();
    // Another replica with the same tokens accepts it; a changed token configuration does not.
    assertThat(sessions(tokens(ADMIN), NOW).verify(cookie)).isPresent();
    assertThat(sessions(tokens("a-rotated-admin-secret-99"), NOW).verify(cookie)).isEmpty();
  }

  @Test
  void theCsrfTokenBelongsToOneSession() {
    UiSessions sessions = sessions(tokens(ADMIN), NOW);
    String one = sessions.open(ADMIN).orElseThrow();
    String two = sessions.open(ADMIN).orElseThrow();
    assertThat(one).isNotEqualTo(two);
    assertThat(sessions.csrfMatches(one, sessions.csrfToken(one))).isTrue();
    assertThat(sessions.csrfMatches(one, sessions.csrfToken(two))).isFalse();
    assertThat(sessions.csrfMatches(one, null)).isFalse();
    assertThat(sessions.csrfMatches(null, sessions.csrfToken(one))).isFalse();
  }
}
