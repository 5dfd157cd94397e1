package io.relspec.executor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Executor service settings. */
@ConfigMapping(prefix = "relspec.executor")
public interface ExecutorConfig {
  /** Stable id of this executor (a StatefulSet pod name in Kubernetes). */
  @WithDefault("executor-0")
  String id();

  /** Directory holding the DuckDB store file and DuckDB's spill directory. */
  Path dataDir();

  /** DuckDB memory limit; above it DuckDB spills to the data directory. */
  @WithDefault("2GB")
  String memoryLimit();

  /** DuckDB worker threads. */
  @WithDefault("2")
  int threads();

  /** How many tasks run at once (also the work-queue prefetch). */
  @WithDefault("2")
  int slots();

  /** Interval between TaskRunHeartbeat messages for a running task. */
  @WithDefault("5s")
  Duration heartbeatInterval();

  @WithDefault("10s")
  Duration publishConfirmTimeout();

  Flight flight();

  interface Flight {
    /** Interface the Flight server binds. */
    @WithDefault("0.0.0.0")
    String host();

    @WithDefault("8815")
    int port();

    /**
     * URI other executors and clients use to reach this server; defaults to grpc://localhost:port.
     */
    Optional<String> advertisedUri();

    /** Largest gRPC message accepted (bytes). */
    @WithDefault("67108864")
    int maxMessageSize();

    /** Rows per Arrow record batch on DoGet. */
    @WithDefault("65536")
    int batchRows();
  }
}
