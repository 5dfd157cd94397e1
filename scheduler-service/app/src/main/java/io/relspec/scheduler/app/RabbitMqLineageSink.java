package io.relspec.scheduler.app;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.runtime.ShutdownEvent;
import io.relspec.scheduler.lineage.LineageConfig;
import io.relspec.scheduler.lineage.LineageSink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes OpenLineage events to the topic exchange {@code relspec.lineage} on a connection of its
 * own, in confirm mode: lineage never shares a connection or a publisher with the run's messages,
 * so a broker outage it is still recovering from cannot hold up a TaskRunRequested.
 */
@ApplicationScoped
public class RabbitMqLineageSink implements LineageSink {
  private static final long CONFIRM_TIMEOUT_MILLIS = 30_000;

  private final ConnectionFactory factory = new ConnectionFactory();
  private final String exchange;
  private Connection connection;
  private Channel channel;

  public RabbitMqLineageSink(
      LineageConfig config,
      @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
      @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
      @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
      @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password) {
    this.exchange = config.exchange();
    factory.setHost(host);
    factory.setPort(port);
    factory.setUsername(username);
    factory.setPassword(password);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(10_000);
  }

  @Override
  public synchronized void publish(List<Published> events) throws Exception {
    try {
      Channel open = channel();
      for (Published event : events) {
        open.basicPublish(
            exchange,
            event.routingKey(),
            new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build(),
            event.payload().getBytes(StandardCharsets.UTF_8));
      }
      open.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
    } catch (Exception e) {
      // A fresh connection next time: an old one may be half closed after a broker restart.
      close();
      throw e;
    }
  }

  private Channel channel() throws Exception {
    if (channel == null || !channel.isOpen()) {
      close();
      connection = factory.newConnection("relspec-scheduler-lineage");
      channel = connection.createChannel();
      channel.exchangeDeclare(exchange, "topic", true);
      channel.confirmSelect();
    }
    return channel;
  }

  private synchronized void close() {
    try {
      if (connection != null && connection.isOpen()) {
        connection.abort(1_000);
      }
    } finally {
      connection = null;
      channel = null;
    }
  }

  void stop(@Observes ShutdownEvent event) {
    close();
  }
}
