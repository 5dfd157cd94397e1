package io.relspec.platform.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Publishes to RabbitMQ in confirm mode on a connection of its own and hands back one future per
 * message, completed by the broker's ack, failed by its nack or by the channel closing.
 *
 * <p>Every message awaiting its confirm belongs to the channel it was published on: when that
 * channel or its connection goes away (a broker restart, a network cut), each of its messages fails
 * at once with the cause, so a caller such as the outbox sends it again on a fresh channel instead
 * of waiting for a confirm that can no longer come. The next publish opens a new connection; there
 * is no background reconnect loop, and nothing is buffered here: what is not confirmed stays with
 * the caller. A connection whose oldest message has waited longer than the stale-confirm bound
 * (default {@link #STALE_CONFIRM}) for its confirm is given up at the next publish the same way, so
 * a half-open connection that no longer delivers confirms cannot hold a service up for good.
 *
 * <p>Why not the messaging connector's own confirms: on a reconnect the Vert.x publisher under it
 * drops the messages it was awaiting confirms for without completing them, and each such message
 * keeps one of the connector's in-flight permits forever; after enough broker restarts a service
 * stopped publishing for good (seen in the fault suite, a RabbitMQ outage in the third trial).
 */
public final class ConfirmingPublisher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ConfirmingPublisher.class);

  /** How long a confirm may take before its connection is given up as half open. */
  public static final Duration STALE_CONFIRM = Duration.ofSeconds(30);

  /** An exchange this publisher declares on every new channel before publishing to it. */
  public record Exchange(String name, String type) {
    public Exchange {
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(type, "type is null");
    }
  }

  private final ConnectionFactory factory;
  private final String connectionName;
  private final List<Exchange> exchanges;
  private final Duration staleConfirm;
  private Session session;
  private boolean closed;

  /**
   * After a failed connect, publishing fails at once with its cause until this time (nanoTime), 1 s
   * after the first failure and doubling to 10 s: a relay that sends its pending messages one after
   * another then waits for one connect per pass, not one per message (a broker that accepts
   * connections but does not answer them made each wait for its handshake timeout).
   */
  private long connectAgainAt;

  private Duration connectBackoff = Duration.ZERO;
  private Exception lastConnectFailure;

  public ConfirmingPublisher(
      ConnectionFactory factory, String connectionName, List<Exchange> exchanges) {
    this(factory, connectionName, exchanges, STALE_CONFIRM);
  }

  public ConfirmingPublisher(
      ConnectionFactory factory,
      String connectionName,
      List<Exchange> exchanges,
      Duration staleConfirm) {
    this.staleConfirm = Objects.requireNonNull(staleConfirm, "staleConfirm is null");
    this.factory = Objects.requireNonNull(factory, "factory is null");
    this.connectionName = Objects.requireNonNull(connectionName, "connectionName is null");
    this.exchanges = List.copyOf(exchanges);
    factory.setAutomaticRecoveryEnabled(false);
  }

  /**
   * A factory for a broker at host:port with a user and password, and every wait bounded: a broker
   * that is starting or stopping can accept the connection and then not answer, and the client's
   * default of 10 minutes for a channel operation held a service's outbox relay (and every other
   * publisher of the JVM, which wait on it) through a whole fault-suite trial.
   */
  public static ConnectionFactory factory(String host, int port, String username, String password) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(host);
    factory.setPort(port);
    factory.setUsername(username);
    factory.setPassword(password);
    factory.setConnectionTimeout(5_000);
    factory.setHandshakeTimeout(5_000);
    factory.setChannelRpcTimeout(10_000);
    factory.setShutdownTimeout(1_000);
    // Heartbeats find a connection whose peer went away without closing it within 30 s.
    factory.setRequestedHeartbeat(15);
    return factory;
  }

  /**
   * Publishes one persistent message (the caller's properties decide) and returns a future that
   * completes when the broker confirmed it. Never throws: a failure to connect or to write fails
   * the future.
   */
  public synchronized CompletableFuture<Void> publish(
      String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    if (closed) {
      confirmed.completeExceptionally(new IllegalStateException(connectionName + " is closed"));
      return confirmed;
    }
    Session current;
    try {
      current = session();
    } catch (IOException | TimeoutException | RuntimeException e) {
      confirmed.completeExceptionally(e);
      return confirmed;
    }
    long tag = current.channel.getNextPublishSeqNo();
    current.awaiting.put(tag, new Awaiting(confirmed, System.nanoTime()));
    try {
      current.channel.basicPublish(exchange, routingKey, properties, body);
    } catch (IOException | RuntimeException e) {
      current.awaiting.remove(tag);
      confirmed.completeExceptionally(e);
      discard(current, e);
    }
    return confirmed;
  }

  /** How many published messages await their confirm (for tests and metrics). */
  public synchronized int awaitingConfirms() {
    return session == null ? 0 : session.awaiting.size();
  }

  private Session session() throws IOException, TimeoutException {
    if (session != null && session.usable()) {
      if (!session.waitedLongerThan(staleConfirm)) {
        return session;
      }
      LOG.warnf(
          "%s: no confirm from the broker for %s; opening a new connection",
          connectionName, staleConfirm);
      discard(session, new IOException("no confirm within " + staleConfirm));
    } else if (session != null) {
      discard(session, new IOException("channel closed"));
    }
    if (lastConnectFailure != null && System.nanoTime() - connectAgainAt < 0) {
      throw new IOException(
          "not connecting again for up to "
              + connectBackoff.toMillis()
              + " ms after: "
              + lastConnectFailure,
          lastConnectFailure);
    }
    try {
      session = connect();
    } catch (IOException | TimeoutException | RuntimeException e) {
      connectBackoff =
          connectBackoff.isZero()
              ? Duration.ofSeconds(1)
              : connectBackoff.multipliedBy(2).compareTo(MAX_CONNECT_BACKOFF) > 0
                  ? MAX_CONNECT_BACKOFF
                  : connectBackoff.multipliedBy(2);
      connectAgainAt = System.nanoTime() + connectBackoff.toNanos();
      lastConnectFailure = e;
      throw e;
    }
    connectBackoff = Duration.ZERO;
    lastConnectFailure = null;
    return session;
  }

  private static final Duration MAX_CONNECT_BACKOFF = Duration.ofSeconds(10);

  private Session connect() throws IOException, TimeoutException {
    Connection connection = factory.newConnection(connectionName);
    try {
      Channel channel = connection.createChannel();
      for (Exchange exchange : exchanges) {
        channel.exchangeDeclare(exchange.name(), exchange.type(), true);
      }
      channel.confirmSelect();
      LOG.debugf("%s: connected to %s", connectionName, connection.getAddress());
      return new Session(connection, channel);
    } catch (IOException | RuntimeException e) {
      connection.abort(1_000);
      throw e;
    }
  }

  /** Fails every message awaiting a confirm on this session and closes its connection. */
  private void discard(Session stale, Throwable cause) {
    if (session == stale) {
      session = null;
    }
    stale.failAll(cause);
    if (stale.connection.isOpen()) {
      stale.connection.abort(1_000);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (session != null) {
      discard(session, new IllegalStateException(connectionName + " is closed"));
    }
  }

  /** A published message's confirm, and when it was published. */
  private record Awaiting(CompletableFuture<Void> confirmed, long publishedNanos) {}

  /** One connection and channel, and the messages published on it that await their confirm. */
  private static final class Session implements ConfirmListener {
    final Connection connection;
    final Channel channel;
    final ConcurrentNavigableMap<Long, Awaiting> awaiting = new ConcurrentSkipListMap<>();
    volatile boolean shutDown;

    Session(Connection connection, Channel channel) {
      this.connection = connection;
      this.channel = channel;
      channel.addConfirmListener(this);
      // Runs on the connection's thread; it takes no lock, so it cannot wait on a publisher.
      channel.addShutdownListener(this::shutdown);
    }

    boolean usable() {
      return !shutDown && channel.isOpen() && connection.isOpen();
    }

    boolean waitedLongerThan(Duration bound) {
      Map.Entry<Long, Awaiting> oldest = awaiting.firstEntry();
      return oldest != null
          && System.nanoTime() - oldest.getValue().publishedNanos() > bound.toNanos();
    }

    private void shutdown(ShutdownSignalException cause) {
      shutDown = true;
      failAll(cause);
    }

    void failAll(Throwable cause) {
      for (Map.Entry<Long, Awaiting> entry = awaiting.pollFirstEntry();
          entry != null;
          entry = awaiting.pollFirstEntry()) {
        entry.getValue().confirmed().completeExceptionally(cause);
      }
    }

    @Override
    public void handleAck(long deliveryTag, boolean multiple) {
      settle(deliveryTag, multiple, null);
    }

    @Override
    public void handleNack(long deliveryTag, boolean multiple) {
      settle(deliveryTag, multiple, new IOException("the broker nacked the message"));
    }

    private void settle(long deliveryTag, boolean multiple, Throwable failure) {
      Map<Long, Awaiting> settled =
          multiple
              ? awaiting.headMap(deliveryTag, true)
              : awaiting.subMap(deliveryTag, true, deliveryTag, true);
      for (Long tag : List.copyOf(settled.keySet())) {
        Awaiting message = awaiting.remove(tag);
        if (message == null) {
          continue;
        }
        if (failure == null) {
          message.confirmed().complete(null);
        } else {
          message.confirmed().completeExceptionally(failure);
        }
      }
    }
  }
}
