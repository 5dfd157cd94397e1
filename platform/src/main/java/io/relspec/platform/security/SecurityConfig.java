package io.relspec.platform.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Bearer-token authentication of the REST and Flight APIs. */
@ConfigMapping(prefix = "relspec.security")
public interface SecurityConfig {
  /** Static API tokens by name, e.g. {@code relspec.security.tokens.ci.secret=...}. */
  Map<String, Token> tokens();

  /**
   * A file holding one generated admin token. Read when present; created (mode 600) on first start
   * when {@link #generateTokenFile()} is true. Standalone mode uses {@code <data-dir>/api-token}.
   */
  Optional<Path> tokenFile();

  /** Create {@link #tokenFile()} with a fresh random token when it does not exist. */
  @WithDefault("false")
  boolean generateTokenFile();

  /**
   * Token this service sends when it calls another service's API (compiler → catalog, scheduler →
   * compiler). Defaults to the token file's token.
   */
  Optional<String> clientToken();

  interface Token {
    /** The bearer secret; at least 16 characters. Prefer an environment variable or a Secret. */
    String secret();

    /** Roles: reader, writer, operator, admin. */
    @WithDefault("reader")
    Set<String> roles();
  }
}
