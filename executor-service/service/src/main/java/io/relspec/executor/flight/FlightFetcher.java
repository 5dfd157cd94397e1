package io.relspec.executor.flight;

import io.relspec.contracts.model.DatasetName;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Fetches dataset versions held by other executors with Flight {@code DoGet}, one client per
 * endpoint, authenticated with this service's token. A client whose call fails is dropped, so the
 * next fetch connects afresh: an executor that restarted is reached at once, not after gRPC's
 * reconnect backoff of the old channel (45–75 s were seen).
 */
public final class FlightFetcher implements AutoCloseable {
  private final BufferAllocator allocator;
  private final Optional<String> token;
  private final Optional<Path> trustedCertificates;
  private final int maxMessageSize;
  private final Map<String, FlightClient> clients = new ConcurrentHashMap<>();

  public FlightFetcher(
      BufferAllocator allocator,
      Optional<String> token,
      Optional<Path> trustedCertificates,
      int maxMessageSize) {
    this.allocator = allocator;
    this.token = token;
    this.trustedCertificates = trustedCertificates;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Opens the Arrow stream of one version at {@code flightUri}; the reader is consumed by DuckDB.
   *
   * @throws FetchException when the endpoint cannot be reached or refuses the call
   */
  public ArrowReader fetch(String flightUri, DatasetName dataset, Long version)
      throws FetchException {
    FlightClient client = clients.computeIfAbsent(flightUri, this::connect);
    try {
      FlightStream stream =
          token.isPresent()
              ? client.getStream(
                  new DatasetTicket(dataset.value(), version, null).toTicket(),
                  new CredentialCallOption(new BearerCredentialWriter(token.get())))
              : client.getStream(new DatasetTicket(dataset.value(), version, null).toTicket());
      // Reading the schema surfaces NOT_FOUND or UNAVAILABLE now rather than inside DuckDB.
      stream.getSchema();
      return new FlightStreamReader(
          allocator, stream, Long.MAX_VALUE, "'" + dataset + "' from " + flightUri, dataset);
    } catch (FlightRuntimeException e) {
      throw failure(flightUri, dataset, version, e);
    }
  }

  /** A failed call; when the endpoint itself failed, the next call connects afresh. */
  private FetchException failure(
      String flightUri, DatasetName dataset, Long version, FlightRuntimeException e) {
    FlightStatusCode code = e.status().code();
    boolean endpointDown =
        code == FlightStatusCode.UNAVAILABLE
            || code == FlightStatusCode.TIMED_OUT
            || code == FlightStatusCode.UNKNOWN;
    FlightClient stale = endpointDown ? clients.remove(flightUri) : null;
    if (stale != null) {
      try {
        stale.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
    }
    return new FetchException(
        "cannot fetch '"
            + dataset
            + "'"
            + (version == null ? "" : " version " + version)
            + " from "
            + flightUri
            + ": "
            + e.status().code()
            + " "
            + e.getMessage(),
        e);
  }

  /**
   * The Arrow schema of one version at {@code flightUri}, without its data ({@code GetFlightInfo}).
   *
   * @throws FetchException when the endpoint cannot be reached or refuses the call
   */
  public Schema schema(String flightUri, DatasetName dataset, Long version) throws FetchException {
    FlightClient client = clients.computeIfAbsent(flightUri, this::connect);
    FlightDescriptor path =
        version == null
            ? FlightDescriptor.path(dataset.value())
            : FlightDescriptor.path(dataset.value(), Long.toString(version));
    try {
      return token.isPresent()
          ? client
              .getInfo(path, new CredentialCallOption(new BearerCredentialWriter(token.get())))
              .getSchema()
          : client.getInfo(path).getSchema();
    } catch (FlightRuntimeException e) {
      throw failure(flightUri, dataset, version, e);
    }
  }

  private FlightClient connect(String flightUri) {
    Location location = new Location(URI.create(flightUri));
    FlightClient.Builder builder =
        FlightClient.builder(allocator, location).maxInboundMessageSize(maxMessageSize);
    if (URI.create(flightUri).getScheme().endsWith("tls")) {
      builder.useTls();
      if (trustedCertificates.isPresent()) {
        try {
          // The builder reads the stream when it builds the client, so hand it the bytes.
          InputStream certificates =
              new java.io.ByteArrayInputStream(Files.readAllBytes(trustedCertificates.get()));
          builder.trustedCertificates(certificates);
        } catch (IOException e) {
          throw new IllegalStateException(
              "cannot read trusted certificates " + trustedCertificates.get(), e);
        }
      }
    }
    return builder.build();
  }

  /** The input could not be fetched; another attempt (or executor) may succeed. */
  public static final class FetchException extends Exception {
    FetchException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Override
  public void close() throws Exception {
    AutoCloseables.close(clients.values());
    clients.clear();
  }
}
