package io.relspec.scheduler.lineage;

import java.util.List;

/**
 * Where the lineage relay publishes events: the distributed app's {@code relspec.lineage} exchange,
 * standalone's JSON lines file. Each deployment provides exactly one.
 */
public interface LineageSink {
  /** One event and its routing key ({@code openlineage.<type>.<eventType>}). */
  record Published(String routingKey, String payload) {}

  /**
   * Publishes {@code events} in order and returns once every one is durable (confirmed by the
   * broker, written to the file).
   *
   * @throws Exception when not all were; the relay keeps them and tries again
   */
  void publish(List<Published> events) throws Exception;
}
