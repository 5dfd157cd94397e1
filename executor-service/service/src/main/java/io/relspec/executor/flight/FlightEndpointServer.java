package io.relspec.executor.flight;

import io.relspec.executor.ExecutorConfig;
import io.relspec.executor.flightsql.FlightRouter;
import io.relspec.executor.flightsql.FlightSqlCallOptions;
import io.relspec.executor.flightsql.FlightSqlService;
import io.relspec.executor.flightsql.QueryNames;
import io.relspec.executor.store.DatasetStore;
import io.relspec.platform.security.ApiTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.jboss.logging.Logger;

/**
 * The executor's Arrow Flight server, on its own port: bearer-token authenticated, TLS when a
 * certificate and key are configured, inbound messages bounded.
 */
public final class FlightEndpointServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FlightEndpointServer.class);

  private final FlightServer server;
  private final FlightSqlService sqlService;
  private final String advertisedUri;

  public FlightEndpointServer(
      ExecutorConfig config,
      DatasetStore store,
      BufferAllocator allocator,
      ApiTokens tokens,
      DatasetFlightProducer.ContractSource contracts,
      Runnable eventsCommitted,
      SqlService sql) {
    this(Options.of(config), store, allocator, tokens, contracts, eventsCommitted, sql);
  }

  /** A server without Flight SQL (its commands answer UNIMPLEMENTED). */
  public FlightEndpointServer(
      Options options,
      DatasetStore store,
      BufferAllocator allocator,
      ApiTokens tokens,
      DatasetFlightProducer.ContractSource contracts,
      Runnable eventsCommitted) {
    this(options, store, allocator, tokens, contracts, eventsCommitted, null);
  }

  /**
   * What the Flight SQL service needs: where names resolve, how to fetch from other executors, and
   * its limits.
   */
  public record SqlService(
      QueryNames names, FlightFetcher fetcher, FlightSqlService.Limits limits) {}

  /**
   * @param sql the Flight SQL service's parts, or null to answer its commands UNIMPLEMENTED
   */
  public FlightEndpointServer(
      Options options,
      DatasetStore store,
      BufferAllocator allocator,
      ApiTokens tokens,
      DatasetFlightProducer.ContractSource contracts,
      Runnable eventsCommitted,
      SqlService sql) {
    boolean secure = options.certificateChain().isPresent() && options.privateKey().isPresent();
    if (options.certificateChain().isPresent() != options.privateKey().isPresent()) {
      throw new IllegalArgumentException(
          "Flight TLS needs both relspec.executor.flight.tls.certificate-chain and"
              + " relspec.executor.flight.tls.private-key");
    }
    Location bind =
        secure
            ? Location.forGrpcTls(options.host(), options.port())
            : Location.forGrpcInsecure(options.host(), options.port());
    // The producer needs the advertised location, known only after binding when port is 0.
    Location[] advertised = new Location[1];
    BearerTokenFlightAuthenticator authenticator = new BearerTokenFlightAuthenticator(tokens);
    DatasetFlightProducer producer =
        new DatasetFlightProducer(
            store,
            allocator,
            () -> advertised[0],
            new DatasetFlightProducer.FlightSettings(
                options.executorId(),
                options.batchRows(),
                options.maxPutBytes(),
                options.maxDeleteFileIds(),
                options.triggerRunOnUpload(),
                contracts,
                eventsCommitted),
            authenticator);
    this.sqlService =
        sql == null
            ? null
            : new FlightSqlService(
                sql.names(),
                store,
                sql.fetcher(),
                allocator,
                authenticator,
                sql.limits(),
                version());
    try {
      FlightServer.Builder builder =
          FlightServer.builder(allocator, bind, new FlightRouter(producer, sqlService))
              .headerAuthenticator(authenticator)
              .middleware(FlightSqlCallOptions.KEY, new FlightSqlCallOptions.Factory())
              .maxInboundMessageSize(options.maxMessageSize());
      if (secure) {
        builder.useTls(
            options.certificateChain().get().toFile(), options.privateKey().get().toFile());
      }
      this.server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Flight server on " + bind.getUri(), e);
    }
    this.advertisedUri =
        options
            .advertisedUri()
            .orElse((secure ? "grpc+tls" : "grpc") + "://localhost:" + server.getPort());
    advertised[0] = new Location(URI.create(advertisedUri));
    LOG.infof(
        "Flight server listening on port %d%s, advertised as %s",
        server.getPort(), secure ? " (TLS)" : "", advertisedUri);
  }

  /** What the server needs from the executor configuration. */
  public record Options(
      String executorId,
      String host,
      int port,
      Optional<String> advertisedUri,
      int maxMessageSize,
      int batchRows,
      long maxPutBytes,
      int maxDeleteFileIds,
      boolean triggerRunOnUpload,
      Optional<Path> certificateChain,
      Optional<Path> privateKey) {
    public static Options of(ExecutorConfig config) {
      ExecutorConfig.Flight flight = config.flight();
      return new Options(
          config.id(),
          flight.host(),
          flight.port(),
          flight.advertisedUri(),
          flight.maxMessageSize(),
          flight.batchRows(),
          flight.maxPutBytes(),
          flight.maxDeleteFileIds(),
          config.triggerRunOnUpload(),
          flight.tls().certificateChain(),
          flight.tls().privateKey());
    }

    /** A plaintext server on a free loopback port with the default limits (tests, benchmarks). */
    public static Options loopback(String executorId) {
      return new Options(
          executorId,
          "127.0.0.1",
          0,
          Optional.empty(),
          64 * 1024 * 1024,
          65_536,
          Long.MAX_VALUE,
          1_000_000,
          false,
          Optional.empty(),
          Optional.empty());
    }
  }

  public String advertisedUri() {
    return advertisedUri;
  }

  public int port() {
    return server.getPort();
  }

  private static String version() {
    String version = FlightEndpointServer.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public void close() throws Exception {
    AutoCloseables.close(server, sqlService);
  }
}
