package io.relspec.executor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.contracts.model.DatasetName;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An executor killed (SIGKILL) in the middle of a write loses nothing that was committed. */
class StoreCrashTest {
  @TempDir Path dataDir;

  @Test
  void aProcessKilledDuringAWriteLeavesThePreviousVersionIntact() throws Exception {
    Process writer = startWriter();
    try (BufferedReader output =
        new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = output.readLine()) != null && !line.startsWith("COMMITTED")) {
        // skip logging until the first version is committed
      }
      assertThat(line).isEqualTo("COMMITTED 1");
      // The big write is under way once DuckDB has started spilling or growing its files.
      long committedSize = storeBytes();
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> storeBytes() > committedSize + 8 * 1024 * 1024);
      writer.destroyForcibly();
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      writer.destroyForcibly();
    }

    try (RootAllocator allocator = new RootAllocator();
        DatasetStore store =
            DatasetStore.open(dataDir, new DatasetStore.Settings("256MB", 1, 2), allocator)) {
      StoredDataset kept = store.describe(DatasetName.of("kept")).orElseThrow();
      assertThat(kept.version()).isEqualTo(1);
      assertThat(kept.rows()).isEqualTo(1000);
      try (Connection connection = store.connect();
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT COUNT(*), SUM(n) FROM \"kept\"")) {
        rows.next();
        assertThat(rows.getLong(1)).isEqualTo(1000);
        assertThat(rows.getLong(2)).isEqualTo(499_500);
      }
      // no half-written version table is left behind, and the store takes writes again
      assertThat(tables(store)).containsExactly("kept@1");
      assertThat(store.replace(TaskQuery.of(DatasetName.of("kept"), "SELECT 7 AS n")).version())
          .isEqualTo(2);
    }
  }

  private Process startWriter() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(
        List.of(
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path")));
    if (Runtime.version().feature() >= 24) {
      command.add(1, "--sun-misc-unsafe-memory-access=allow");
    }
    command.add(CrashingWriter.class.getName());
    command.add(dataDir.toString());
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Bytes of the store's files: database, write-ahead log and spill directory. */
  private long storeBytes() throws Exception {
    try (var files = Files.walk(dataDir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              file -> {
                try {
                  return Files.size(file);
                } catch (java.io.IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  private static List<String> tables(DatasetStore store) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection connection = store.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'relspec_data'")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }
}
