package io.relspec.executor.flight;

import io.relspec.executor.ExecutorConfig;
import io.relspec.platform.security.ApiTokens;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Configuration of a Flight server built outside Quarkus, as the application would map it. */
final class TestConfigs {
  static final String ADMIN = "test-admin-token-0123456789";
  static final String READER = "test-reader-token-0123456789";

  private TestConfigs() {}

  static ApiTokens tokens() {
    return ApiTokens.of(
        Map.of(
            "admin", new ApiTokens.StaticToken(ADMIN, Set.of("admin")),
            "reader", new ApiTokens.StaticToken(READER, Set.of("reader"))),
        Optional.of(ADMIN));
  }

  /** An executor with the given id and limits; TLS when both paths are given. */
  static ExecutorConfig executor(
      String id, Path dataDir, long maxPutBytes, Path certificateChain, Path privateKey) {
    return new ExecutorConfig() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public Path dataDir() {
        return dataDir;
      }

      @Override
      public String memoryLimit() {
        return "256MB";
      }

      @Override
      public int threads() {
        return 1;
      }

      @Override
      public int slots() {
        return 1;
      }

      @Override
      public Duration shutdownGrace() {
        return Duration.ofSeconds(20);
      }

      @Override
      public Duration heartbeatInterval() {
        return Duration.ofSeconds(5);
      }

      @Override
      public Duration publishConfirmTimeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public int retainVersions() {
        return 2;
      }

      @Override
      public long inputCacheMaxBytes() {
        return 1L << 30;
      }

      @Override
      public Optional<URI> catalogUrl() {
        return Optional.empty();
      }

      @Override
      public Duration catalogTimeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public Optional<URI> schedulerUrl() {
        return Optional.empty();
      }

      @Override
      public Duration schedulerTimeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public boolean triggerRunOnUpload() {
        return false;
      }

      @Override
      public Duration outboxPollInterval() {
        return Duration.ofSeconds(5);
      }

      @Override
      public Flight flight() {
        return new Flight() {
          @Override
          public String host() {
            return "127.0.0.1";
          }

          @Override
          public int port() {
            return 0;
          }

          @Override
          public Optional<String> advertisedUri() {
            return Optional.empty();
          }

          @Override
          public int maxMessageSize() {
            return 4 * 1024 * 1024;
          }

          @Override
          public int batchRows() {
            return 1000;
          }

          @Override
          public long maxPutBytes() {
            return maxPutBytes;
          }

          @Override
          public int maxDeleteFileIds() {
            return 100;
          }

          @Override
          public Sql sql() {
            return new Sql() {
              @Override
              public boolean enabled() {
                return true;
              }

              @Override
              public Duration queryTimeout() {
                return Duration.ofSeconds(30);
              }

              @Override
              public long maxRows() {
                return 1_000_000;
              }

              @Override
              public long maxBytes() {
                return 64L * 1024 * 1024;
              }

              @Override
              public int maxSqlLength() {
                return 10_000;
              }

              @Override
              public int maxPreparedStatements() {
                return 10;
              }
            };
          }

          @Override
          public Tls tls() {
            return new Tls() {
              @Override
              public Optional<Path> certificateChain() {
                return Optional.ofNullable(certificateChain);
              }

              @Override
              public Optional<Path> privateKey() {
                return Optional.ofNullable(privateKey);
              }

              @Override
              public Optional<Path> trustedCertificates() {
                return Optional.ofNullable(certificateChain);
              }
            };
          }
        };
      }
    };
  }
}
