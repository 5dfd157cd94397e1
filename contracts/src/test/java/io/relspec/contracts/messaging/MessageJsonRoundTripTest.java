package io.relspec.contracts.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each message type against its golden file: the sample serializes to the golden JSON, and the
 * golden JSON reads back to an equal record. Regenerate after an intended change with {@code
 * -Dgolden.update=true}, then review the diff.
 */
class MessageJsonRoundTripTest {

  @ParameterizedTest
  @EnumSource(MessageType.class)
  void messageMatchesItsGoldenFile(MessageType type) throws IOException {
    RelspecMessage sample = SampleMessages.sample(type);
    String golden = "golden/" + type.channel() + ".json";
    String written =
        RelspecJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(sample) + "\n";

    if (Boolean.getBoolean("golden.update")) {
      Path target = Path.of("src/test/resources", golden);
      Files.writeString(target, written, StandardCharsets.UTF_8);
    }

    String expected = resource(golden);
    JsonNode expectedTree = RelspecJson.mapper().readTree(expected);
    assertThat(RelspecJson.mapper().readTree(written)).isEqualTo(expectedTree);
    assertThat(RelspecJson.read(expected, type.recordType())).isEqualTo(sample);
  }

  @ParameterizedTest
  @EnumSource(MessageType.class)
  void routingKeyIsServiceDotKebabCaseType(MessageType type) {
    assertThat(type.routingKey())
        .matches("(catalog|compiler|scheduler|executor)\\.[a-z]+(-[a-z]+)+");
    assertThat(SampleMessages.sample(type).messageType()).isEqualTo(type);
    assertThat(MessageType.ofTypeName(type.typeName())).isEqualTo(type);
  }

  @Test
  void snapshotPublishedRoutingKeyIsTheDocumentedOne() {
    assertThat(MessageType.SNAPSHOT_PUBLISHED.routingKey()).isEqualTo("catalog.snapshot-published");
    assertThat(MessageType.TASK_RUN_REQUESTED.channel()).isEqualTo("task-run-requested");
  }

  @Test
  void malformedJsonIsReportedWithTheTypeAndCause() {
    assertThatThrownBy(
            () -> RelspecJson.read("{\"eventId\":\"not-a-uuid\"}", SnapshotPublished.class))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageStartingWith("malformed SnapshotPublished:");
    assertThatThrownBy(() -> RelspecJson.read("{}", SnapshotPublished.class))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("eventId is null");
  }

  @Test
  void unknownFieldsFromNewerProducersAreIgnored() {
    RelspecMessage sample = SampleMessages.sample(MessageType.TASK_RUN_HEARTBEAT);
    String json = RelspecJson.write(sample).replaceFirst("\\{", "{\"addedLater\":42,");
    assertThat(RelspecJson.read(json, TaskRunHeartbeat.class)).isEqualTo(sample);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in =
        MessageJsonRoundTripTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as("golden file %s (create it with -Dgolden.update=true)", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
