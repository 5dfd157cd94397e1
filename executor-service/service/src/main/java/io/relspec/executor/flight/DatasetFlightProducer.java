package io.relspec.executor.flight;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Identifiers;
import io.relspec.executor.store.DatasetStore;
import io.relspec.executor.store.StoredDataset;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Serves the datasets of this executor's store: {@code ListFlights}, {@code GetFlightInfo(path=
 * [dataset])} and {@code DoGet(ticket=dataset)}, streaming DuckDB's Arrow export batch by batch.
 */
final class DatasetFlightProducer extends NoOpFlightProducer {
  private final DatasetStore store;
  private final BufferAllocator allocator;
  private final java.util.function.Supplier<Location> location;
  private final int batchRows;

  DatasetFlightProducer(
      DatasetStore store,
      BufferAllocator allocator,
      java.util.function.Supplier<Location> location,
      int batchRows) {
    this.store = store;
    this.allocator = allocator;
    this.location = location;
    this.batchRows = batchRows;
  }

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    DatasetName dataset = datasetName(new String(ticket.getBytes(), StandardCharsets.UTF_8));
    try (DatasetStore.Export export = store.export(dataset, allocator, batchRows)) {
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
      listener.error(notFoundOrInternal(dataset, e).toRuntimeException());
    } catch (Exception e) {
      listener.error(
          CallStatus.INTERNAL
              .withDescription("streaming '" + dataset + "' failed: " + e.getMessage())
              .toRuntimeException());
    }
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    if (!descriptor.isCommand() && descriptor.getPath().size() == 1) {
      return info(datasetName(descriptor.getPath().get(0)));
    }
    throw CallStatus.INVALID_ARGUMENT
        .withDescription("use a path descriptor: [dataset]")
        .toRuntimeException();
  }

  @Override
  public void listFlights(
      CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    try {
      for (StoredDataset dataset : store.list()) {
        listener.onNext(info(dataset.name()));
      }
      listener.onCompleted();
    } catch (SQLException e) {
      listener.onError(
          CallStatus.INTERNAL
              .withDescription("listing datasets failed: " + e.getMessage())
              .toRuntimeException());
    }
  }

  private FlightInfo info(DatasetName dataset) {
    StoredDataset stored;
    Schema schema;
    try {
      stored = store.describe(dataset).orElseThrow(() -> notFound(dataset).toRuntimeException());
      try (DatasetStore.Export export = store.export(dataset, allocator, 1)) {
        schema = export.reader().getVectorSchemaRoot().getSchema();
      }
    } catch (SQLException e) {
      throw notFoundOrInternal(dataset, e).toRuntimeException();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw CallStatus.INTERNAL.withDescription(e.getMessage()).toRuntimeException();
    }
    FlightEndpoint endpoint =
        new FlightEndpoint(
            new Ticket(dataset.value().getBytes(StandardCharsets.UTF_8)), location.get());
    return new FlightInfo(
        schema, FlightDescriptor.path(dataset.value()), List.of(endpoint), -1, stored.rows());
  }

  private static DatasetName datasetName(String text) {
    if (!Identifiers.isName(text)) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("'" + text + "' is not a dataset name")
          .toRuntimeException();
    }
    return DatasetName.of(text);
  }

  private static CallStatus notFound(DatasetName dataset) {
    return CallStatus.NOT_FOUND.withDescription("this executor holds no dataset '" + dataset + "'");
  }

  private static CallStatus notFoundOrInternal(DatasetName dataset, SQLException e) {
    return e.getMessage() != null && e.getMessage().contains("does not exist")
        ? notFound(dataset)
        : CallStatus.INTERNAL.withDescription(
            "reading '" + dataset + "' failed: " + e.getMessage());
  }
}
