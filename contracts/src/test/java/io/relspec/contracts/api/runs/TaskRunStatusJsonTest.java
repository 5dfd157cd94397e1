package io.relspec.contracts.api.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A task run as GET /api/v1/runs/{id} shows it: one flat object, whatever records build it. The
 * golden file was written from the flat 18-field record this type replaced, so clients of the REST
 * API (the CLI among them) see no change. Regenerate after an intended change with {@code
 * -Dgolden.update=true}, then review the diff.
 */
class TaskRunStatusJsonTest {
  private static final String GOLDEN = "golden/api/task-run-status.json";

  @Test
  void serializesFlatAndReadsBack() throws IOException {
    TaskRunStatus sample = sample();
    String written =
        RelspecJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(sample) + "\n";
    if (Boolean.getBoolean("golden.update")) {
      Path target = Path.of("src/test/resources", GOLDEN);
      Files.createDirectories(target.getParent());
      Files.writeString(target, written, StandardCharsets.UTF_8);
    }
    String expected = resource(GOLDEN);
    assertThat(RelspecJson.mapper().readTree(written))
        .isEqualTo(RelspecJson.mapper().readTree(expected));
    assertThat(RelspecJson.read(expected, TaskRunStatus.class)).isEqualTo(sample);
  }

  @Test
  void readersSeeThroughToBothParts() {
    TaskRunStatus status = sample();
    assertThat(status.task()).isEqualTo(status.definition().task());
    assertThat(status.fileCount()).isEqualTo(4);
    assertThat(status.state()).isEqualTo(TaskRunState.PENDING);
    assertThat(status.placement()).startsWith("executor-a holds");
    TaskRunStatus next =
        status.withLatest(
            new TaskAttemptState(
                TaskRunState.SUCCEEDED, 3, "executor-b", 10L, 5L, 7L, null, null, null, null));
    assertThat(next.definition()).isSameAs(status.definition());
    assertThat(next.attempt()).isEqualTo(3);
  }

  @Test
  void aRunReadsBackWithItsTasks() {
    RunStatus run =
        new RunStatus(
            "run-1",
            io.relspec.contracts.messaging.RunState.RUNNING,
            io.relspec.contracts.messaging.RunMode.INCREMENTAL,
            "plans-1",
            Instant.parse("2026-12-07T10:00:00Z"),
            null,
            java.util.List.of(sample()));
    assertThat(RelspecJson.read(RelspecJson.write(run), RunStatus.class)).isEqualTo(run);
  }

  static TaskRunStatus sample() {
    return new TaskRunStatus(
        new TaskRunDefinition(
            TaskName.of("orders_by_day"),
            DatasetName.of("orders_by_day"),
            "compute",
            Fingerprint.of("a".repeat(64)),
            3,
            TaskAction.RUN,
            SelectionReason.UPSTREAM_CHANGED,
            4),
        new TaskAttemptState(
            TaskRunState.PENDING,
            2,
            "executor-a",
            null,
            1250L,
            null,
            "EXECUTOR_LOST",
            "no heartbeat for 30 s",
            Instant.parse("2026-12-07T10:00:05Z"),
            "executor-a holds 2 of 2 input bytes"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TaskRunStatusJsonTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as("golden file %s (create it with -Dgolden.update=true)", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
