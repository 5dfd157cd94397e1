package io.relspec.platform.nativeimage;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.relspec.contracts.api.BundleSummary;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.DatasetDirectory;
import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.api.LineageGraph;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.api.PlanCatalogDiff;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.api.runs.PlannedTask;
import io.relspec.contracts.api.runs.RunAccepted;
import io.relspec.contracts.api.runs.RunPreview;
import io.relspec.contracts.api.runs.RunProblem;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.SelectionReason;
import io.relspec.contracts.api.runs.TaskAction;
import io.relspec.contracts.api.runs.TaskAttemptState;
import io.relspec.contracts.api.runs.TaskRunDefinition;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.runs.TaskRunStatus;
import io.relspec.contracts.api.runs.TaskTiming;
import io.relspec.contracts.api.validation.BlockedReason;
import io.relspec.contracts.api.validation.CatalogDiagnostic;
import io.relspec.contracts.api.validation.CatalogValidationReport;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.api.validation.GraphDiagnosticCode;
import io.relspec.contracts.api.validation.ValidationReport;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.messaging.ExecutorHeartbeat;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.PlanCatalogCompiled;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.messaging.RunState;
import io.relspec.contracts.messaging.SnapshotPublished;
import io.relspec.contracts.messaging.SourceDataUpdated;
import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskOrigin;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.contracts.spec.TemplateInstance;

/**
 * The contract records and enums Jackson reads and writes by reflection (messages, REST bodies,
 * bundles), registered for a native image with their nested types. The contracts module stays free
 * of Quarkus; a test keeps this list complete.
 */
@RegisterForReflection(
    targets = {
      BundleSummary.class,
      CatalogSnapshot.class,
      ColumnLineage.class,
      DatasetDirectory.class,
      FileScope.class,
      LineageGraph.class,
      PlanArtifact.class,
      PlanCatalog.class,
      PlanCatalogDiff.class,
      RequiredColumn.class,
      PlannedTask.class,
      RunAccepted.class,
      RunPreview.class,
      RunProblem.class,
      RunStatus.class,
      SelectionReason.class,
      TaskAction.class,
      TaskRunState.class,
      TaskRunStatus.class,
      TaskRunDefinition.class,
      TaskAttemptState.class,
      TaskTiming.class,
      BlockedReason.class,
      CatalogDiagnostic.class,
      CatalogValidationReport.class,
      GraphDiagnostic.class,
      GraphDiagnosticCode.class,
      ValidationReport.class,
      ArrowField.class,
      ArrowSchema.class,
      ArrowType.class,
      MessageType.class,
      PlanCatalogCompiled.class,
      RunFinished.class,
      RunMode.class,
      RunRequested.class,
      RunState.class,
      SnapshotPublished.class,
      SourceDataUpdated.class,
      TaskFailureCode.class,
      TaskRunFailed.class,
      TaskRunHeartbeat.class,
      ExecutorHeartbeat.class,
      TaskRunRequested.class,
      TaskRunSucceeded.class,
      DatasetName.class,
      Fingerprint.class,
      TaskName.class,
      CachePolicy.class,
      DatasetContract.class,
      FunctionSpec.class,
      TaskBundle.class,
      TaskKind.class,
      TaskOrigin.class,
      TaskSpec.class,
      TaskTemplate.class,
      TemplateInstance.class
    })
public final class ContractsReflection {
  private ContractsReflection() {}
}
