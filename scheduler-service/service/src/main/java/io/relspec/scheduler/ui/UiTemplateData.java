package io.relspec.scheduler.ui;

import io.quarkus.qute.TemplateData;
import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.api.runs.PlannedTask;
import io.relspec.contracts.api.runs.RunPreview;
import io.relspec.contracts.api.runs.RunProblem;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.api.validation.ValidationReport;
import io.relspec.scheduler.graph.GraphNode;
import io.relspec.scheduler.runs.RunHistory;

/**
 * The types the UI's templates read properties of: Qute resolves them with generated accessors
 * instead of reflection, so the pages also work in a native image.
 */
@TemplateData(target = RunStatus.class)
@TemplateData(target = io.relspec.contracts.messaging.RunState.class)
@TemplateData(target = TaskRunStatus.class)
@TemplateData(target = PlanArtifact.class)
@TemplateData(target = FileScope.class)
@TemplateData(target = RequiredColumn.class)
@TemplateData(target = GraphDiagnostic.class)
@TemplateData(target = GraphNode.class)
@TemplateData(target = ValidationReport.class)
@TemplateData(target = PlannedTask.class)
@TemplateData(target = RunPreview.class)
@TemplateData(target = RunProblem.class)
@TemplateData(target = RunHistory.TaskHistoryEntry.class)
@TemplateData(target = GraphLayout.View.class)
@TemplateData(target = GraphLayout.Query.class)
@TemplateData(target = ColumnLineageGraph.View.class)
@TemplateData(target = ColumnLineageGraph.ColumnNode.class)
@TemplateData(target = ColumnLineageGraph.ColumnEdge.class)
@TemplateData(target = UiAccess.Viewer.class)
@TemplateData(target = UiResource.RunRow.class)
@TemplateData(target = UiResource.GridRow.class)
@TemplateData(target = UiResource.GridCell.class)
@TemplateData(target = UiResource.LineageRow.class)
@TemplateData(target = UiResource.OriginRow.class)
@TemplateData(target = UiResource.DiagnosticGroup.class)
final class UiTemplateData {
  private UiTemplateData() {}
}
