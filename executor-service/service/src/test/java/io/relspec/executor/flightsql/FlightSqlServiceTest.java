package io.relspec.executor.flightsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.relspec.contracts.model.DatasetName;
import io.relspec.executor.flight.FlightEndpointServer;
import io.relspec.executor.flight.FlightFetcher;
import io.relspec.executor.store.DatasetStore;
import io.relspec.executor.store.TaskQuery;
import io.relspec.platform.security.ApiTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flight SQL service over a real store and Flight server, called with Arrow's own Flight SQL
 * client: names as SQL tools see them, limits, prepared statements, and what it refuses.
 */
class FlightSqlServiceTest {
  private static final String ADMIN = "sql-admin-token-0123456789";
  private static final String READER = "sql-reader-token-0123456789";
  private static final CallOption AS_READER =
      new CredentialCallOption(new BearerCredentialWriter(READER));

  @TempDir Path dataDir;
  private BufferAllocator allocator;
  private DatasetStore store;
  private FlightFetcher fetcher;
  private FlightEndpointServer server;
  private FlightClient client;
  private FlightSqlClient sql;

  @BeforeEach
  void start() throws Exception {
    allocator = new RootAllocator();
    store = DatasetStore.open(dataDir, new DatasetStore.Settings("256MB", 1, 2), allocator);
    store.replace(
        TaskQuery.of(
            DatasetName.of("raw.orders"),
            "SELECT range::INTEGER AS order_id, range % 7 AS customer_id FROM range(300)"));
    store.replace(
        TaskQuery.of(
            DatasetName.of("customers"),
            "SELECT range AS customer_id, 'customer ' || range AS name FROM range(7)"));
    fetcher = new FlightFetcher(allocator, Optional.of(ADMIN), Optional.empty(), 1 << 24);
    server = server(true);
    client =
        FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", server.port()))
            .build();
    sql = new FlightSqlClient(client);
  }

  private FlightEndpointServer server(boolean sqlEnabled) {
    return new FlightEndpointServer(
        FlightEndpointServer.Options.loopback("sql-test"),
        store,
        allocator,
        ApiTokens.of(
            Map.of(
                "admin", new ApiTokens.StaticToken(ADMIN, Set.of("admin")),
                "reader", new ApiTokens.StaticToken(READER, Set.of("reader"))),
            Optional.of(ADMIN)),
        dataset -> Optional.empty(),
        () -> {},
        sqlEnabled
            ? new FlightEndpointServer.SqlService(
                new QueryNames(store, "sql-test", Optional.empty()),
                fetcher,
                new FlightSqlService.Limits(Duration.ofSeconds(30), 1_000, 1 << 20, 400, 2, 100))
            : null);
  }

  @AfterEach
  void stop() throws Exception {
    AutoCloseables.close(client, server, fetcher, store);
    // gRPC may still be releasing the buffers of a stream the server ended with an error when the
    // server's close returns (apache/arrow-java#152): wait for that, so only a real leak fails.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(allocator.getAllocatedMemory()).isZero());
    allocator.close();
  }

  @Test
  void aReaderJoinsDatasetsAndADottedNameIsATableInASchema() throws Exception {
    List<List<Object>> rows =
        rows(
            sql.execute(
                "SELECT c.name, count(*) AS orders FROM raw.orders AS o"
                    + " JOIN customers AS c USING (customer_id)"
                    + " GROUP BY c.name ORDER BY c.name",
                AS_READER));
    assertThat(rows).hasSize(7);
    assertThat(rows.get(0)).containsExactly("customer 0", 43L);

    List<List<Object>> tables = rows(sql.getTables(null, null, "%", null, false, AS_READER));
    assertThat(tables)
        .extracting(row -> row.get(1) + "|" + row.get(2) + "|" + row.get(3))
        .containsExactly("null|customers|TABLE", "raw|orders|TABLE");
    assertThat(rows(sql.getTables(null, "raw", "%", null, false, AS_READER))).hasSize(1);
    assertThat(rows(sql.getSchemas(null, null, AS_READER)))
        .extracting(row -> row.get(1))
        .containsExactly("raw");
    assertThat(rows(sql.getCatalogs(AS_READER))).isEmpty();
  }

  @Test
  void aResultPastTheRowLimitAndSqlPastTheLengthLimitAreResourceExhausted() {
    FlightInfo big = sql.execute("SELECT * FROM range(5000)", AS_READER);
    assertThatThrownBy(() -> rows(big))
        .satisfies(e -> assertStatus(e, FlightStatusCode.RESOURCE_EXHAUSTED, "1000 rows"));
    String longSql = "SELECT 1 AS x" + " ".repeat(400);
    assertThatThrownBy(() -> sql.execute(longSql, AS_READER))
        .satisfies(e -> assertStatus(e, FlightStatusCode.RESOURCE_EXHAUSTED, "at most 400"));
    assertThat(rows(sql.execute("SELECT count(*) FROM customers", AS_READER)))
        .containsExactly(List.of(7L));
  }

