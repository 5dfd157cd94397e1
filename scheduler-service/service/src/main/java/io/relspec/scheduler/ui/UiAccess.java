package io.relspec.scheduler.ui;

import io.relspec.platform.security.ApiTokens;
import io.relspec.platform.security.Roles;
import io.relspec.platform.security.UiSessions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who is looking at a UI page: the principal of a valid session cookie, with the API roles of the
 * token used to sign in. Pages need {@code reader}; buttons that change things need {@code
 * operator} and the session's CSRF token.
 */
@ApplicationScoped
public class UiAccess {
  private final UiSessions sessions;
  private final UiConfig config;

  public UiAccess(UiSessions sessions, UiConfig config) {
    this.sessions = sessions;
    this.config = config;
  }

  /** A signed-in viewer and what the page needs to know about them. */
  public record Viewer(String name, String roles, boolean operator, String csrf, String session) {}

  /** Thrown when a page needs a session and has none: the UI answers with the sign-in page. */
  public static final class SignInRequired extends RuntimeException {
    SignInRequired() {
      super("sign in first", null, false, false);
    }
  }

  /** Thrown for a refused action: a missing role or a missing or wrong CSRF token. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown for every UI path while the UI is disabled. */
  public static final class Disabled extends RuntimeException {
    Disabled() {
      super("the web UI is disabled (relspec.ui.enabled=false)", null, false, false);
    }
  }

  public Viewer viewer(String session) {
    if (!config.enabled()) {
      throw new Disabled();
    }
    Optional<ApiTokens.Principal> principal = sessions.verify(session);
    if (principal.isEmpty() || !principal.get().roles().contains(Roles.READER)) {
      throw new SignInRequired();
    }
    return new Viewer(
        principal.get().name(),
        String.join(", ", new TreeSet<>(principal.get().roles())),
        principal.get().roles().contains(Roles.OPERATOR),
        sessions.csrfToken(session),
        session);
  }

  /** The viewer, when they sent this session's CSRF token (a form or an htmx request). */
  public Viewer withCsrf(String session, String csrf) {
    Viewer viewer = viewer(session);
    if (!sessions.csrfMatches(session, csrf)) {
      throw new Refused(
          "the form is stale or came from another site (CSRF token mismatch): reload");
    }
    return viewer;
  }

  /** The viewer, when they may start or cancel runs and sent this session's CSRF token. */
  public Viewer operator(String session, String csrf) {
    Viewer viewer = withCsrf(session, csrf);
    if (!viewer.operator()) {
      throw new Refused("starting and cancelling runs needs the operator role");
    }
    return viewer;
  }
}
