package io.relspec.executor.flightsql;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.relspec.executor.flight.BearerTokenFlightAuthenticator;
import io.relspec.executor.store.AdHocQuery;
import io.relspec.executor.store.DatasetStore;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.BasicFlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;
import org.jboss.logging.Logger;

/**
 * Read-only Arrow Flight SQL over the datasets an executor can reach, for JDBC, ADBC and {@code
 * relspec sql}: statements, prepared statements with parameters, and the metadata a SQL tool asks
 * for (SQL info, catalogs, schemas, tables with their columns, table types). Every other command
 * answers UNIMPLEMENTED; nothing can be written.
 *
 * <p>A query is bound as a task's SQL is (see {@link AdHocQueries}) on the locked-down store, runs
 * under a deadline, and stops with RESOURCE_EXHAUSTED past the configured rows or bytes. The call
 * header {@value #RUN_HEADER} pins the versions of one run, {@value #SNAPSHOT_HEADER} those of a
 * catalog snapshot's newest succeeded run, {@value #TIMEOUT_HEADER} shortens the deadline; JDBC
 * sends a URL parameter of either name as the header, so it holds for the whole connection.
 *
 * <p>Dataset names map to SQL names as written: {@code raw.orders} is table {@code orders} in
 * schema {@code raw}, {@code file_metrics} a table outside any schema. There is no catalog level.
 *
 * <p>Over 400 lines on purpose: one override per command of the Flight SQL protocol, each short;
 * the catalog commands live in {@link FlightSqlMetadata}, the per-call headers in {@link
 * FlightSqlCallOptions}.
 */
public final class FlightSqlService extends BasicFlightSqlProducer {
  private static final Logger LOG = Logger.getLogger(FlightSqlService.class);

  /** The call header that pins a run's versions. */
  public static final String RUN_HEADER = "relspec-run";

  /** The call header that pins the versions of a catalog snapshot's newest succeeded run. */
  public static final String SNAPSHOT_HEADER = "relspec-snapshot";

  /** The call header that shortens the query deadline (seconds; never past the configured one). */
  public static final String TIMEOUT_HEADER = "relspec-query-timeout";

  /** The prefix of every Flight SQL command's protobuf type URL. */
  static final String COMMAND_TYPE_PREFIX = "type.googleapis.com/arrow.flight.protocol.sql.";

  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

  private final QueryNames names;
  private final AdHocQueries queries;
  private final FlightSqlMetadata metadata;
  private final DatasetStore store;
  private final BufferAllocator allocator;
  private final BearerTokenFlightAuthenticator authenticator;
  private final Limits limits;
  private final SqlInfoBuilder sqlInfo;
  private final ScheduledExecutorService timers;
  private final Map<ByteString, PreparedStatementState> prepared;

  /** What one query may take and return. */
  public record Limits(
      Duration queryTimeout,
      long maxRows,
      long maxBytes,
      int maxSqlLength,
      int maxPreparedStatements,
      int batchRows) {}

