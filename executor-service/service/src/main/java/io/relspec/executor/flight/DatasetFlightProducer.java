package io.relspec.executor.flight;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.SourceDataUpdated;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Identifiers;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.executor.store.DatasetStore;
import io.relspec.executor.store.StoreException;
import io.relspec.executor.store.StoredDataset;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.jboss.logging.Logger;

/**
 * The executor's Flight service over its dataset store.
 *
 * <ul>
 *   <li>{@code ListFlights}: every dataset held (newest version).
 *   <li>{@code GetFlightInfo(path=[dataset])} or {@code [dataset, version]}: schema, rows, bytes
 *       and the endpoint holding it; app metadata names the executor.
 *   <li>{@code DoGet(ticket)}: the Arrow stream of a version, optionally one file-id partition (see
 *       {@link DatasetTicket}).
 *   <li>{@code DoPut(path=[dataset])}: uploads source data, checked against the catalog's contract;
 *       replaces the partitions of the file ids present (or the whole dataset without a file-id
 *       column) in one commit, then announces {@link SourceDataUpdated}.
 *   <li>{@code DoAction("delete-files", {"dataset": name, "fileIds": [...]})}: removes partitions.
 * </ul>
 *
 * <p>Over 400 lines on purpose: one override per Flight call (ListFlights, GetFlightInfo, DoGet,
 * DoPut, DoAction), each with its checks and the status it answers.
 */
public final class DatasetFlightProducer implements FlightProducer {
  static final String DELETE_FILES = "delete-files";
  private static final Logger LOG = Logger.getLogger(DatasetFlightProducer.class);

  private final DatasetStore store;
  private final BufferAllocator allocator;
  private final Supplier<Location> location;
  private final FlightSettings settings;
  private final BearerTokenFlightAuthenticator authenticator;

  DatasetFlightProducer(
      DatasetStore store,
      BufferAllocator allocator,
      Supplier<Location> location,
      FlightSettings settings,
      BearerTokenFlightAuthenticator authenticator) {
    this.store = store;
    this.allocator = allocator;
    this.location = location;
    this.settings = settings;
    this.authenticator = authenticator;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    DatasetTicket target;
    try {
      target = DatasetTicket.parse(ticket);
    } catch (FlightRuntimeException e) {
      listener.error(e);
      return;
    }
    try (DatasetStore.Export export =
        store.export(
            target.datasetName(),
            target.version(),
            target.fileId(),
            allocator,
            settings.batchRows())) {
      ArrowReader reader = export.reader();
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      listener.start(root);
      while (reader.loadNextBatch()) {
        if (listener.isCancelled()) {
          return;
        }
        listener.putNext();
      }
      listener.completed();
    } catch (SQLException e) {
      listener.error(status(e, "reading '" + target.dataset() + "'").toRuntimeException());
    } catch (Exception e) {
      listener.error(
          CallStatus.INTERNAL
              .withDescription("streaming '" + target.dataset() + "' failed: " + e.getMessage())
              .toRuntimeException());
    }
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    List<String> path = descriptor.isCommand() ? List.of() : descriptor.getPath();
    if (path.size() == 1 || path.size() == 2) {
      DatasetName dataset = datasetName(path.get(0));
      Long version = path.size() == 2 ? versionNumber(path.get(1)) : null;
      return info(dataset, version);
    }
    throw CallStatus.INVALID_ARGUMENT
        .withDescription("use a path descriptor: [dataset] or [dataset, version]")
        .toRuntimeException();
  }

  @Override
  public void listFlights(
      CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    try {
      for (StoredDataset dataset : store.list()) {
        listener.onNext(info(dataset.name(), dataset.version()));
      }
      listener.onCompleted();
    } catch (SQLException e) {
      listener.onError(status(e, "listing datasets").toRuntimeException());
    } catch (FlightRuntimeException e) {
      listener.onError(e);
    }
  }

