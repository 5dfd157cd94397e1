package io.relspec.contracts.messaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * Every message kind with the channel name the services use and the routing key on the {@link
 * Messaging#EXCHANGE} exchange. Events are keyed by the service that publishes the fact; commands
 * by the service that acts on them.
 */
public enum MessageType {
  SNAPSHOT_PUBLISHED(SnapshotPublished.class, "catalog", Kind.EVENT),
  PLAN_CATALOG_COMPILED(PlanCatalogCompiled.class, "compiler", Kind.EVENT),
  RUN_REQUESTED(RunRequested.class, "scheduler", Kind.COMMAND),
  TASK_RUN_REQUESTED(TaskRunRequested.class, "executor", Kind.COMMAND),
  TASK_RUN_HEARTBEAT(TaskRunHeartbeat.class, "executor", Kind.EVENT),
  TASK_RUN_SUCCEEDED(TaskRunSucceeded.class, "executor", Kind.EVENT),
  TASK_RUN_FAILED(TaskRunFailed.class, "executor", Kind.EVENT),
  RUN_FINISHED(RunFinished.class, "scheduler", Kind.EVENT),
  SOURCE_DATA_UPDATED(SourceDataUpdated.class, "executor", Kind.EVENT),
  EXECUTOR_HEARTBEAT(ExecutorHeartbeat.class, "executor", Kind.EVENT);

  /** A fact that happened, or a request for a service to act. */
  public enum Kind {
    EVENT,
    COMMAND
  }

  private final Class<? extends RelspecMessage> recordType;
  private final String service;
  private final Kind kind;

  MessageType(Class<? extends RelspecMessage> recordType, String service, Kind kind) {
    this.recordType = recordType;
    this.service = service;
    this.kind = kind;
  }

  public Class<? extends RelspecMessage> recordType() {
    return recordType;
  }

  public Kind kind() {
    return kind;
  }

  /** The record's simple name, e.g. {@code SnapshotPublished}; sent as the AMQP type. */
  public String typeName() {
    return recordType.getSimpleName();
  }

  /** Kebab-case name, e.g. {@code snapshot-published}; also the in-process channel name. */
  public String channel() {
    return typeName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code <service>.<message-in-kebab-case>}, e.g. {@code catalog.snapshot-published}. */
  public String routingKey() {
    return service + "." + channel();
  }

  public static MessageType of(Class<?> recordType) {
    Objects.requireNonNull(recordType, "recordType is null");
    return Arrays.stream(values())
        .filter(type -> type.recordType.equals(recordType))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a Relspec message: " + recordType));
  }

  public static MessageType ofTypeName(String typeName) {
    return Arrays.stream(values())
        .filter(type -> type.typeName().equals(typeName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown message type: " + typeName));
  }
}