  public FlightSqlService(
      QueryNames names,
      DatasetStore store,
      io.relspec.executor.flight.FlightFetcher fetcher,
      BufferAllocator allocator,
      BearerTokenFlightAuthenticator authenticator,
      Limits limits,
      String version) {
    this.names = names;
    this.store = store;
    this.queries = new AdHocQueries(store, fetcher, allocator);
    this.allocator = allocator;
    this.metadata = new FlightSqlMetadata(store, queries, allocator);
    this.authenticator = authenticator;
    this.limits = limits;
    this.sqlInfo =
        new SqlInfoBuilder()
            .withFlightSqlServerName("Relspec")
            .withFlightSqlServerVersion(version)
            .withFlightSqlServerArrowVersion("18.3.0")
            .withFlightSqlServerReadOnly(true);
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "flight-sql-deadlines");
              thread.setDaemon(true);
              return thread;
            });
    int capacity = limits.maxPreparedStatements();
    this.prepared =
        java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(
                  Map.Entry<ByteString, PreparedStatementState> eldest) {
                return size() > capacity;
              }
            });
  }

  /**
   * Whether {@code bytes} hold a Flight SQL command (a packed {@code arrow.flight.protocol.sql}).
   */
  public static boolean isCommand(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return false;
    }
    try {
      return Any.parseFrom(bytes).getTypeUrl().startsWith(COMMAND_TYPE_PREFIX);
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- statements

  @Override
  public FlightInfo getFlightInfoStatement(
      FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    requireReader(context);
    String sql = checkedSql(command.getQuery());
    QueryNames.Pin pin = pin(context);
    Schema schema = describe(sql, pin);
    StatementHandle handle = new StatementHandle(sql, pin.run(), pin.snapshot());
    Ticket ticket =
        new Ticket(
            Any.pack(
                    FlightSql.TicketStatementQuery.newBuilder()
                        .setStatementHandle(ByteString.copyFrom(handle.encode()))
                        .build())
                .toByteArray());
    return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
  }

  @Override
  public SchemaResult getSchemaStatement(
      FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    requireReader(context);
    return new SchemaResult(describe(checkedSql(command.getQuery()), pin(context)));
  }

  @Override
  public void getStreamStatement(
      FlightSql.TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
    try {
      requireReader(context);
      StatementHandle handle = StatementHandle.decode(ticket.getStatementHandle());
      stream(checkedSql(handle.sql()), handle.pin(), List.of(), deadline(context), listener);
    } catch (FlightRuntimeException e) {
      listener.error(e);
    }
  }

  // ---------------------------------------------------------------- prepared statements

  @Override
  public void createPreparedStatement(
      FlightSql.ActionCreatePreparedStatementRequest request,
      CallContext context,
      StreamListener<Result> listener) {
    try {
      requireReader(context);
      String sql = checkedSql(request.getQuery());
      QueryNames.Pin pin = pin(context);
      Schema schema;
      List<Field> parameters = new ArrayList<>();
      try (AdHocQuery query = queries.bind(sql, names.scope(pin), false)) {
        schema = query.schema(allocator);
        for (int i = 1; i <= query.parameterCount(); i++) {
          parameters.add(parameterField(i, query.parameterType(i)));
        }
      }
      ByteString handle = ByteString.copyFromUtf8(UUID.randomUUID().toString());
      prepared.put(handle, new PreparedStatementState(sql, pin, schema, parameters.size()));
      FlightSql.ActionCreatePreparedStatementResult result =
          FlightSql.ActionCreatePreparedStatementResult.newBuilder()
              .setPreparedStatementHandle(handle)
              .setDatasetSchema(ByteString.copyFrom(schema.serializeAsMessage()))
              .setParameterSchema(ByteString.copyFrom(new Schema(parameters).serializeAsMessage()))
              .build();
      listener.onNext(new Result(Any.pack(result).toByteArray()));
      listener.onCompleted();
    } catch (FlightRuntimeException e) {
      listener.onError(e);
    } catch (SQLException e) {
      listener.onError(invalid(e).toRuntimeException());
    }
  }

  @Override
  public void closePreparedStatement(
      FlightSql.ActionClosePreparedStatementRequest request,
      CallContext context,
      StreamListener<Result> listener) {
    prepared.remove(request.getPreparedStatementHandle());
    listener.onCompleted();
  }

  @Override
  public Runnable acceptPutPreparedStatementQuery(
      FlightSql.CommandPreparedStatementQuery command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    return () -> {
      try {
        requireReader(context);
        PreparedStatementState statement = preparedStatement(command.getPreparedStatementHandle());
        List<Object> values = null;
        while (flightStream.next()) {
          VectorSchemaRoot root = flightStream.getRoot();
          if (root.getRowCount() == 0) {
            continue;
          }
          if (values != null || root.getRowCount() > 1) {
            throw CallStatus.INVALID_ARGUMENT
                .withDescription("bind one row of parameters per execution")
                .toRuntimeException();
          }
          values = new ArrayList<>();
          for (FieldVector vector : root.getFieldVectors()) {
            values.add(parameterValue(vector));
          }
        }
        List<Object> bound = values == null ? List.of() : values;
        if (bound.size() != statement.parameterCount()) {
          throw CallStatus.INVALID_ARGUMENT
              .withDescription(
                  "the statement takes "
                      + statement.parameterCount()
                      + " parameter(s), got "
                      + bound.size())
              .toRuntimeException();
        }
        statement.bind(bound);
        byte[] result =
            FlightSql.DoPutPreparedStatementResult.newBuilder()
                .setPreparedStatementHandle(command.getPreparedStatementHandle())
                .build()
                .toByteArray();
        try (ArrowBuf buffer = allocator.buffer(result.length)) {
          buffer.writeBytes(result);
          ackStream.onNext(PutResult.metadata(buffer));
        }
        ackStream.onCompleted();
      } catch (FlightRuntimeException e) {
        ackStream.onError(e);
      } catch (RuntimeException e) {
        ackStream.onError(
            CallStatus.INVALID_ARGUMENT
                .withDescription("cannot read the parameters: " + e.getMessage())
                .toRuntimeException());
      }
    };
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(
      FlightSql.CommandPreparedStatementQuery command,
      CallContext context,
      FlightDescriptor descriptor) {
    requireReader(context);
    PreparedStatementState statement = preparedStatement(command.getPreparedStatementHandle());
    Ticket ticket = new Ticket(Any.pack(command).toByteArray());
    return new FlightInfo(
        statement.schema(), descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
  }

  @Override
  public SchemaResult getSchemaPreparedStatement(
      FlightSql.CommandPreparedStatementQuery command,
      CallContext context,
      FlightDescriptor descriptor) {
    requireReader(context);
    return new SchemaResult(preparedStatement(command.getPreparedStatementHandle()).schema());
  }

  @Override
  public void getStreamPreparedStatement(
      FlightSql.CommandPreparedStatementQuery command,
      CallContext context,
      ServerStreamListener listener) {
    try {
      requireReader(context);
      PreparedStatementState statement = preparedStatement(command.getPreparedStatementHandle());
      List<Object> values = statement.values();
      if (values.size() != statement.parameterCount()) {
        throw CallStatus.INVALID_ARGUMENT
            .withDescription(
                "bind the statement's " + statement.parameterCount() + " parameter(s) first")
            .toRuntimeException();
      }
      stream(statement.sql(), statement.pin(), values, deadline(context), listener);
    } catch (FlightRuntimeException e) {
      listener.error(e);
    }
  }

  // ---------------------------------------------------------------- metadata

  @Override
  protected <T extends Message> List<FlightEndpoint> determineEndpoints(
      T request, FlightDescriptor descriptor, Schema schema) {
    return List.of(new FlightEndpoint(new Ticket(Any.pack(request).toByteArray())));
  }

  @Override
  public void getStreamSqlInfo(
      FlightSql.CommandGetSqlInfo request, CallContext context, ServerStreamListener listener) {
    try {
      requireReader(context);
      sqlInfo.send(request.getInfoList(), listener);
    } catch (FlightRuntimeException e) {
      listener.error(e);
    }
  }

  @Override
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    try {
      requireReader(context);
      metadata.catalogs(listener);
    } catch (FlightRuntimeException e) {
      listener.error(e);
    }
  }

  @Override
  public void getStreamSchemas(
      FlightSql.CommandGetDbSchemas request, CallContext context, ServerStreamListener listener) {
    try {
      requireReader(context);
      metadata.schemas(request, names.scope(pin(context)), listener);
    } catch (FlightRuntimeException e) {
      listener.error(e);
    } catch (SQLException e) {
      listener.error(internal("listing schemas", e).toRuntimeException());
    }
  }

  @Override
  public void getStreamTables(
      FlightSql.CommandGetTables request, CallContext context, ServerStreamListener listener) {
    try {
      requireReader(context);
      metadata.tables(request, names.scope(pin(context)), listener);
    } catch (FlightRuntimeException e) {
      listener.error(e);
    } catch (SQLException e) {
      listener.error(internal("listing tables", e).toRuntimeException());
    }
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    try {
      requireReader(context);
      metadata.tableTypes(listener);
    } catch (FlightRuntimeException e) {
      listener.error(e);
    }
  }

  // ---------------------------------------------------------------- execution

  private Schema describe(String sql, QueryNames.Pin pin) {
    try {
      return queries.schema(sql, names.scope(pin));
    } catch (SQLException e) {
      throw invalid(e).toRuntimeException();
    }
  }

  /** Runs a bound query and streams its result under the deadline and the size limits. */
  private void stream(
      String sql,
      QueryNames.Pin pin,
      List<Object> parameters,
      Duration timeout,
      ServerStreamListener listener) {
    AtomicBoolean pastDeadline = new AtomicBoolean();
    ScheduledFuture<?> deadline = null;
    long started = System.nanoTime();
    long rows = 0;
    try (AdHocQuery query = queries.bind(sql, names.scope(pin), true)) {
      for (int i = 0; i < parameters.size(); i++) {
        query.setParameter(i + 1, parameters.get(i));
      }
      deadline =
          timers.schedule(
              () -> {
                pastDeadline.set(true);
                query.cancel();
              },
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
      ArrowReader reader = query.execute(allocator, limits.batchRows());
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      listener.start(root);
      long bytes = 0;
      while (reader.loadNextBatch()) {
        if (listener.isCancelled()) {
          query.cancel();
          return;
        }
        rows += root.getRowCount();
        for (FieldVector vector : root.getFieldVectors()) {
          bytes += vector.getBufferSize();
        }
        if (rows > limits.maxRows() || bytes > limits.maxBytes()) {
          listener.error(
              CallStatus.RESOURCE_EXHAUSTED
                  .withDescription(
                      rows > limits.maxRows()
                          ? "the result passed "
                              + limits.maxRows()
                              + " rows (relspec.executor.flight.sql.max-rows); add a LIMIT or a"
                              + " WHERE"
                          : "the result passed "
                              + limits.maxBytes()
                              + " bytes (relspec.executor.flight.sql.max-bytes); select fewer"
                              + " columns or rows")
                  .toRuntimeException());
          return;
        }
        listener.putNext();
      }
      if (pastDeadline.get()) {
        throw new SQLException("interrupted at the deadline");
      }
      listener.completed();
      LOG.debugf(
          "Flight SQL query: %d rows in %d ms",
          rows, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } catch (FlightRuntimeException e) {
      listener.error(e);
    } catch (SQLException | IOException | RuntimeException e) {
      if (pastDeadline.get()) {
        listener.error(
            CallStatus.TIMED_OUT
                .withDescription(
                    "the query ran past its deadline of "
                        + timeout.toMillis()
                        + " ms (relspec.executor.flight.sql.query-timeout, or the "
                        + TIMEOUT_HEADER
                        + " option)")
                .toRuntimeException());
      } else if (e instanceof SQLException sqlFailure) {
        listener.error(invalid(sqlFailure).toRuntimeException());
      } else {
        LOG.errorf(e, "Flight SQL query failed");
        listener.error(
            CallStatus.INTERNAL
                .withDescription("the query failed: " + e.getMessage())
                .toRuntimeException());
      }
    } finally {
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private void requireReader(CallContext context) {
    authenticator.requireReader(context.peerIdentity(), "a Flight SQL call");
  }

  private String checkedSql(String sql) {
    if (sql == null || sql.isBlank()) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("the query is empty").toRuntimeException();
    }
    if (sql.length() > limits.maxSqlLength()) {
      throw CallStatus.RESOURCE_EXHAUSTED
          .withDescription(
              "the query is "
                  + sql.length()
                  + " characters; at most "
                  + limits.maxSqlLength()
                  + " are accepted (relspec.executor.flight.sql.max-sql-length)")
          .toRuntimeException();
    }
    return sql;
  }

  private static QueryNames.Pin pin(CallContext context) {
    FlightSqlCallOptions options = context.getMiddleware(FlightSqlCallOptions.KEY);
    return options == null ? QueryNames.Pin.NONE : options.pin();
  }

  /** The configured deadline, or the shorter one the call asked for. */
  private Duration deadline(CallContext context) {
    FlightSqlCallOptions options = context.getMiddleware(FlightSqlCallOptions.KEY);
    Duration asked = options == null ? null : options.timeout();
    return asked != null && asked.compareTo(limits.queryTimeout()) < 0
        ? asked
        : limits.queryTimeout();
  }

  private PreparedStatementState preparedStatement(ByteString handle) {
    PreparedStatementState statement = prepared.get(handle);
    if (statement == null) {
      throw CallStatus.NOT_FOUND
          .withDescription(
              "no open prepared statement with that handle (closed, or dropped after "
                  + limits.maxPreparedStatements()
                  + " newer ones); prepare it again")
          .toRuntimeException();
    }
    return statement;
  }

  /** The Arrow field of a parameter DuckDB typed; a type it could not infer travels as text. */
  private static Field parameterField(int index, String duckDbType) {
    String type = duckDbType == null ? "" : duckDbType.trim().toUpperCase(Locale.ROOT);
    Matcher decimal = DECIMAL.matcher(type);
    ArrowType arrow =
        decimal.matches()
            ? new ArrowType.Decimal(
                Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)), 128)
            : switch (type) {
              case "BOOLEAN" -> ArrowType.Bool.INSTANCE;
              case "TINYINT" -> new ArrowType.Int(8, true);
              case "SMALLINT" -> new ArrowType.Int(16, true);
              case "INTEGER" -> new ArrowType.Int(32, true);
              case "BIGINT" -> new ArrowType.Int(64, true);
              case "FLOAT" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
              case "DOUBLE" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
              case "DATE" -> new ArrowType.Date(DateUnit.DAY);
              case "BLOB" -> ArrowType.Binary.INSTANCE;
              default -> ArrowType.Utf8.INSTANCE;
            };
    return new Field("parameter_" + index, FieldType.nullable(arrow), null);
  }

  /** A parameter value as DuckDB's JDBC driver takes it. */
  private static Object parameterValue(FieldVector vector) {
    Object value = vector.getObject(0);
    return value instanceof Text text ? text.toString() : value;
  }

  private static CallStatus invalid(SQLException e) {
    return CallStatus.INVALID_ARGUMENT.withDescription(AdHocQueries.firstLine(e.getMessage()));
  }

  private static CallStatus internal(String what, SQLException e) {
    return CallStatus.INTERNAL.withDescription(
        what + " failed: " + AdHocQueries.firstLine(e.getMessage()));
  }

  @Override
  public void close() {
    timers.shutdownNow();
    prepared.clear();
  }
}
