package io.relspec.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.catalog.CatalogErrorCode;
import io.relspec.contracts.api.validation.CatalogDiagnostic;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskOrigin;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.contracts.spec.TaskTemplate.ParameterKind;
import io.relspec.platform.error.RelspecException;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CatalogStateTest {
  static final DatasetName ORDERS = DatasetName.of("orders");

  static DatasetContract orders(Map<String, String> metadata) {
    return new DatasetContract(
        new ArrowSchema(
            List.of(
                ArrowField.of("file_id", "utf8", false),
                ArrowField.of("id", "int64", false),
                ArrowField.of("amount", "decimal(10,2)", true))),
        "file_id",
        "orders as extracted",
        metadata);
  }

  static final TaskTemplate DEDUPE =
      new TaskTemplate(
          List.of(
              new TaskTemplate.Parameter("source", ParameterKind.DATASET),
              new TaskTemplate.Parameter("keys", ParameterKind.COLUMN_LIST)),
          "SELECT DISTINCT {{keys}} FROM {{source}}",
          TaskKind.VIEW);

  static void assertCode(ThrowingCallable call, CatalogErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RelspecException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }

  @Test
  void aTaskOutputDefaultsToItsNameAndTwoProducersOfOneOutputAreRefusedNamingBoth() {
    CatalogState state =
        CatalogState.empty().putTask(TaskName.of("a"), TaskSpec.compute(null, "SELECT 1 AS x"));
    assertThat(state.tasks().get(TaskName.of("a")).output()).isEqualTo(DatasetName.of("a"));
    assertThatThrownBy(
            () ->
                state.putTask(
                    TaskName.of("b"), TaskSpec.compute(DatasetName.of("a"), "SELECT 2 AS x")))
        .isInstanceOf(RelspecException.class)
        .hasMessageContaining("'a'")
        .hasMessageContaining("'b'");
  }

  @Test
  void aBundleAdoptsATaskRegisteredOnItsOwnOnlyAsRegistered() {
    CatalogState api =
        CatalogState.empty().putTask(TaskName.of("big"), TaskSpec.compute(null, "SELECT 1 AS x"));
    TaskBundle different =
        new TaskBundle(
            "shop",
            "1",
            null,
            null,
            null,
            null,
            Map.of(TaskName.of("big"), TaskSpec.compute(null, "SELECT 2 AS x")));
    assertCode(() -> api.putBundle(different, "api"), CatalogErrorCode.NAME_CONFLICT);
    TaskBundle same =
        new TaskBundle(
            "shop",
            "1",
            null,
            null,
            null,
            null,
            Map.of(TaskName.of("big"), TaskSpec.compute(null, "SELECT 1 AS x")));
    assertThat(api.putBundle(same, "api").tasks().get(TaskName.of("big")).bundle())
        .isEqualTo("shop");
  }

  @Test
  void sqlThatIsNotExactlyOneQueryIsRefusedWithItsCode() {
    assertCode(
        () ->
            CatalogState.empty().putTask(TaskName.of("t"), TaskSpec.compute(null, "DELETE FROM x")),
        CatalogErrorCode.NOT_A_QUERY);
    assertCode(
        () -> CatalogState.empty().putTask(TaskName.of("t"), TaskSpec.compute(null, "SELEC 1")),
        CatalogErrorCode.SYNTAX_ERROR);
    assertCode(
        () ->
            CatalogState.empty()
                .putTask(TaskName.of("t"), TaskSpec.compute(null, "SELECT 1 AS x; SELECT 2 AS y")),
        CatalogErrorCode.MULTIPLE_STATEMENTS);
    assertCode(
        () ->
            CatalogState.empty()
                .putTask(
                    TaskName.of("t"),
                    TaskSpec.compute(
                        null, "SELECT 1 AS x --" + "x".repeat(TaskSpec.MAX_SQL_BYTES))),
        CatalogErrorCode.SQL_TOO_LARGE);
  }

  @Test
  void contractTemplateInstancesBecomeTasksWithDeterministicNames() {
    CatalogState state =
        CatalogState.empty()
            .putTemplate("dedupe", DEDUPE)
            .putDataset(
                ORDERS,
                orders(
                    Map.of(
                        "relspec.templates",
                        "[{\"template\":\"dedupe\",\"args\":{\"keys\":[\"id\"]}},"
                            + "{\"template\":\"dedupe\",\"args\":{\"keys\":\"id, amount\"}}]")));
    Map<TaskName, TaskSpec> tasks = state.effectiveTasks();
    assertThat(tasks)
        .containsOnlyKeys(TaskName.of("orders__dedupe_1"), TaskName.of("orders__dedupe_2"));
    TaskSpec first = tasks.get(TaskName.of("orders__dedupe_1"));
    assertThat(first.sql()).isEqualTo("SELECT DISTINCT \"id\" FROM orders");
    assertThat(first.origin()).isEqualTo(TaskOrigin.CONTRACT);
    assertThat(first.kind()).isEqualTo(TaskKind.VIEW);
    assertThat(first.metadata()).containsEntry("relspec.contract", "orders");
    assertThat(tasks.get(TaskName.of("orders__dedupe_2")).sql())
        .isEqualTo("SELECT DISTINCT \"id\", \"amount\" FROM orders");
    assertThat(state.tasks()).isEmpty();
  }

  @Test
  void badTemplateInstancesAreRefusedNamingTheArgument() {
    CatalogState withTemplate = CatalogState.empty().putTemplate("dedupe", DEDUPE);
    assertThatThrownBy(
            () ->
                withTemplate.putDataset(
                    ORDERS,
                    orders(
                        Map.of(
                            "relspec.templates",
                            "[{\"template\":\"dedupe\",\"args\":{\"keys\":[\"nope\"]}}]"))))
        .isInstanceOfSatisfying(
            RelspecException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(CatalogErrorCode.INVALID_TEMPLATE_INSTANCE);
              assertThat(e.violations().get(0).field()).endsWith("[0].args.keys");
              assertThat(e.getMessage()).contains("column 'nope' is not in the dataset");
            });
    assertCode(
        () ->
            withTemplate.putDataset(
                ORDERS,
                orders(Map.of("relspec.templates", "[{\"template\":\"missing\",\"args\":{}}]"))),
        CatalogErrorCode.INVALID_TEMPLATE_INSTANCE);
    assertCode(
        () ->
            withTemplate.putDataset(
                ORDERS,
                orders(
                    Map.of(
                        "relspec.templates",
                        "[{\"template\":\"dedupe\",\"args\":{\"keys\":[\"id) FROM x; --\"]}}]"))),
        CatalogErrorCode.INVALID_TEMPLATE_INSTANCE);
    assertCode(
        () -> withTemplate.putDataset(ORDERS, orders(Map.of("relspec.templates", "{not json"))),
        CatalogErrorCode.INVALID_TEMPLATE_INSTANCE);
  }

  @Test
  void literalsAreQuotedSoAnArgumentCannotAddSql() throws Exception {
    TaskTemplate filter =
        new TaskTemplate(
            List.of(
                new TaskTemplate.Parameter("source", ParameterKind.DATASET),
                new TaskTemplate.Parameter("status", ParameterKind.LITERAL),
                new TaskTemplate.Parameter("limit", ParameterKind.LITERAL)),
            "SELECT * FROM {{source}} WHERE status = {{status}} LIMIT {{ limit }}",
            null);
    assertThat(
            TemplateExpander.expand(
                filter, Map.of("status", "x' OR '1'='1", "limit", 10), "orders", name -> null))
        .isEqualTo("SELECT * FROM orders WHERE status = 'x'' OR ''1''=''1' LIMIT 10");
  }

  @Test
  void aTemplateInUseCannotBeDeletedAndSynthesizedTasksCannotBeEditedDirectly() {
    CatalogState state =
        CatalogState.empty()
            .putTemplate("dedupe", DEDUPE)
            .putDataset(
                ORDERS,
                orders(
                    Map.of(
                        "relspec.templates",
                        "[{\"template\":\"dedupe\",\"args\":{\"keys\":[\"id\"]},\"name\":\"ids\"}]")));
    assertCode(() -> state.removeTemplate("dedupe"), CatalogErrorCode.TEMPLATE_IN_USE);
    assertCode(
        () -> state.putTask(TaskName.of("ids"), TaskSpec.compute(null, "SELECT 1 AS x")),
        CatalogErrorCode.SYNTHESIZED_TASK);
    assertCode(() -> state.removeTask(TaskName.of("ids")), CatalogErrorCode.SYNTHESIZED_TASK);
  }

  @Test
  void aBundleOwnsItsMembersAndANewVersionReplacesThem() {
    TaskBundle v1 =
        new TaskBundle(
            "shop",
            "1",
            "sales",
            Map.of(ORDERS, orders(null)),
            null,
            null,
            Map.of(
                TaskName.of("big"),
                    TaskSpec.compute(null, "SELECT id FROM orders WHERE amount > 10"),
                TaskName.of("old"), TaskSpec.compute(null, "SELECT id FROM orders")));
    CatalogState state = CatalogState.empty().putBundle(v1, null);
    TaskSpec big = state.tasks().get(TaskName.of("big"));
    assertThat(big.bundle()).isEqualTo("shop");
    assertThat(big.domain()).isEqualTo("sales");
    assertThat(big.origin()).isEqualTo(TaskOrigin.BUNDLE);
    assertCode(() -> state.removeTask(TaskName.of("big")), CatalogErrorCode.OWNED_BY_BUNDLE);
    assertCode(() -> state.putDataset(ORDERS, orders(null)), CatalogErrorCode.OWNED_BY_BUNDLE);

    TaskBundle v2 =
        new TaskBundle(
            "shop",
            "2",
            "sales",
            Map.of(ORDERS, orders(null)),
            null,
            null,
            Map.of(
                TaskName.of("big"),
                TaskSpec.compute(null, "SELECT id FROM orders WHERE amount > 20")));
    CatalogState next = state.putBundle(v2, null);
    assertThat(next.tasks()).containsOnlyKeys(TaskName.of("big"));
    assertThat(next.bundles().get("shop").version()).isEqualTo("2");

    TaskBundle other =
        new TaskBundle(
            "other",
            "1",
            null,
            null,
            null,
            null,
            Map.of(TaskName.of("big"), TaskSpec.compute(null, "SELECT 1 AS x")));
    assertCode(() -> next.putBundle(other, null), CatalogErrorCode.NAME_CONFLICT);
    assertThat(next.removeBundle("shop")).isEqualTo(CatalogState.empty());
  }

  @Test
  void aBundleWithOneBadTaskChangesNothing() {
    TaskBundle bad =
        new TaskBundle(
            "shop",
            "1",
            null,
            Map.of(ORDERS, orders(null)),
            null,
            null,
            Map.of(
                TaskName.of("good"), TaskSpec.compute(null, "SELECT id FROM orders"),
                TaskName.of("bad"), TaskSpec.compute(null, "DROP TABLE orders")));
    CatalogState empty = CatalogState.empty();
    assertThatThrownBy(() -> empty.putBundle(bad, null))
        .isInstanceOfSatisfying(
            RelspecException.class,
            e -> assertThat(e.violations().get(0).field()).isEqualTo("tasks.bad.sql"));
    assertThat(empty).isEqualTo(CatalogState.empty());
  }

  @Test
  void validationAndCoverageFollowWhatTasksRead() {
    CatalogState state =
        CatalogState.empty()
            .putDataset(ORDERS, orders(null))
            .putDataset(DatasetName.of("unused"), orders(null))
            .putTask(
                TaskName.of("big"),
                new TaskSpec(
                    null, "SELECT id FROM orders", null, null, null, "sales", null, null, null))
            .putTask(TaskName.of("orphan"), TaskSpec.compute(null, "SELECT * FROM nowhere"));
    CatalogAnalysis analysis = new CatalogAnalysis(state);
    var report = analysis.validation();
    assertThat(report.valid()).isFalse();
    assertThat(report.diagnostics())
        .extracting(CatalogDiagnostic::code, CatalogDiagnostic::name)
        .contains(
            org.assertj.core.groups.Tuple.tuple("UNKNOWN_INPUT", "orphan"),
            org.assertj.core.groups.Tuple.tuple("DATASET_NEVER_READ", "unused"));
    var coverage = analysis.coverage();
    assertThat(coverage.datasetsNeverRead()).containsExactly("unused");
    assertThat(coverage.outputsNeverRead()).containsExactly("big", "orphan");
    assertThat(coverage.domains().get("sales").reads()).containsExactly("orders");
    assertThat(coverage.domains()).containsKey(CatalogAnalysis.NO_DOMAIN);
  }
}
