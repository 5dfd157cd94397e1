package io.relspec.executor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.contracts.model.DatasetName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input cache on a real store: another store plays the executor that holds the versions, and
 * its exports are what a Flight fetch would deliver.
 */
class InputCacheTest {
  private static final DatasetName NUMS = DatasetName.of("nums");

  @TempDir Path dataDir;
  private BufferAllocator allocator;
  private DatasetStore holder;
  private DatasetStore store;

  @BeforeEach
  void open() throws SQLException, java.io.IOException {
    allocator = new RootAllocator();
    holder =
        DatasetStore.open(
            Files.createDirectories(dataDir.resolve("holder")),
            new DatasetStore.Settings("256MB", 1, 10),
            allocator);
  }

  @AfterEach
  void close() throws SQLException {
    if (store != null) {
      store.close();
    }
    holder.close();
    allocator.close();
  }

  private DatasetStore reader(long cacheBytes) throws SQLException {
    return DatasetStore.open(
        dataDir.resolve("reader"), new DatasetStore.Settings("256MB", 1, 2, cacheBytes), allocator);
  }

  /** A new version of nums on the holder: {@code rows} numbers from {@code from}. */
  private long version(long from, int rows) throws Exception {
    return holder
        .replace(
            TaskQuery.of(NUMS, "SELECT range AS n FROM range(" + from + ", " + (from + rows) + ")"))
        .version();
  }

  /** Fetches a version from the holder into the reader's cache, as a task's miss does. */
  private TaskQuery.Cached fetch(long version) throws Exception {
    try (DatasetStore.Export export = holder.export(NUMS, version, null, allocator, 4096)) {
      return store.cacheInput(NUMS, version, export.reader());
    }
  }

  /** Runs a task over the input on the reader and returns its sum. */
  private String sum(TaskQuery.Input input) throws Exception {
    DatasetName output = DatasetName.of("total");
    store.replace(
        new TaskQuery(
            output,
            // a self-join: a streamed input could be scanned only once, a cached one any number
            "SELECT SUM(a.n) AS s FROM \"nums\" a JOIN \"nums\" b ON a.n = b.n",
            List.of(),
            List.of(),
            List.of(input),
            Map.of(),
            null,
            null,
            null));
    return single("SELECT CAST(s AS VARCHAR) FROM \"total\"");
  }

  @Test
  void aFetchedVersionIsKeptAndReadAgainWithTheSameResultAcrossARestart() throws Exception {
    store = reader(1L << 30);
    long version = version(0, 100_000);
    assertThat(store.cachedInput(NUMS, version)).isEmpty();
    String first;
    try (TaskQuery.Cached missed = fetch(version)) {
      first = sum(missed);
    }
    assertThat(first).isEqualTo("4999950000");
    assertThat(store.inputCacheBytes()).isPositive();
    try (TaskQuery.Cached hit = store.cachedInput(NUMS, version).orElseThrow()) {
      assertThat(sum(hit)).isEqualTo(first);
    }
    // Another version is another entry; the ledger is on disk.
    long other = version(5, 10);
    assertThat(store.cachedInput(NUMS, other)).isEmpty();
    store.close();
    store = reader(1L << 30);
    try (TaskQuery.Cached hit = store.cachedInput(NUMS, version).orElseThrow()) {
      assertThat(sum(hit)).isEqualTo(first);
    }
  }

  @Test
  void pastItsBoundTheLeastRecentlyUsedVersionNoTaskReadsIsDropped() throws Exception {
    long v1 = version(0, 50_000);
    long v2 = version(1, 50_000);
    long v3 = version(2, 50_000);
    long v4 = version(3, 50_000);
    // Measure one entry, then bound the cache to two of them.
    store = reader(1L << 30);
    fetch(v1).close();
    long entry = store.inputCacheBytes();
    store.close();
    Files.walk(dataDir.resolve("reader"))
        .sorted(java.util.Comparator.reverseOrder())
        .forEach(path -> path.toFile().delete());
    store = reader(2 * entry);

    fetch(v1).close();
    fetch(v2).close();
    store.cachedInput(NUMS, v1).orElseThrow().close(); // v1 used last: v2 is now the oldest
    fetch(v3).close();
    assertThat(store.cachedInput(NUMS, v2)).as("least recently used, dropped").isEmpty();
    assertThat(store.inputCacheBytes()).isLessThanOrEqualTo(2 * entry);

    // A version a task still reads is not dropped, even past the bound.
    try (TaskQuery.Cached reading = store.cachedInput(NUMS, v1).orElseThrow()) {
      store.cachedInput(NUMS, v3).orElseThrow().close();
      try (TaskQuery.Cached fourth = fetch(v4)) {
        try (TaskQuery.Cached again = store.cachedInput(NUMS, v1).orElse(null)) {
          assertThat(again).as("in use, kept").isNotNull();
        }
        assertThat(store.cachedInput(NUMS, v3)).as("oldest unused, dropped").isEmpty();
        assertThat(sum(reading)).isEqualTo(Long.toString(sumOf(0, 50_000)));
        assertThat(sum(fourth)).isEqualTo(Long.toString(sumOf(3, 50_000)));
      }
    }
    // Dropped versions are gone from the database too, not just from the ledger.
    assertThat(
            single(
                "SELECT CAST(COUNT(*) AS VARCHAR) FROM duckdb_tables() WHERE table_name LIKE 'cache:%'"))
        .isEqualTo("2");
  }

  @Test
  void withoutABoundNothingIsKept() throws Exception {
    store = reader(0);
    assertThat(store.inputCacheEnabled()).isFalse();
  }

  private static long sumOf(long from, int rows) {
    long to = from + rows - 1;
    return (from + to) * rows / 2;
  }

  private String single(String sql) throws SQLException {
    try (Connection connection = store.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