  private FlightInfo info(DatasetName dataset, Long version) {
    StoredDataset stored;
    Schema schema;
    try (DatasetStore.Export export = store.export(dataset, version, null, allocator, 1)) {
      stored = export.stored();
      schema = export.reader().getVectorSchemaRoot().getSchema();
    } catch (SQLException e) {
      throw status(e, "describing '" + dataset + "'").toRuntimeException();
    } catch (Exception e) {
      throw CallStatus.INTERNAL.withDescription(e.getMessage()).toRuntimeException();
    }
    FlightEndpoint endpoint =
        new FlightEndpoint(
            new DatasetTicket(dataset.value(), stored.version(), null).toTicket(), location.get());
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("executorId", settings.executorId());
    metadata.put("version", stored.version());
    metadata.put("fileIdColumn", stored.fileIdColumn());
    return FlightInfo.builder(
            schema,
            FlightDescriptor.path(dataset.value(), Long.toString(stored.version())),
            List.of(endpoint))
        .setBytes(stored.bytes())
        .setRecords(stored.rows())
        .setAppMetadata(json(metadata))
        .build();
  }

  // ---------------------------------------------------------------- uploads

  @Override
  public Runnable acceptPut(
      CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return () -> {
      try {
        authenticator.requireWriter(context.peerIdentity(), "uploading data (DoPut)");
        byte[] result = put(flightStream);
        // The server sends the metadata before onNext returns; the buffer stays ours to release.
        try (ArrowBuf buffer = allocator.buffer(result.length)) {
          buffer.writeBytes(result);
          ackStream.onNext(PutResult.metadata(buffer));
        }
        ackStream.onCompleted();
      } catch (FlightRuntimeException e) {
        LOG.warnf("DoPut refused: %s %s", e.status().code(), e.getMessage());
        ackStream.onError(e);
      } catch (RuntimeException e) {
        LOG.errorf(e, "DoPut failed");
        ackStream.onError(
            CallStatus.INTERNAL
                .withDescription("the upload failed: " + e.getMessage())
                .withCause(e)
                .toRuntimeException());
      } finally {
        try {
          flightStream.close();
        } catch (Exception ignored) {
          // Closing an upload stream that failed half way can fail again; the call is over.
        }
      }
    };
  }

