package io.relspec.catalog.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.catalog.model.CatalogState;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SpecTablesTest {

  @Test
  void everyTableDecodesBackToTheSameSpecs() throws Exception {
    CatalogState state =
        CatalogState.empty()
            .putDataset(
                DatasetName.of("raw.orders"),
                new DatasetContract(
                    new ArrowSchema(
                        List.of(
                            new ArrowField(
                                "file_id", ArrowType.parse("utf8"), false, Map.of("k", "v")),
                            ArrowField.of("at", "timestamp[us, tz=UTC]", true),
                            ArrowField.of("tags", "list<utf8>", true))),
                    "file_id",
                    null,
                    Map.of("owner", "team-a")))
            .putFunction(
                "tag",
                new FunctionSpec(
                    List.of(
                        new FunctionSpec.Parameter("prefix", ArrowType.parse("utf8")),
                        new FunctionSpec.Parameter("k", ArrowType.parse("utf8"))),
                    ArrowType.parse("utf8"),
                    "prefix || ':' || k"))
            .putTemplate(
                "pick",
                new TaskTemplate(
                    List.of(
                        new TaskTemplate.Parameter("source", TaskTemplate.ParameterKind.DATASET)),
                    "SELECT * FROM {{source}}",
                    null))
            .putTask(
                TaskName.of("a"),
                new TaskSpec(
                    null, "SELECT 1 AS x", null, null, 7, "d", null, Map.of("m", "n"), null))
            .putTask(TaskName.of("b"), TaskSpec.compute(null, "SELECT 2 AS y"));
    CatalogSnapshot snapshot =
        new CatalogSnapshot(
            "id",
            null,
            Instant.EPOCH,
            state.datasets(),
            state.functions(),
            state.templates(),
            state.effectiveTasks(),
            state.bundles());
    assertThat(roundTrip(snapshot, SpecTables.Table.DATASETS))
        .isEqualTo(
            new TreeMap<>(Map.of("raw.orders", snapshot.datasets().values().iterator().next())));
    assertThat(roundTrip(snapshot, SpecTables.Table.FUNCTIONS)).isEqualTo(snapshot.functions());
    assertThat(roundTrip(snapshot, SpecTables.Table.TEMPLATES)).isEqualTo(snapshot.templates());
    TreeMap<String, Object> tasks = new TreeMap<>();
    snapshot.tasks().forEach((name, spec) -> tasks.put(name.value(), spec));
    assertThat(roundTrip(snapshot, SpecTables.Table.TASKS)).isEqualTo(tasks);
  }

  @Test
  void anEmptyTableIsAValidStream() throws Exception {
    CatalogSnapshot empty =
        new CatalogSnapshot("id", null, Instant.EPOCH, null, null, null, null, null);
    assertThat(roundTrip(empty, SpecTables.Table.TASKS)).isEmpty();
  }

  private static Map<String, Object> roundTrip(CatalogSnapshot snapshot, SpecTables.Table table)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SpecTables.write(snapshot, table, out);
    return SpecTables.read(table, new ByteArrayInputStream(out.toByteArray()));
  }
}
