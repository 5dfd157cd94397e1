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

  /**
   * On shutdown, how long running tasks may take to finish before they are interrupted and handed
   * back to the scheduler (keep it below the pod's termination grace period).
   */
  @WithDefault("20s")
  Duration shutdownGrace();

  /**
   * Interval between TaskRunHeartbeat messages for a running task, and between this executor's
   * ExecutorHeartbeat messages (slots and running attempts, sent busy or idle).
   */
  @WithDefault("5s")
  Duration heartbeatInterval();

  @WithDefault("10s")
  Duration publishConfirmTimeout();

  /** How many versions of each dataset the store keeps (at least 1; 1 upserts in place). */
  @WithDefault("2")
  int retainVersions();

  /**
   * Bytes of input versions fetched from other executors that this executor keeps in its store for
   * later tasks of any run (a version never changes, so they are only dropped for room, least
   * recently used first); 0 turns the cache off. Default 4 GiB.
   */
  @WithDefault("4294967296")
  long inputCacheMaxBytes();

  /** The catalog service, asked for source dataset contracts when data is uploaded (DoPut). */
  Optional<java.net.URI> catalogUrl();

  /** Timeout of calls to the catalog. */
  @WithDefault("10s")
  Duration catalogTimeout();

  /**
   * The scheduler, asked where every dataset lives and which views the catalog has when a Flight
   * SQL query names them; without it, Flight SQL sees only the datasets held here.
   */
  Optional<java.net.URI> schedulerUrl();

  /** Timeout of calls to the scheduler. */
  @WithDefault("10s")
  Duration schedulerTimeout();

  /** Whether the SourceDataUpdated of an upload or delete-files asks the scheduler for a run. */
  @WithDefault("false")
  boolean triggerRunOnUpload();

  /** How often events committed with uploaded data are re-sent if the broker did not confirm. */
  @WithDefault("5s")
  Duration outboxPollInterval();

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

    /** Largest upload (DoPut) accepted, in bytes of Arrow record batch bodies. */
    @WithDefault("8589934592")
    long maxPutBytes();

    /** Largest number of file ids one delete-files action may name. */
    @WithDefault("1000000")
    int maxDeleteFileIds();

    Tls tls();

    Sql sql();
  }

  /** The read-only Flight SQL service on the Flight port (JDBC, ADBC, {@code relspec sql}). */
  interface Sql {
    /** Whether Flight SQL commands are answered (otherwise they get UNIMPLEMENTED). */
    @WithDefault("true")
    boolean enabled();

    /** A query still running after this long is stopped with DEADLINE_EXCEEDED. */
    @WithDefault("5m")
    Duration queryTimeout();

    /** Most rows one query may return; past it the query stops with RESOURCE_EXHAUSTED. */
    @WithDefault("100000000")
    long maxRows();

    /** Most bytes of Arrow buffers one query may return; past it RESOURCE_EXHAUSTED. */
    @WithDefault("8589934592")
    long maxBytes();

    /** Longest SQL text accepted, in characters. */
    @WithDefault("1048576")
    int maxSqlLength();

    /** Prepared statements kept open per executor; the least recently used is dropped first. */
    @WithDefault("1000")
    int maxPreparedStatements();
  }

  /** TLS for the Flight server and for fetching from other executors. */
  interface Tls {
    /** PEM certificate chain of this server; with {@link #privateKey()}, the server uses TLS. */
    Optional<Path> certificateChain();

    /** PEM (PKCS#8) private key of this server. */
    Optional<Path> privateKey();

    /** PEM certificates trusted when connecting to other executors over grpc+tls. */
    Optional<Path> trustedCertificates();
  }
}
