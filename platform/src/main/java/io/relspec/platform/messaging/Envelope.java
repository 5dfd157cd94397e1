package io.relspec.platform.messaging;

import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker-facing attributes of a Relspec message, whoever publishes it: message-id = eventId,
 * routing key per type, persistent delivery, JSON, and the CloudEvents attributes mirrored as
 * headers ({@code docs/events.md}).
 */
record Envelope(
    String messageId,
    String routingKey,
    String type,
    String appId,
    Instant occurredAt,
    Map<String, Object> headers) {
  static final int PERSISTENT = 2;
  static final String CONTENT_TYPE = "application/json";

  static Envelope of(RelspecMessage message, String source) {
    MessageType type = message.messageType();
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("ce_specversion", "1.0");
    headers.put("ce_id", message.eventId().toString());
    headers.put("ce_type", "io.relspec." + type.channel());
    headers.put("ce_source", "relspec/" + source);
    headers.put("ce_time", message.occurredAt().toString());
    return new Envelope(
        message.eventId().toString(),
        message.routingKey(),
        type.typeName(),
        source,
        message.occurredAt(),
        Map.copyOf(headers));
  }
}