  @Test
  void preparedStatementsBindParametersAndTheOldestIsDroppedPastTheLimit() throws Exception {
    FlightSqlClient.PreparedStatement byId =
        sql.prepare("SELECT name FROM customers WHERE customer_id = ?", AS_READER);
    assertThat(byId.getParameterSchema().getFields()).hasSize(1);
    try (VectorSchemaRoot parameters =
        VectorSchemaRoot.create(byId.getParameterSchema(), allocator)) {
      ((FieldVector) parameters.getVector(0)).allocateNew();
      if (parameters.getVector(0) instanceof IntVector integer) {
        integer.setSafe(0, 3);
      } else {
        ((org.apache.arrow.vector.BigIntVector) parameters.getVector(0)).setSafe(0, 3);
      }
      parameters.setRowCount(1);
      byId.setParameters(parameters);
      assertThat(rows(byId.execute(AS_READER))).containsExactly(List.of("customer 3"));
    }
    // Two more statements: the limit is two, so the first one is dropped.
    sql.prepare("SELECT 1", AS_READER);
    sql.prepare("SELECT 2", AS_READER);
    assertThatThrownBy(() -> byId.execute(AS_READER))
        .satisfies(e -> assertStatus(e, FlightStatusCode.NOT_FOUND, "prepare it again"));
  }

  @Test
  void writesTransactionsAndOtherCommandsAreUnimplemented() {
    assertThatThrownBy(() -> sql.executeUpdate("DELETE FROM customers", AS_READER))
        .satisfies(e -> assertStatus(e, FlightStatusCode.UNIMPLEMENTED, null));
    assertThatThrownBy(() -> sql.beginTransaction(AS_READER))
        .satisfies(e -> assertStatus(e, FlightStatusCode.UNIMPLEMENTED, null));
    assertThatThrownBy(
            () -> rows(sql.getPrimaryKeys(TableRef.of(null, null, "customers"), AS_READER)))
        .satisfies(e -> assertStatus(e, FlightStatusCode.UNIMPLEMENTED, null));
    assertThatThrownBy(() -> sql.execute("SELECT * FROM relspec_meta.versions", AS_READER))
        .satisfies(e -> assertStatus(e, FlightStatusCode.NOT_FOUND, "customers, raw.orders"));
  }

  @Test
  void withTheServiceDisabledItsCommandsAreUnimplementedAndDatasetCallsStillWork()
      throws Exception {
    try (FlightEndpointServer plain = server(false);
        FlightClient plainClient =
            FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", plain.port()))
                .build()) {
      FlightSqlClient disabled = new FlightSqlClient(plainClient);
      assertThatThrownBy(() -> disabled.execute("SELECT 1", AS_READER))
          .satisfies(e -> assertStatus(e, FlightStatusCode.UNIMPLEMENTED, "disabled"));
      assertThatThrownBy(() -> disabled.prepare("SELECT 1", AS_READER))
          .satisfies(e -> assertStatus(e, FlightStatusCode.UNIMPLEMENTED, "disabled"));
      List<String> held = new ArrayList<>();
      plainClient
          .listFlights(org.apache.arrow.flight.Criteria.ALL, AS_READER)
          .forEach(info -> held.add(info.getDescriptor().getPath().get(0)));
      assertThat(held).containsExactlyInAnyOrder("customers", "raw.orders");
    }
  }

  private List<List<Object>> rows(FlightInfo info) {
    List<List<Object>> rows = new ArrayList<>();
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), AS_READER)) {
      while (stream.next()) {
        VectorSchemaRoot root = stream.getRoot();
        for (int r = 0; r < root.getRowCount(); r++) {
          List<Object> row = new ArrayList<>();
          for (FieldVector vector : root.getFieldVectors()) {
            Object value = vector.getObject(r);
            row.add(value == null ? null : value instanceof Number ? value : value.toString());
          }
          rows.add(row);
        }
      }
    } catch (FlightRuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  private static void assertStatus(Throwable e, FlightStatusCode code, String text) {
    assertThat(e).isInstanceOf(FlightRuntimeException.class);
    FlightRuntimeException flight = (FlightRuntimeException) e;
    assertThat(flight.status().code()).as(flight.getMessage()).isEqualTo(code);
    if (text != null) {
      assertThat(flight.getMessage()).contains(text);
    }
  }
}
