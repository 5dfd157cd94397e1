package io.relspec.executor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.contracts.model.DatasetName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetStoreTest {
  @TempDir Path dataDir;
  private DatasetStore store;

  @BeforeEach
  void open() throws SQLException {
    store = DatasetStore.open(dataDir, "256MB", 1);
  }

  @AfterEach
  void close() throws SQLException {
    store.close();
  }

  @Test
  void replaceWritesANewVersionWithRowsAndSchema() throws Exception {
    StoredDataset first =
        store.replace(DatasetName.of("t"), "SELECT 1 AS id, 'a' AS label", List.of());
    StoredDataset second =
        store.replace(
            DatasetName.of("t"), "SELECT 2 AS id, 'b' AS label UNION ALL SELECT 3, 'c'", List.of());
    assertThat(first.version()).isEqualTo(1);
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.rows()).isEqualTo(2);
    assertThat(second.schema().fields())
        .extracting(field -> field.name() + ":" + field.type())
        .containsExactly("id:int32", "label:utf8");
  }

  @Test
  void upsertReplacesOnlyThePartitionsOfTheNamedFiles() throws Exception {
    DatasetName output = DatasetName.of("parts");
    store.replace(
        output,
        "SELECT * FROM (VALUES ('f1', 1), ('f1', 2), ('f2', 3), ('f3', 4)) AS t(file_id, n)",
        List.of());
    // f1 changed (one row now), f3 removed (no rows), f4 new; the IN list as the scheduler writes
    // it
    StoredDataset inList =
        store.upsertFiles(
            output,
            "SELECT \"relspec_scoped\".* FROM (SELECT * FROM (VALUES ('f1', 10), ('f4', 40)) AS t(file_id, n))"
                + " AS \"relspec_scoped\" WHERE \"relspec_scoped\".\"file_id\" IN ('f1', 'f3', 'f4')",
            List.of(),
            "file_id",
            List.of("f1", "f3", "f4"));
    assertThat(inList.version()).isEqualTo(2);
    assertThat(rows(output)).containsExactly("f1:10", "f2:3", "f4:40");

    // Above the threshold the query joins the parameter table the store fills from the file ids.
    StoredDataset joined =
        store.upsertFiles(
            output,
            "SELECT s.* FROM (SELECT * FROM (VALUES ('f2', 30), ('f9', 90)) AS t(file_id, n)) AS s"
                + " WHERE s.file_id IN (SELECT \"file_id\" FROM \"relspec_file_scope\")",
            List.of(),
            "file_id",
            List.of("f2"));
    assertThat(joined.rows()).isEqualTo(3);
    assertThat(rows(output)).containsExactly("f1:10", "f2:30", "f4:40");
  }

  @Test
  void upsertIntoAnOutputThisStoreDoesNotHoldIsRefused() {
    assertThatThrownBy(
            () ->
                store.upsertFiles(
                    DatasetName.of("elsewhere"),
                    "SELECT 'f1' AS file_id",
                    List.of(),
                    "file_id",
                    List.of("f1")))
        .isInstanceOf(DatasetStore.OutputNotHeldException.class)
        .hasMessageContaining("'elsewhere' is not held");
  }

  private List<String> rows(DatasetName dataset) throws Exception {
    List<String> result = new java.util.ArrayList<>();
    try (var connection = store.connect();
        var statement = connection.createStatement();
        var rows =
            statement.executeQuery(
                "SELECT file_id, n FROM \"" + dataset.value() + "\" ORDER BY file_id, n")) {
      while (rows.next()) {
        result.add(rows.getString(1) + ":" + rows.getInt(2));
      }
    }
    return result;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DROP TABLE t",
        "COPY (SELECT 1) TO 'x.csv'",
        "ATTACH 'other.db'",
        "SELECT 1; DROP TABLE t",
        "INSTALL httpfs",
        "PRAGMA version"
      })
  void anythingButOneSelectIsRefused(String sql) {
    assertThatThrownBy(() -> store.replace(DatasetName.of("evil"), sql, List.of()))
        .isInstanceOf(SqlRefusedException.class);
  }

  @Test
  void externalAccessIsDisabledAndConfigurationLocked() throws Exception {
    Files.writeString(dataDir.resolve("secret.csv"), "a\n1\n");
    assertThatThrownBy(
            () ->
                store.replace(
                    DatasetName.of("leak"),
                    "SELECT * FROM read_csv('" + dataDir.resolve("secret.csv") + "')",
                    List.of()))
        .isInstanceOf(SQLException.class);
    try (Connection connection = store.connect();
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.execute("SET enable_external_access = true"))
          .isInstanceOf(SQLException.class);
    }
    assertThat(
            store.settings(
                "enable_external_access", "autoload_known_extensions", "lock_configuration"))
        .containsEntry("enable_external_access", "false")
        .containsEntry("autoload_known_extensions", "false")
        .containsEntry("lock_configuration", "true");
  }

  @Test
  void storeSurvivesReopening() throws Exception {
    store.replace(DatasetName.of("kept"), "SELECT 42 AS answer", List.of());
    store.close();
    store = DatasetStore.open(dataDir, "256MB", 1);
    assertThat(store.describe(DatasetName.of("kept")))
        .get()
        .extracting(StoredDataset::rows)
        .isEqualTo(1L);
  }
}
