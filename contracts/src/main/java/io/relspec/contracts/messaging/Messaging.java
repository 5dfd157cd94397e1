package io.relspec.contracts.messaging;

/** Broker names shared by every service and by external systems that integrate by messages. */
public final class Messaging {
  /** Topic exchange for every event and command; routing key = {@link MessageType#routingKey()}. */
  public static final String EXCHANGE = "relspec.events";

  /** Where rejected and over-delivered messages go, with the reason in headers. */
  public static final String DEAD_LETTER_EXCHANGE = "relspec.dead-letters";

  /** The shared work queue all executors consume from (competing consumers). */
  public static final String TASK_RUN_QUEUE = "relspec.executor.task-run-requested";

  /** A message is dead-lettered after this many deliveries (quorum queue delivery limit). */
  public static final int DEFAULT_DELIVERY_LIMIT = 5;

  /** Header carrying why a message was dead-lettered. */
  public static final String DEAD_LETTER_REASON_HEADER = "x-relspec-dead-letter-reason";

  private Messaging() {}

  /** The durable queue a consuming service binds for one message type. */
  public static String queueName(String consumerService, MessageType type) {
    if (type == MessageType.TASK_RUN_REQUESTED) {
      return TASK_RUN_QUEUE;
    }
    return "relspec." + consumerService + "." + type.channel();
  }

  /** The dead-letter queue paired with a consumer queue. */
  public static String deadLetterQueueName(String queue) {
    return queue + ".dlq";
  }
}
