package io.relspec.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunState;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher against the real broker on localhost, reached through a TCP relay the test can hold
 * (the broker's confirms stop arriving) and cut (the connection drops, as when RabbitMQ stops).
 */
class ConfirmingPublisherTest {
  private static final String EXCHANGE = "relspec.test-confirming";

  private final String queue = "relspec.test-confirming." + UUID.randomUUID();
  private Connection admin;
  private Channel adminChannel;
  private BrokerRelay relay;

  @BeforeEach
  void declareQueue() throws Exception {
    admin = ConfirmingPublisher.factory("localhost", 5672, "guest", "guest").newConnection();
    adminChannel = admin.createChannel();
    adminChannel.exchangeDeclare(EXCHANGE, "topic", true);
    adminChannel.queueDeclare(queue, false, true, true, Map.of());
    adminChannel.queueBind(queue, EXCHANGE, "#");
    relay = new BrokerRelay(5672);
  }

  @AfterEach
  void close() throws Exception {
    relay.close();
    admin.close();
  }

  @Test
  void aMessageGoesOutWithTheEnvelopeAndItsStageCompletesOnTheConfirm() throws Exception {
    RunFinished finished =
        new RunFinished(
            UUID.randomUUID(),
            Instant.parse("2026-12-07T12:00:00Z"),
            "run-1",
            RunState.SUCCEEDED,
            Map.of("SUCCEEDED", 3),
            42);
    try (ConfirmingPublisher publisher = publisher(Duration.ofSeconds(30))) {
      new RabbitMqMessageSender("scheduler", EXCHANGE, publisher)
          .send(finished)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertThat(publisher.awaitingConfirms()).isZero();
    }

    GetResponse delivered = adminChannel.basicGet(queue, true);
    assertThat(delivered).isNotNull();
    assertThat(delivered.getEnvelope().getRoutingKey()).isEqualTo(finished.routingKey());
    AMQP.BasicProperties properties = delivered.getProps();
    assertThat(properties.getMessageId()).isEqualTo(finished.eventId().toString());
    assertThat(properties.getDeliveryMode()).isEqualTo(2);
    assertThat(properties.getType()).isEqualTo(finished.messageType().typeName());
    assertThat(properties.getAppId()).isEqualTo("scheduler");
    assertThat(String.valueOf(properties.getHeaders().get("ce_id")))
        .isEqualTo(finished.eventId().toString());
    assertThat(String.valueOf(properties.getHeaders().get("ce_source")))
        .isEqualTo("relspec/scheduler");
    assertThat(
            RelspecJson.read(
                new String(delivered.getBody(), StandardCharsets.UTF_8), RunFinished.class))
        .isEqualTo(finished);
  }

  @Test
  void aDroppedConnectionFailsWhatAwaitsItsConfirmAtOnceAndTheNextPublishReconnects()
      throws Exception {
    try (ConfirmingPublisher publisher = publisher(Duration.ofMinutes(5))) {
      publish(publisher, "warm-up").get(10, TimeUnit.SECONDS);
      relay.holdReplies();
      List<CompletableFuture<Void>> awaiting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        awaiting.add(publish(publisher, "held-" + i));
      }
      assertThat(awaiting).noneMatch(CompletableFuture::isDone);

      relay.cut();

      // Failed by the connection's shutdown, long before the 5-minute stale bound.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> awaiting.stream().allMatch(CompletableFuture::isCompletedExceptionally));
      publish(publisher, "after").get(10, TimeUnit.SECONDS);
      assertThat(relay.connectionsAccepted()).isEqualTo(2);
    }
    assertThat(drainBodies()).contains("warm-up", "after");
  }

  @Test
  void aConnectionThatStopsConfirmingIsGivenUpAfterTheStaleBound() throws Exception {
    try (ConfirmingPublisher publisher = publisher(Duration.ofMillis(300))) {
      publish(publisher, "warm-up").get(10, TimeUnit.SECONDS);
      relay.holdReplies();
      CompletableFuture<Void> held = publish(publisher, "held");

      // Each probe publish checks the oldest confirm; once it is older than the bound the
      // connection is given up and what awaited on it fails.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                publish(publisher, "probe");
                return held.isCompletedExceptionally();
              });
      assertThat(held).isCompletedExceptionally();
      publish(publisher, "after").get(10, TimeUnit.SECONDS);
      assertThat(relay.connectionsAccepted()).isEqualTo(2);
    }
    assertThat(drainBodies()).contains("warm-up", "after");
  }

  @Test
  void aBrokerThatStopsAnsweringChannelOperationsFailsThePublishWithinTheRpcTimeout()
      throws Exception {
    ConnectionFactory factory =
        ConfirmingPublisher.factory("localhost", relay.port(), "guest", "guest");
    assertThat(factory.getChannelRpcTimeout()).isEqualTo(10_000);
    factory.setChannelRpcTimeout(500);
    try (ConfirmingPublisher publisher = publisher(factory, Duration.ofMinutes(5))) {
      // The connection opens, but the broker's answer to opening a channel never arrives.
      relay.holdChannelRepliesOfNewConnections(true);
      CompletableFuture<Void> first = publish(publisher, "unanswered");
      assertThat(first).isCompletedExceptionally();

      // Within the connect backoff a publish fails at once; after it, the next one connects.
      relay.holdChannelRepliesOfNewConnections(false);
      assertThat(publish(publisher, "too soon")).isCompletedExceptionally();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !publish(publisher, "answered").isCompletedExceptionally());
    }
    assertThat(drainBodies()).contains("answered");
  }

  @Test
  void aSendWithinABudgetOutlastsTheConnectBackoffAndGoesOutOnce() throws Exception {
    ConnectionFactory factory =
        ConfirmingPublisher.factory("localhost", relay.port(), "guest", "guest");
    factory.setChannelRpcTimeout(300);
    try (ConfirmingPublisher publisher = publisher(factory, Duration.ofMinutes(5))) {
      RabbitMqMessageSender sender = new RabbitMqMessageSender("executor", EXCHANGE, publisher);
      // The broker does not answer (as while it restarts): a plain send fails at once, and the
      // publisher will not connect again for a while.
      relay.holdChannelRepliesOfNewConnections(true);
      assertThat(sender.send(finished("lost")).toCompletableFuture()).isCompletedExceptionally();
      RunFinished result = finished("kept");
      CompletableFuture<Void> within =
          sender.sendWithin(result, Duration.ofSeconds(20)).toCompletableFuture();
      assertThat(within).isNotDone();

      relay.holdChannelRepliesOfNewConnections(false);
      within.get(20, TimeUnit.SECONDS);
      List<String> runIds = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                GetResponse response;
                while ((response = adminChannel.basicGet(queue, true)) != null) {
                  runIds.add(
                      RelspecJson.read(
                              new String(response.getBody(), StandardCharsets.UTF_8),
                              RunFinished.class)
                          .runId());
                }
                return !runIds.isEmpty();
              });
      assertThat(runIds).containsExactly("kept");

      // A budget spent while the broker stays silent fails with the last failure.
      relay.holdChannelRepliesOfNewConnections(true);
      relay.cut();
      CompletableFuture<Void> spent =
          sender.sendWithin(finished("never"), Duration.ofSeconds(2)).toCompletableFuture();
      assertThat(spent).failsWithin(Duration.ofSeconds(10));
    }
  }

  private static RunFinished finished(String runId) {
    return new RunFinished(
        UUID.randomUUID(),
        Instant.parse("2026-12-07T12:00:00Z"),
        runId,
        RunState.SUCCEEDED,
        Map.of("SUCCEEDED", 1),
        1);
  }

  @Test
  void afterAFailedConnectPublishingFailsAtOnceInsteadOfConnectingForEveryMessage()
      throws Exception {
    // A peer that accepts connections and never answers them, as a broker that is starting.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept());
                  }
                } catch (IOException e) {
                  // closed
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      ConnectionFactory factory =
          ConfirmingPublisher.factory("localhost", silent.getLocalPort(), "guest", "guest");
      factory.setHandshakeTimeout(300);
      try (ConfirmingPublisher publisher =
          new ConfirmingPublisher(
              factory,
              "relspec-test",
              List.of(new ConfirmingPublisher.Exchange(EXCHANGE, "topic")))) {
        assertThat(publish(publisher, "first")).isCompletedExceptionally();
        List<CompletableFuture<Void>> next = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          next.add(publish(publisher, "next-" + i));
        }
        assertThat(next).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(accepted).hasSize(1);
      }
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void aBrokerThatIsNotThereFailsThePublishWithoutThrowing() {
    ConnectionFactory nowhere = ConfirmingPublisher.factory("localhost", relay.port(), "g", "g");
    relay.close();
    try (ConfirmingPublisher publisher =
        new ConfirmingPublisher(
            nowhere,
            "relspec-test",
            List.of(new ConfirmingPublisher.Exchange(EXCHANGE, "topic")))) {
      CompletableFuture<Void> sent = publish(publisher, "lost");
      assertThat(sent).isCompletedExceptionally();
    }
  }

  private ConfirmingPublisher publisher(Duration staleConfirm) {
    return publisher(
        ConfirmingPublisher.factory("localhost", relay.port(), "guest", "guest"), staleConfirm);
  }

  private static ConfirmingPublisher publisher(ConnectionFactory factory, Duration staleConfirm) {
    return new ConfirmingPublisher(
        factory,
        "relspec-test",
        List.of(new ConfirmingPublisher.Exchange(EXCHANGE, "topic")),
        staleConfirm);
  }

  private static CompletableFuture<Void> publish(ConfirmingPublisher publisher, String body) {
    return publisher.publish(
        EXCHANGE,
        "test.confirming",
        new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private Set<String> drainBodies() throws IOException {
    Set<String> bodies = new HashSet<>();
    for (GetResponse got = adminChannel.basicGet(queue, true);
        got != null;
        got = adminChannel.basicGet(queue, true)) {
      bodies.add(new String(got.getBody(), StandardCharsets.UTF_8));
    }
    return bodies;
  }

  /**
   * Relays TCP between the publisher and the broker. {@link #holdReplies()} stops passing what the
   * broker sends on the connections open now (confirms among it); {@link #cut()} closes them.
   */
  private static final class BrokerRelay implements AutoCloseable {
    private final int brokerPort;
    private final ServerSocket server;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean holdChannelReplies;

    BrokerRelay(int brokerPort) throws IOException {
      this.brokerPort = brokerPort;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(this::accept, "broker-relay-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int connectionsAccepted() {
      return links.size();
    }

    void holdReplies() {
      links.forEach(link -> link.held = true);
    }

    /**
     * Connections opened from now on pass the broker's connection-level frames (channel 0: the
     * handshake) and hold every other frame (a channel's opening, declarations, confirms).
     */
    void holdChannelRepliesOfNewConnections(boolean hold) {
      holdChannelReplies = hold;
    }

    void cut() {
      links.forEach(Link::close);
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
          Link link = new Link(client, broker);
          links.add(link);
          pump(client.getInputStream(), broker.getOutputStream(), link, false);
          if (holdChannelReplies) {
            passConnectionFrames(broker.getInputStream(), client.getOutputStream(), link);
          } else {
            pump(broker.getInputStream(), client.getOutputStream(), link, true);
          }
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void pump(InputStream from, OutputStream to, Link link, boolean reply) {
      Thread thread =
          new Thread(
              () -> {
                byte[] buffer = new byte[8192];
                try {
                  for (int read = from.read(buffer); read >= 0; read = from.read(buffer)) {
                    if (reply && link.held) {
                      link.released.await();
                      return;
                    }
                    to.write(buffer, 0, read);
                    to.flush();
                  }
                } catch (IOException | InterruptedException e) {
                  // the link was cut
                } finally {
                  link.close();
                }
              },
              "broker-relay-pump");
      thread.setDaemon(true);
      thread.start();
    }

    /**
     * Relays AMQP frames (type, channel, size, payload, end marker) from the broker while they are
     * on channel 0; the first frame for another channel is held, and everything after it.
     */
    private static void passConnectionFrames(InputStream from, OutputStream to, Link link) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  DataInputStream frames = new DataInputStream(from);
                  byte[] header = new byte[7];
                  while (true) {
                    frames.readFully(header);
                    int channel = ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                    int size = ByteBuffer.wrap(header, 3, 4).getInt();
                    byte[] rest = new byte[size + 1];
                    frames.readFully(rest);
                    if (channel != 0) {
                      link.released.await();
                      return;
                    }
                    to.write(header);
                    to.write(rest);
                    to.flush();
                  }
                } catch (IOException | InterruptedException e) {
                  // the link was cut
                } finally {
                  link.close();
                }
              },
              "broker-relay-frames");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException e) {
        // closing anyway
      }
      cut();
    }

    private static final class Link {
      final Socket client;
      final Socket broker;
      final CountDownLatch released = new CountDownLatch(1);
      volatile boolean held;

      Link(Socket client, Socket broker) {
        this.client = client;
        this.broker = broker;
      }

      void close() {
        released.countDown();
        try {
          client.close();
          broker.close();
        } catch (IOException e) {
          // already closed
        }
      }
    }
  }
}
