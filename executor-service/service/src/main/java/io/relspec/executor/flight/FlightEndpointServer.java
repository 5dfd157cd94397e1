package io.relspec.executor.flight;

import io.relspec.executor.ExecutorConfig;
import io.relspec.executor.store.DatasetStore;
import io.relspec.platform.security.ApiTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.jboss.logging.Logger;

/** The executor's Arrow Flight server, on its own port, bearer-token authenticated. */
public final class FlightEndpointServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FlightEndpointServer.class);

  private final BufferAllocator allocator;
  private final FlightServer server;
  private final String advertisedUri;

  public FlightEndpointServer(ExecutorConfig config, DatasetStore store, ApiTokens tokens) {
    this.allocator = new RootAllocator();
    ExecutorConfig.Flight flight = config.flight();
    Location bind = Location.forGrpcInsecure(flight.host(), flight.port());
    try {
      // The producer needs the advertised location, known only after binding when port is 0.
      LocationHolder holder = new LocationHolder();
      this.server =
          FlightServer.builder(
                  allocator, bind, holder.producer(store, allocator, flight.batchRows()))
              .headerAuthenticator(new BearerTokenFlightAuthenticator(tokens))
              .maxInboundMessageSize(flight.maxMessageSize())
              .build()
              .start();
      this.advertisedUri = flight.advertisedUri().orElse("grpc://localhost:" + server.getPort());
      holder.location = new Location(java.net.URI.create(advertisedUri));
    } catch (IOException e) {
      allocator.close();
      throw new UncheckedIOException("cannot start the Flight server on " + bind.getUri(), e);
    }
    LOG.infof(
        "Flight server listening on port %d, advertised as %s", server.getPort(), advertisedUri);
  }

  public String advertisedUri() {
    return advertisedUri;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws Exception {
    AutoCloseables.close(server, allocator);
  }

  private static final class LocationHolder {
    volatile Location location;

    DatasetFlightProducer producer(DatasetStore store, BufferAllocator allocator, int batchRows) {
      return new DatasetFlightProducer(store, allocator, () -> location, batchRows);
    }
  }
}
