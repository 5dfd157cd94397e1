package io.relspec.executor.flight;

import io.grpc.StatusRuntimeException;
import io.relspec.contracts.model.DatasetName;
import java.io.IOException;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A Flight stream as an {@link ArrowReader}, so DuckDB can scan it through the Arrow C data
 * interface batch by batch (the buffers are moved, not copied). Counts the bytes it passed on and
 * stops with {@link TooLargeException} above the limit; a stream that cannot be read is reported as
 * {@link MalformedException}. Either failure is kept, because DuckDB reports it only as a message.
 */
public final class FlightStreamReader extends ArrowReader {
  private final FlightStream stream;
  private final long maxBytes;
  private final String what;
  private final DatasetName dataset;
  private long bytes;
  private volatile IOException failure;
  private boolean closed;

  FlightStreamReader(BufferAllocator allocator, FlightStream stream, long maxBytes, String what) {
    this(allocator, stream, maxBytes, what, null);
  }

  /** A reader of {@code dataset} fetched from another executor. */
  FlightStreamReader(
      BufferAllocator allocator,
      FlightStream stream,
      long maxBytes,
      String what,
      DatasetName dataset) {
    super(allocator);
    this.stream = stream;
    this.maxBytes = maxBytes;
    this.what = what;
    this.dataset = dataset;
  }

  /** The dataset this stream carries, when it was fetched as a task's input; else null. */
  public DatasetName dataset() {
    return dataset;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    prepareLoadNextBatch();
    boolean next;
    try {
      next = stream.next();
    } catch (RuntimeException e) {
      throw fail(classify(e, what + " is not a readable Arrow stream: "));
    }
    if (!next) {
      return false;
    }
    try (ArrowRecordBatch batch = new VectorUnloader(stream.getRoot()).getRecordBatch()) {
      bytes += batch.computeBodyLength();
      if (bytes > maxBytes) {
        throw fail(
            new TooLargeException(
                what
                    + " exceeds the limit of "
                    + maxBytes
                    + " bytes; split it into smaller uploads"));
      }
      new VectorLoader(getVectorSchemaRoot()).load(batch);
    }
    return true;
  }

  private IOException fail(IOException e) {
    failure = e;
    return e;
  }

  /** Why reading stopped early, if it did. */
  public IOException failure() {
    return failure;
  }

  @Override
  public long bytesRead() {
    return bytes;
  }

  @Override
  protected void closeReadSource() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stream.close();
    } catch (Exception e) {
      throw new IOException("cannot close " + what, e);
    }
  }

  @Override
  protected Schema readSchema() throws IOException {
    try {
      return stream.getSchema();
    } catch (RuntimeException e) {
      throw fail(classify(e, what + " has no readable Arrow schema: "));
    }
  }

  /**
   * Why the stream broke. gRPC ends an upload over its message limit with RESOURCE_EXHAUSTED and
   * cancels the call, so the reader may see either status; only a failure without one of those is
   * the client's malformed data.
   */
  static IOException classify(RuntimeException e, String prefix) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      FlightStatusCode code =
          t instanceof FlightRuntimeException flight
              ? flight.status().code()
              : t instanceof StatusRuntimeException grpc
                  ? StatusUtils.fromGrpcStatusCode(grpc.getStatus().getCode())
                  : null;
      if (code == FlightStatusCode.CANCELLED) {
        return new CancelledException(prefix + "the call was cancelled", e);
      }
      if (code == FlightStatusCode.RESOURCE_EXHAUSTED) {
        return new TooLargeException(prefix + message(e));
      }
    }
    return new MalformedException(prefix + message(e), e);
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The stream is larger than the configured limit. */
  static final class TooLargeException extends IOException {
    TooLargeException(String message) {
      super(message);
    }
  }

  /** The call was cancelled while the stream was read. */
  static final class CancelledException extends IOException {
    CancelledException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The stream is not valid Arrow IPC. */
  static final class MalformedException extends IOException {
    MalformedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
