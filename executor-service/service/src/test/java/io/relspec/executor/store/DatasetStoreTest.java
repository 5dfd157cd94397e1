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
