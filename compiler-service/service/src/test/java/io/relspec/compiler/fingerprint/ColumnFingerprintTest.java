package io.relspec.compiler.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.compiler.plans.PlanCompiler;
import io.relspec.compiler.sql.CompiledQuery;
import io.relspec.compiler.sql.Fixtures;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskSpec;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Column-level fingerprints: a change to one output column's expression changes that column's
 * fingerprint only; a change to which rows exist changes the row set's; both are what lets a reader
 * of other columns skip a rebuild.
 */
class ColumnFingerprintTest {
  private static PlanArtifact plan(String sql) throws Exception {
    CompiledQuery query = Fixtures.compile(sql);
    return PlanCompiler.artifact(
        TaskName.of("t"),
        new TaskSpec(DatasetName.of("t"), sql, null, null, null, null, null, null, null),
        query);
  }

  @Test
  void changingOneColumnsExpressionChangesThatColumnAlone() throws Exception {
    PlanArtifact before =
        plan("SELECT id, amount * 2 AS doubled, status FROM orders WHERE amount > 5");
    PlanArtifact after =
        plan("SELECT id, amount * 3 AS doubled, status FROM orders WHERE amount > 5");
    assertThat(after.fingerprint()).isNotEqualTo(before.fingerprint());
    assertThat(after.rowSetFingerprint()).isEqualTo(before.rowSetFingerprint());
    assertThat(after.columnFingerprints().get("id"))
        .isEqualTo(before.columnFingerprints().get("id"));
    assertThat(after.columnFingerprints().get("doubled"))
        .isNotEqualTo(before.columnFingerprints().get("doubled"));
    assertThat(after.columnsChangedFrom(before)).containsExactly("doubled");
    // Reordering the output changes the plan, not any column a reader asks for by name.
    PlanArtifact reordered =
        plan("SELECT status, id, amount * 2 AS doubled FROM orders WHERE amount > 5");
    assertThat(reordered.fingerprint()).isNotEqualTo(before.fingerprint());
    assertThat(reordered.columnsChangedFrom(before)).isEmpty();
  }

  @Test
  void aNewColumnIsChangedAndTheOthersAreNot() throws Exception {
    PlanArtifact before = plan("SELECT id, status FROM orders");
    PlanArtifact after = plan("SELECT id, status, amount FROM orders");
    assertThat(after.columnsChangedFrom(before)).containsExactly("amount");
  }

  @Test
  void changingWhichRowsExistChangesEveryColumn() throws Exception {
    PlanArtifact before = plan("SELECT id, status FROM orders WHERE amount > 5");
    for (String sql :
        new String[] {
          "SELECT id, status FROM orders WHERE amount > 6",
          "SELECT DISTINCT id, status FROM orders WHERE amount > 5",
          "SELECT o.id, o.status FROM orders o JOIN customers c ON o.customer_id = c.id WHERE o.amount > 5",
        }) {
      PlanArtifact after = plan(sql);
      assertThat(after.rowSetFingerprint()).as(sql).isNotEqualTo(before.rowSetFingerprint());
      assertThat(after.columnsChangedFrom(before)).as(sql).isEqualTo(Set.of("id", "status"));
    }
  }

  @Test
  void anAggregateChangeIsSeenInTheRowSetSoNoColumnIsTakenAsUnchanged() throws Exception {
    PlanArtifact before = plan("SELECT status, SUM(amount) AS total FROM orders GROUP BY status");
    PlanArtifact after = plan("SELECT status, MAX(amount) AS total FROM orders GROUP BY status");
    assertThat(after.columnsChangedFrom(before)).contains("total");
    assertThat(
            plan("SELECT status, SUM(amount) AS total FROM orders GROUP BY status")
                .columnsChangedFrom(before))
        .isEmpty();
  }

  @Test
  void columnFingerprintsAreStableAcrossCompilations() throws Exception {
    String sql = "SELECT id, amount * 2 AS doubled FROM orders WHERE status = 'paid'";
    assertThat(plan(sql).columnFingerprints()).isEqualTo(plan(sql).columnFingerprints());
    assertThat(plan(sql).rowSetFingerprint()).isEqualTo(plan(sql).rowSetFingerprint());
  }
}
