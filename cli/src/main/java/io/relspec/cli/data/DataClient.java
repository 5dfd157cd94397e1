package io.relspec.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.api.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The Arrow Flight side of Relspec: uploads (DoPut), downloads (DoGet) and file deletion (DoAction)
 * against an executor, with the bearer token on every call.
 */
public final class DataClient implements AutoCloseable {
  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final BufferAllocator allocator;
  private final FlightClient client;
  private final CallOption auth;
  private final URI uri;

  public DataClient(URI uri, String token) {
    this.uri = uri;
    this.allocator = new RootAllocator();
    this.client =
        FlightClient.builder(allocator, new Location(uri))
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .build();
    this.auth = new CredentialCallOption(new BearerCredentialWriter(token == null ? "" : token));
  }

  public BufferAllocator allocator() {
    return allocator;
  }

  public URI uri() {
    return uri;
  }

  /**
   * Uploads every batch of {@code reader} to {@code dataset}; the executor commits once at the end.
   *
   * @return what the executor answered: dataset, version, rows, bytes, changedFileIds
   */
  public JsonNode put(String dataset, ArrowReader reader, LongConsumer rowsSent) throws Exception {
    VectorSchemaRoot root = reader.getVectorSchemaRoot();
    try (VectorSchemaRoot sending = VectorSchemaRoot.create(root.getSchema(), allocator)) {
      SyncPutListener listener = new SyncPutListener();
      FlightClient.ClientStreamListener stream =
          client.startPut(FlightDescriptor.path(dataset), sending, listener, auth);
      long rows = 0;
      try {
        while (reader.loadNextBatch()) {
          // The reader owns its root; move each batch into ours so Flight can send it.
          try (var batch = new VectorUnloader(root).getRecordBatch()) {
            new org.apache.arrow.vector.VectorLoader(sending).load(batch);
          }
          stream.putNext();
          rows += root.getRowCount();
          rowsSent.accept(rows);
        }
        stream.completed();
      } catch (RuntimeException e) {
        stream.error(e);
        throw e;
      }
      stream.getResult();
      try (PutResult result = listener.read()) {
        if (result == null || result.getApplicationMetadata() == null) {
          return Json.mapper().createObjectNode();
        }
        byte[] bytes = new byte[(int) result.getApplicationMetadata().readableBytes()];
        result.getApplicationMetadata().getBytes(0, bytes);
        return Json.read(new String(bytes, StandardCharsets.UTF_8));
      }
    }
  }

  /** The newest version of a dataset (or {@code version}) as an Arrow stream; close it after. */
  public FlightStream get(String dataset, Long version) {
    Map<String, Object> ticket = new LinkedHashMap<>();
    ticket.put("dataset", dataset);
    if (version != null) {
      ticket.put("version", version);
    }
    byte[] body = Json.write(ticket).getBytes(StandardCharsets.UTF_8);
    return client.getStream(new Ticket(body), auth);
  }

  /**
   * Runs a read-only SQL query over Flight SQL on this executor; close the stream after.
   *
   * @param headers Flight SQL call options, e.g. {@code relspec-run} to pin a run's versions
   */
  public FlightStream sql(String query, Map<String, String> headers) {
    // Not closed: closing a FlightSqlClient closes the Flight client it wraps, which is ours.
    FlightSqlClient sql = new FlightSqlClient(client);
    CallHeaders callHeaders = new FlightCallHeaders();
    headers.forEach(callHeaders::insert);
    CallOption[] options = {auth, new HeaderCallOption(callHeaders)};
    FlightInfo info = sql.execute(query, options);
    if (info.getEndpoints().isEmpty()) {
      throw new IllegalStateException("the executor answered the query without an endpoint");
    }
    return sql.getStream(info.getEndpoints().get(0).getTicket(), options);
  }

  public FlightInfo info(String dataset) {
    return client.getInfo(FlightDescriptor.path(dataset), auth);
  }

  public List<FlightInfo> list() {
    List<FlightInfo> infos = new java.util.ArrayList<>();
    client.listFlights(org.apache.arrow.flight.Criteria.ALL, auth).forEach(infos::add);
    return infos;
  }

  /** Removes the partitions of {@code fileIds}; the executor announces the removal. */
  public JsonNode deleteFiles(String dataset, List<String> fileIds) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dataset", dataset);
    body.put("fileIds", fileIds);
    Iterator<Result> results =
        client.doAction(
            new Action("delete-files", Json.write(body).getBytes(StandardCharsets.UTF_8)), auth);
    JsonNode answer = Json.mapper().createObjectNode();
    while (results.hasNext()) {
      answer = Json.read(new String(results.next().getBody(), StandardCharsets.UTF_8));
    }
    return answer;
  }

  /** A Flight failure as one line: the status code and the server's description. */
  public static String describe(FlightRuntimeException e) {
    String description = e.status().description();
    return e.status().code()
        + (description == null || description.isBlank() ? "" : ": " + description);
  }

  @Override
  public void close() throws Exception {
    try {
      client.close();
    } finally {
      allocator.close();
    }
  }
}
