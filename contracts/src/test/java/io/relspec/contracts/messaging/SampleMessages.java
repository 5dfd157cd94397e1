package io.relspec.contracts.messaging;

import io.relspec.contracts.api.PlanCatalogDiff;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.messaging.PlanCatalogCompiled.CompileFailure;
import io.relspec.contracts.messaging.PlanCatalogCompiled.PlanChanges;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.WriteMode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One fully populated sample per message type; the golden files are these, serialized. */
final class SampleMessages {
  private static final Instant AT = Instant.parse("2026-11-21T10:15:30.123456Z");
  private static final Fingerprint FP = Fingerprint.sha256("select 1");

  private SampleMessages() {}

  static RelspecMessage sample(MessageType type) {
    UUID id =
        UUID.nameUUIDFromBytes(type.typeName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return switch (type) {
      case SNAPSHOT_PUBLISHED -> new SnapshotPublished(id, AT, "snap-b", "snap-a", 3, 7);
      case PLAN_CATALOG_COMPILED ->
          new PlanCatalogCompiled(
              id,
              AT,
              "plans-2",
              "snap-b",
              "plans-1",
              Map.of(TaskName.of("cpg_nodes"), FP, TaskName.of("cst_defs_norm"), FP),
              List.of(
                  new CompileFailure(
                      TaskName.of("broken"), "SYNTAX_ERROR", "unexpected \"FORM\"", 1, 10)),
              new PlanChanges(
                  List.of(TaskName.of("cpg_nodes")),
                  List.of(TaskName.of("old_task")),
                  List.of(TaskName.of("cpg_edges")),
                  List.of(TaskName.of("cst_defs_norm")),
                  Map.of(TaskName.of("cpg_edges"), PlanCatalogDiff.Category.NON_BREAKING)));
      case RUN_REQUESTED ->
          new RunRequested(
              id,
              AT,
              "ci-pipeline",
              RunMode.INCREMENTAL,
              List.of(DatasetName.of("cpg_edges")),
              Map.of(DatasetName.of("cst_defs"), List.of("f-001", "f-002")),
              Map.of(DatasetName.of("cst_defs"), List.of("f-009")),
              List.of(TaskName.of("quality_checks")),
              false);
      case TASK_RUN_REQUESTED ->
          new TaskRunRequested(
              id,
              AT,
              "run-1",
              "run-1/cpg_nodes",
              TaskName.of("cpg_nodes"),
              1,
              DatasetName.of("cpg_nodes"),
              "SELECT file_id, stable_id('node', name) AS name FROM cst_defs_norm",
              FP,
              List.of(
                  new InputLocation(
                      DatasetName.of("cst_defs"), 4L, "executor-0", "grpc://executor-0:8815")),
              List.of(
                  new ViewDefinition(
                      DatasetName.of("cst_defs_norm"),
                      "SELECT file_id, lower(name) AS name FROM cst_defs")),
              List.of(
                  new MacroDefinition("stable_id", List.of("prefix", "k"), "prefix || ':' || k")),
              WriteMode.UPSERT_FILES,
              "file_id",
              List.of("f-001", "f-002"),
              Map.of(DatasetName.of("cst_defs"), "file_id"),
              AT.plusSeconds(3600),
              new ArrowSchema(
                  List.of(
                      new ArrowField("file_id", ArrowType.parse("utf8"), false, Map.of()),
                      new ArrowField("name", ArrowType.parse("utf8"), true, Map.of()))),
              new InputLocation(
                  DatasetName.of("cpg_nodes"), 3L, "executor-1", "grpc://executor-1:8815"),
              true);
      case EXECUTOR_HEARTBEAT ->
          new ExecutorHeartbeat(id, AT, "executor-0", 4, 1, "grpc://executor-0:8815");
      case TASK_RUN_HEARTBEAT ->
          new TaskRunHeartbeat(
              id, AT, "run-1", "run-1/cpg_nodes", 1, "executor-0", TaskName.of("cpg_nodes"));
      case TASK_RUN_SUCCEEDED ->
          new TaskRunSucceeded(
              id,
              AT,
              "run-1",
              "run-1/cpg_nodes",
              TaskName.of("cpg_nodes"),
              1,
              "executor-0",
              DatasetName.of("cpg_nodes"),
              5,
              1200,
              48_000,
              new ArrowSchema(
                  List.of(
                      ArrowField.of("file_id", "utf8", false),
                      ArrowField.of("amount", "decimal(10,2)", true),
                      ArrowField.of("seen_at", "timestamp[us]", true))),
              "grpc://executor-0:8815",
              830,
              "5f2b0c4e9d1a7b3c8e6f0a2d4c6b8e0f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b",
              List.of("src/a.py", "src/b.py"));
      case TASK_RUN_FAILED ->
          new TaskRunFailed(
              id,
              AT,
              "run-1",
              "run-1/cpg_nodes",
              TaskName.of("cpg_nodes"),
              2,
              "executor-1",
              TaskFailureCode.INPUT_NOT_AVAILABLE,
              "cannot fetch 'cst_defs' version 4 from grpc://executor-0:8815: UNAVAILABLE",
              true,
              1500,
              List.of(DatasetName.of("cst_defs")));
      case RUN_FINISHED ->
          new RunFinished(
              id, AT, "run-1", RunState.SUCCEEDED, Map.of("SUCCEEDED", 20, "REUSED", 4), 12_345);
      case SOURCE_DATA_UPDATED ->
          new SourceDataUpdated(
              id,
              AT,
              DatasetName.of("cst_defs"),
              List.of("f-002", "f-001"),
              List.of("f-009"),
              6L,
              true,
              "executor-0",
              "grpc://executor-0:8815",
              null);
    };
  }
}