  private byte[] put(FlightStream flightStream) {
    FlightDescriptor descriptor;
    Schema schema;
    try {
      descriptor = flightStream.getDescriptor();
      schema = flightStream.getSchema();
    } catch (RuntimeException e) {
      IOException failure = FlightStreamReader.classify(e, "the upload has no readable schema: ");
      throw streamStatus(failure).orElseThrow().toRuntimeException();
    }
    if (descriptor == null || descriptor.isCommand() || descriptor.getPath().size() != 1) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("upload with a path descriptor naming the dataset: [dataset]")
          .toRuntimeException();
    }
    DatasetName dataset = datasetName(descriptor.getPath().get(0));
    DatasetContract contract =
        settings
            .contracts()
            .contract(dataset)
            .orElseThrow(
                () ->
                    CallStatus.NOT_FOUND
                        .withDescription(
                            "the catalog has no source dataset '"
                                + dataset
                                + "'; register its contract before uploading")
                        .toRuntimeException());
    checkSchema(dataset, contract, schema);
    FlightStreamReader reader =
        new FlightStreamReader(
            allocator, flightStream, settings.maxPutBytes(), "the upload of '" + dataset + "'");
    DatasetStore.Ingested ingested;
    try {
      ingested =
          store.ingest(dataset, reader, contract, committed -> event(dataset, committed, true));
    } catch (SQLException e) {
      throw uploadFailure(dataset, reader, e).toRuntimeException();
    }
    settings.eventsCommitted().run();
    StoredDataset stored = ingested.stored();
    LOG.infof(
        "DoPut %s: version %d, %d rows, %d file ids replaced",
        dataset, stored.version(), stored.rows(), ingested.fileIds().size());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("dataset", dataset.value());
    result.put("version", stored.version());
    result.put("rows", stored.rows());
    result.put("bytes", stored.bytes());
    result.put("changedFileIds", ingested.fileIds().size());
    return json(result);
  }

  /**
   * Every contract field present with its type, and nothing else; no two fields whose names differ
   * only in case (one SQL column).
   */
  private static void checkSchema(DatasetName dataset, DatasetContract contract, Schema schema) {
    Map<String, Field> uploaded = new LinkedHashMap<>();
    Map<String, String> lowerCase = new HashMap<>();
    for (Field field : schema.getFields()) {
      String other =
          lowerCase.putIfAbsent(field.getName().toLowerCase(Locale.ROOT), field.getName());
      if (other != null) {
        throw CallStatus.INVALID_ARGUMENT
            .withDescription(
                "fields '"
                    + other
                    + "' and '"
                    + field.getName()
                    + "' of the upload differ only in case; SQL reads them as one column")
            .toRuntimeException();
      }
      uploaded.put(field.getName(), field);
    }
    for (ArrowField expected : contract.schema().fields()) {
      Field actual = uploaded.remove(expected.name());
      if (actual == null) {
        throw CallStatus.INVALID_ARGUMENT
            .withDescription(
                "field '"
                    + expected.name()
                    + "' ("
                    + expected.type().typeString()
                    + ") of the contract of '"
                    + dataset
                    + "' is missing from the upload")
            .toRuntimeException();
      }
      ArrowType type = ArrowFieldTypes.of(actual);
      if (!expected.type().equals(type)) {
        throw CallStatus.INVALID_ARGUMENT
            .withDescription(
                "field '"
                    + expected.name()
                    + "' is "
                    + (type == null ? actual.getType().toString() : type.typeString())
                    + " in the upload but "
                    + expected.type().typeString()
                    + " in the contract of '"
                    + dataset
                    + "'")
            .toRuntimeException();
      }
    }
    if (!uploaded.isEmpty()) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription(
              "field '"
                  + uploaded.keySet().iterator().next()
                  + "' of the upload is not in the contract of '"
                  + dataset
                  + "'")
          .toRuntimeException();
    }
  }

  private static CallStatus uploadFailure(
      DatasetName dataset, FlightStreamReader reader, SQLException e) {
    return streamStatus(reader.failure())
        .orElseGet(() -> status(e, "storing the upload of '" + dataset + "'"));
  }

  private static Optional<CallStatus> streamStatus(IOException failure) {
    CallStatus status;
    if (failure instanceof FlightStreamReader.TooLargeException) {
      status = CallStatus.RESOURCE_EXHAUSTED;
    } else if (failure instanceof FlightStreamReader.CancelledException) {
      status = CallStatus.CANCELLED;
    } else if (failure instanceof FlightStreamReader.MalformedException) {
      status = CallStatus.INVALID_ARGUMENT;
    } else {
      return Optional.empty();
    }
    return Optional.of(status.withDescription(failure.getMessage() + "; nothing was committed"));
  }

  // ---------------------------------------------------------------- actions

  @Override
  public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
    try {
      if (!DELETE_FILES.equals(action.getType())) {
        throw CallStatus.UNIMPLEMENTED
            .withDescription(
                "unknown action '" + abbreviate(action.getType()) + "'; actions: " + DELETE_FILES)
            .toRuntimeException();
      }
      authenticator.requireWriter(context.peerIdentity(), "deleting files");
      listener.onNext(new Result(deleteFiles(action.getBody())));
      listener.onCompleted();
    } catch (FlightRuntimeException e) {
      listener.onError(e);
    }
  }

  private byte[] deleteFiles(byte[] body) {
    // Read as a stream, so a body over the file-id limit is refused as soon as the limit is
    // passed, not after parsing all of it.
    String datasetText = null;
    List<String> fileIds = null;
    try (JsonParser parser = RelspecJson.mapper().getFactory().createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw deleteFilesUsage();
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("dataset".equals(field) && value == JsonToken.VALUE_STRING) {
          datasetText = parser.getText();
        } else if ("fileIds".equals(field) && value == JsonToken.START_ARRAY) {
          fileIds = new ArrayList<>();
          for (JsonToken id = parser.nextToken();
              id != JsonToken.END_ARRAY;
              id = parser.nextToken()) {
            if (id != JsonToken.VALUE_STRING || parser.getText().isEmpty()) {
              throw CallStatus.INVALID_ARGUMENT
                  .withDescription("file ids are non-empty strings")
                  .toRuntimeException();
            }
            if (fileIds.size() == settings.maxDeleteFileIds()) {
              throw CallStatus.RESOURCE_EXHAUSTED
                  .withDescription(
                      "delete-files takes at most "
                          + settings.maxDeleteFileIds()
                          + " file ids per call")
                  .toRuntimeException();
            }
            fileIds.add(parser.getText());
          }
        } else {
          throw deleteFilesUsage();
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw deleteFilesUsage();
      }
    } catch (IOException e) {
      throw deleteFilesUsage();
    }
    if (datasetText == null || fileIds == null) {
      throw deleteFilesUsage();
    }
    DatasetName dataset = datasetName(datasetText);
    if (fileIds.isEmpty()) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("name at least one file id to delete")
          .toRuntimeException();
    }
    DatasetStore.Ingested removed;
    try {
      removed = store.deleteFiles(dataset, fileIds, done -> event(dataset, done, false));
    } catch (SQLException e) {
      throw status(e, "deleting files of '" + dataset + "'").toRuntimeException();
    }
    settings.eventsCommitted().run();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("dataset", dataset.value());
    result.put("version", removed.stored().version());
    result.put("rows", removed.stored().rows());
    result.put("removedFileIds", removed.fileIds().size());
    return json(result);
  }

  private static FlightRuntimeException deleteFilesUsage() {
    return CallStatus.INVALID_ARGUMENT
        .withDescription("delete-files takes JSON {\"dataset\": name, \"fileIds\": [id, ...]}")
        .toRuntimeException();
  }

  /** Client text echoed in a status: at most 64 characters, control characters replaced. */
  private static String abbreviate(String text) {
    String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 64
        ? clean
        : clean.substring(0, 64) + "… (" + clean.length() + " chars)";
  }

  @Override
  public void listActions(CallContext context, StreamListener<ActionType> listener) {
    listener.onNext(
        new ActionType(
            DELETE_FILES,
            "remove file-id partitions of a source dataset: {\"dataset\": name, \"fileIds\": [...]}"));
    listener.onCompleted();
  }

  // ---------------------------------------------------------------- helpers

  private SourceDataUpdated event(
      DatasetName dataset, DatasetStore.Ingested committed, boolean changed) {
    return new SourceDataUpdated(
        UUID.randomUUID(),
        Instant.now(),
        dataset,
        changed ? committed.fileIds() : List.of(),
        changed ? List.of() : committed.fileIds(),
        committed.stored().version(),
        settings.triggerRunOnUpload(),
        settings.executorId(),
        location.get().getUri().toString(),
        committed.stored().bytes());
  }

  private static byte[] json(Object value) {
    try {
      return RelspecJson.mapper().writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  private static DatasetName datasetName(String text) {
    if (!Identifiers.isName(text)) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("'" + abbreviate(text) + "' is not a dataset name")
          .toRuntimeException();
    }
    return DatasetName.of(text);
  }

  private static Long versionNumber(String text) {
    try {
      long version = Long.parseLong(text);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw CallStatus.INVALID_ARGUMENT
        .withDescription("a version is a positive number, got '" + text + "'")
        .toRuntimeException();
  }

  private static CallStatus status(SQLException e, String what) {
    if (e instanceof StoreException refusal) {
      return switch (refusal.reason()) {
        case NOT_HELD -> CallStatus.NOT_FOUND.withDescription(e.getMessage());
        case INVALID_DATA -> CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage());
        case INPUT_NOT_AVAILABLE, OUTPUT_NOT_HELD ->
            CallStatus.UNAVAILABLE.withDescription(e.getMessage());
      };
    }
    return CallStatus.INTERNAL.withDescription(what + " failed: " + firstLine(e.getMessage()));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Where contracts come from and what the producer needs besides the store. */
  record FlightSettings(
      String executorId,
      int batchRows,
      long maxPutBytes,
      int maxDeleteFileIds,
      boolean triggerRunOnUpload,
      ContractSource contracts,
      Runnable eventsCommitted) {}

  /** Looks up a source dataset's contract (the catalog service in a running system). */
  @FunctionalInterface
  public interface ContractSource {
    Optional<DatasetContract> contract(DatasetName dataset);
  }
}
