package io.relspec.platform.security;

import io.relspec.contracts.model.Fingerprint;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The accepted API tokens. Secrets are kept only as SHA-256 digests and compared in constant time.
 */
/**
 * Created at start-up so a generated token file exists (and is announced) before the first request.
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class ApiTokens {
  static final int MIN_SECRET_LENGTH = 16;
  private static final Logger LOG = Logger.getLogger(ApiTokens.class);

  /** A caller that presented a valid token. */
  public record Principal(String name, Set<String> roles) {}

  private final Map<String, Principal> principalsByDigest = new HashMap<>();
  private final Map<String, Principal> principalsByName = new TreeMap<>();
  private final Optional<String> clientToken;

  public ApiTokens(SecurityConfig config) {
    config.tokens().forEach((name, token) -> register(name, token.secret(), token.roles()));
    Optional<String> fileToken =
        config.tokenFile().map(path -> loadOrCreate(path, config.generateTokenFile()));
    fileToken.ifPresent(secret -> register("token-file", secret, Set.of(Roles.ADMIN)));
    this.clientToken = config.clientToken().or(() -> fileToken);
    if (principalsByDigest.isEmpty()) {
      LOG.warn(
          "no API tokens are configured: every /api request will be refused with 401. "
              + "Set relspec.security.tokens.<name>.secret or relspec.security.token-file.");
    }
  }

  /**
   * Tokens given directly (name → secret and roles), for components built outside Quarkus such as
   * benchmarks and service-level tests.
   */
  public static ApiTokens of(Map<String, StaticToken> tokens, Optional<String> clientToken) {
    return new ApiTokens(
        new SecurityConfig() {
          @Override
          public Map<String, Token> tokens() {
            Map<String, Token> result = new HashMap<>();
            tokens.forEach(
                (name, token) ->
                    result.put(
                        name,
                        new Token() {
                          @Override
                          public String secret() {
                            return token.secret();
                          }

                          @Override
                          public Set<String> roles() {
                            return token.roles();
                          }
                        }));
            return result;
          }

          @Override
          public Optional<Path> tokenFile() {
            return Optional.empty();
          }

          @Override
          public boolean generateTokenFile() {
            return false;
          }

          @Override
          public Optional<String> clientToken() {
            return clientToken;
          }
        });
  }

  /** A token given in code: its secret and declared roles. */
  public record StaticToken(String secret, Set<String> roles) {}

  public Optional<Principal> authenticate(String secret) {
    if (secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    byte[] presented = digest(secret);
    Principal match = null;
    for (Map.Entry<String, Principal> entry : principalsByDigest.entrySet()) {
      if (MessageDigest.isEqual(presented, entry.getKey().getBytes(StandardCharsets.ISO_8859_1))) {
        match = entry.getValue();
      }
    }
    return Optional.ofNullable(match);
  }

  /** The principal a token was registered under, while that token is still configured. */
  public Optional<Principal> principal(String name) {
    return Optional.ofNullable(principalsByName.get(name));
  }

  /**
   * A key derived from every configured token (name, digest, roles), for signing web sessions:
   * every replica configured with the same tokens derives the same key, and changing or removing a
   * token ends every session signed before.
   */
  public byte[] sessionKey() {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update("relspec-ui-session\n".getBytes(StandardCharsets.UTF_8));
      new TreeMap<>(principalsByDigest)
          .forEach(
              (digest, principal) ->
                  sha256.update(
                      (principal.name()
                              + "\t"
                              + digest
                              + "\t"
                              + new TreeSet<>(principal.roles())
                              + "\n")
                          .getBytes(StandardCharsets.UTF_8)));
      return sha256.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The token for calls to other Relspec services, when one is configured. */
  public Optional<String> clientToken() {
    return clientToken;
  }

  private void register(String name, String secret, Set<String> roles) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          "API token '" + name + "' is shorter than " + MIN_SECRET_LENGTH + " characters");
    }
    Principal principal = new Principal(name, Roles.expand(roles));
    principalsByDigest.put(new String(digest(secret), StandardCharsets.ISO_8859_1), principal);
    principalsByName.put(name, principal);
  }

  private static byte[] digest(String secret) {
    return Fingerprint.sha256(secret).value().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String loadOrCreate(Path path, boolean generate) {
    try {
      if (Files.exists(path)) {
        return Files.readString(path, StandardCharsets.UTF_8).strip();
      }
      if (!generate) {
        throw new IllegalStateException("API token file " + path + " does not exist");
      }
      Files.createDirectories(path.toAbsolutePath().getParent());
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = "rs_" + java.util.HexFormat.of().formatHex(random);
      // Created readable by its owner alone, never world-readable for a moment.
      try {
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        LOG.debugf("cannot restrict permissions of %s on this file system", path);
      }
      Files.writeString(path, token + "\n", StandardCharsets.UTF_8);
      LOG.infof(
          "%n  Generated an API token in %s%n  Use it with:  curl -H \"Authorization: Bearer $(cat %s)\" http://localhost:8080/api/v1/...%n",
          path.toAbsolutePath(), path.toAbsolutePath());
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create API token file " + path, e);
    }
  }
}
