package io.relspec.compiler.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.compiler.plans.PlanCompiler;
import io.relspec.compiler.sql.CompiledQuery;
import io.relspec.compiler.sql.Deadline;
import io.relspec.compiler.sql.Fixtures;
import io.relspec.compiler.sql.QueryCompiler;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
  void aSourceContractGainingAColumnChangesOnlyThePlansThatReadIt() throws Exception {
    // orders gains "channel" in the middle of its columns: a task that names the columns it reads
    // keeps its fingerprint (so it is not re-run), one that reads every column does not.
    List<ArrowField> fields =
        new ArrayList<>(Fixtures.SOURCES.get(DatasetName.of("orders")).schema().fields());
    fields.add(2, ArrowField.of("channel", "utf8", true));
    Map<DatasetName, DatasetContract> gained = new TreeMap<>(Fixtures.SOURCES);
    DatasetContract orders = Fixtures.SOURCES.get(DatasetName.of("orders"));
    gained.put(
        DatasetName.of("orders"),
        new DatasetContract(
            new ArrowSchema(fields), orders.fileIdColumn(), orders.description(), null));
    for (String sql :
        new String[] {
          "SELECT id, amount * 2 AS doubled FROM orders WHERE status = 'open'",
          "SELECT customer_id, SUM(amount) AS total FROM orders GROUP BY customer_id",
          "SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer_id = c.id",
          "SELECT c.id FROM customers c WHERE NOT EXISTS"
              + " (SELECT 1 FROM orders o WHERE o.customer_id = c.id)",
          "SELECT id FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE amount > 5)",
        }) {
      assertThat(compileWith(gained, sql).fingerprint())
          .as(sql)
          .isEqualTo(Fixtures.compile(sql).fingerprint());
    }
    String all = "SELECT * FROM orders";
    assertThat(compileWith(gained, all).fingerprint())
        .isNotEqualTo(Fixtures.compile(all).fingerprint());
    String reads = "SELECT id, channel FROM orders";
    assertThat(compileWith(gained, reads).fingerprint()).isNotNull();
  }

  private static CompiledQuery compileWith(Map<DatasetName, DatasetContract> sources, String sql)
      throws Exception {
    return new QueryCompiler()
        .compile(sql, PlanCompiler.environment(sources, Fixtures.FUNCTIONS), Deadline.none());
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
