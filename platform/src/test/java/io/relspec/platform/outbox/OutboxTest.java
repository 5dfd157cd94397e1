package io.relspec.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunState;
import io.relspec.platform.jdbc.Jdbc;
import io.relspec.platform.messaging.ConfirmingPublisher;
import io.relspec.platform.messaging.RabbitMqMessageSender;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The relay over the services' store ({@link JdbcOutboxStore}) on the real PostgreSQL and RabbitMQ
 * on localhost: each test gets a schema of its own with the platform's migration applied.
 */
class OutboxTest {
  private static final String EXCHANGE = "relspec.test-outbox";

  private final String schema = "outbox_test_" + UUID.randomUUID().toString().replace("-", "");
  private final String queue = "relspec.test-outbox." + UUID.randomUUID();
  private PGSimpleDataSource dataSource;
  private JdbcOutboxStore store;
  private Connection admin;
  private Channel adminChannel;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void createSchemaAndQueue() throws Exception {
    dataSource = new PGSimpleDataSource();
    dataSource.setUrl("jdbc:postgresql://localhost:5432/postgres");
    dataSource.setUser("postgres");
    try (java.sql.Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    dataSource.setCurrentSchema(schema);
    try (java.sql.Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(migration());
    }
    store = new JdbcOutboxStore(dataSource);
    admin = ConfirmingPublisher.factory("localhost", 5672, "guest", "guest").newConnection();
    adminChannel = admin.createChannel();
    adminChannel.exchangeDeclare(EXCHANGE, "topic", true);
    adminChannel.queueDeclare(queue, false, true, true, Map.of());
    adminChannel.queueBind(queue, EXCHANGE, "#");
  }

  @AfterEach
  void dropSchemaAndQueue() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    admin.close();
    dataSource.setCurrentSchema(null);
    try (java.sql.Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void committedMessagesGoOutInCommitOrderAndARolledBackOneNever() throws Exception {
    Outbox outbox = outbox(5672);
    List<RunFinished> committed = List.of(finished("run-1"), finished("run-2"), finished("run-3"));
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          outbox.append(connection, committed.get(0));
          outbox.append(connection, committed.get(1));
          return null;
        });
    try (java.sql.Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      outbox.append(connection, finished("rolled-back"));
      connection.rollback();
    }
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          outbox.append(connection, committed.get(2));
          return null;
        });
    outbox.wake();

    await().atMost(Duration.ofSeconds(20)).until(() -> outbox.pendingCount() == 0);
    assertThat(received())
        .extracting(RunFinished::runId)
        .containsExactly("run-1", "run-2", "run-3");
    assertThat(publishedCount()).isEqualTo(3);
  }

  @Test
  void whileTheBrokerIsUnreachableAMessageStaysWithItsErrorAndGoesOutAfterwards() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Outbox unreachable = outbox(closedPort);
    RunFinished message = finished("run-while-down");
    Jdbc.inTransaction(
        dataSource,
        connection -> {
          unreachable.append(connection, message);
          return null;
        });
    unreachable.wake();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> store.pending(10).stream().anyMatch(p -> p.attempts() > 0));
    assertThat(lastError()).contains("Connection refused");
    assertThat(store.pendingCount()).isEqualTo(1);
    assertThat(received()).isEmpty();

    // The broker is back (a relay that reaches it): the same row goes out, once.
    Outbox reachable = outbox(5672);
    reachable.wake();
    await().atMost(Duration.ofSeconds(20)).until(() -> store.pendingCount() == 0);
    assertThat(received()).extracting(RunFinished::eventId).containsExactly(message.eventId());
  }

  private Outbox outbox(int brokerPort) {
    ConfirmingPublisher publisher =
        new ConfirmingPublisher(
            ConfirmingPublisher.factory("localhost", brokerPort, "guest", "guest"),
            "relspec-test-outbox",
            List.of(new ConfirmingPublisher.Exchange(EXCHANGE, "topic")));
    Outbox outbox =
        new Outbox(
            store,
            new RabbitMqMessageSender("scheduler", EXCHANGE, publisher),
            "test",
            Duration.ofSeconds(10));
    closeables.add(0, publisher);
    closeables.add(0, outbox);
    return outbox;
  }

  private static RunFinished finished(String runId) {
    return new RunFinished(
        UUID.randomUUID(),
        Instant.parse("2026-12-07T12:00:00Z"),
        runId,
        RunState.SUCCEEDED,
        Map.of("SUCCEEDED", 1),
        10);
  }

  private List<RunFinished> received() throws IOException {
    List<RunFinished> messages = new ArrayList<>();
    GetResponse response;
    while ((response = adminChannel.basicGet(queue, true)) != null) {
      messages.add(
          RelspecJson.read(
              new String(response.getBody(), StandardCharsets.UTF_8), RunFinished.class));
    }
    return messages;
  }

  private int publishedCount() throws SQLException {
    return count("SELECT COUNT(*) FROM relspec_outbox WHERE published_at IS NOT NULL");
  }

  private String lastError() throws SQLException {
    try (java.sql.Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT last_error FROM relspec_outbox");
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getString(1);
    }
  }

  private int count(String sql) throws SQLException {
    try (java.sql.Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql);
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static String migration() throws IOException {
    try (InputStream in =
        OutboxTest.class
            .getClassLoader()
            .getResourceAsStream("db/platform/V1__outbox_and_processed_messages.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
