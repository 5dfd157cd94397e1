package io.relspec.executor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.duckdb.DuckDbError;
import io.relspec.contracts.messaging.MessageType;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.SourceDataUpdated;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.platform.outbox.OutboxStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetStoreTest {
  private static final DatasetName PARTS = DatasetName.of("parts");
  private static final String PARTS_SQL =
      "SELECT * FROM (VALUES ('f1', 1), ('f1', 2), ('f2', 3), ('f3', 4)) AS t(file_id, n)";

  @TempDir Path dataDir;
  private BufferAllocator allocator;
  private DatasetStore store;

  @BeforeEach
  void open() throws SQLException {
    allocator = new RootAllocator();
    store = open(2);
  }

  /** A query with no views and no scoped inputs. */
  private static TaskQuery query(
      DatasetName output,
      String sql,
      List<MacroDefinition> macros,
      List<? extends TaskQuery.Input> inputs,
      ArrowSchema schema,
      String fileIdColumn,
      QueryCancellation cancellation) {
    return new TaskQuery(
        output,
        sql,
        macros,
        List.of(),
        List.copyOf(inputs),
        Map.of(),
        schema,
        fileIdColumn,
        cancellation);
  }

  private DatasetStore open(int retain) throws SQLException {
    return DatasetStore.open(dataDir, new DatasetStore.Settings("256MB", 1, retain), allocator);
  }

  @AfterEach
  void close() throws SQLException {
    store.close();
    allocator.close();
  }

  @Test
  void replaceWritesANewVersionWithRowsBytesAndSchema() throws Exception {
    StoredDataset first =
        store.replace(TaskQuery.of(DatasetName.of("t"), "SELECT 1 AS id, 'a' AS label"));
    StoredDataset second =
        store.replace(
            TaskQuery.of(
                DatasetName.of("t"), "SELECT 2 AS id, 'bb' AS label UNION ALL SELECT 3, 'ccc'"));
    assertThat(first.version()).isEqualTo(1);
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.rows()).isEqualTo(2);
    // two int32 (8 bytes) + 'bb' and 'ccc' (5 bytes) + two 4-byte offsets
    assertThat(second.bytes()).isEqualTo(8 + 5 + 8);
    assertThat(second.schema().fields())
        .extracting(field -> field.name() + ":" + field.type())
        .containsExactly("id:int32", "label:utf8");
    // the dataset's name reads the newest version
    assertThat(rows("SELECT id FROM \"t\" ORDER BY id")).containsExactly("2", "3");
  }

  @Test
  void aQueryPastTheMemoryLimitFailsWithDuckDbsOutOfMemoryTypeAndKeepsTheStoredVersion()
      throws Exception {
    DatasetName output = DatasetName.of("big");
    StoredDataset kept = store.replace(TaskQuery.of(output, "SELECT 1 AS v"));
    store.close();
    store = DatasetStore.open(dataDir, new DatasetStore.Settings("24MB", 1, 2), allocator);
    // One value of about 100 MB: DuckDB cannot spill a single string, so it runs out of memory.
    assertThatThrownBy(
            () ->
                store.replace(
                    TaskQuery.of(
                        output,
                        "SELECT string_agg(repeat('x', 100), ',') AS v FROM range(1000000)")))
        .isInstanceOf(SQLException.class)
        .satisfies(
            error ->
                assertThat(DuckDbError.typeOf(error)).isEqualTo(DuckDbError.Type.OUT_OF_MEMORY));
    assertThat(store.describe(output)).map(StoredDataset::version).contains(kept.version());
  }

  @Test
  void keepsTheConfiguredNumberOfVersionsAndReadsPinnedOnes() throws Exception {
    DatasetName source = DatasetName.of("src");
    for (int i = 1; i <= 3; i++) {
      store.replace(TaskQuery.of(source, "SELECT " + i + " AS v"));
    }
    assertThat(store.history(source)).extracting(StoredDataset::version).containsExactly(3L, 2L);
    assertThat(tables()).containsExactly("src@2", "src@3");

    // A task pinned to version 2 reads version 2, though 3 is the newest.
    StoredDataset out =
        store.replace(
            query(
                DatasetName.of("out"),
                "SELECT v FROM \"src\"",
                List.of(),
                List.of(new TaskQuery.Local(source, 2)),
                null,
                null,
                null));
    assertThat(out.rows()).isEqualTo(1);
    assertThat(rows("SELECT v FROM \"out\"")).containsExactly("2");

    assertThatThrownBy(
            () ->
                store.replace(
                    query(
                        DatasetName.of("out"),
                        "SELECT v FROM \"src\"",
                        List.of(),
                        List.of(new TaskQuery.Local(source, 1)),
                        null,
                        null,
                        null)))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.INPUT_NOT_AVAILABLE))
        .hasMessageContaining("keeps the last 2 versions");
  }

  @Test
  void resultsAreCastToThePlansOutputSchemaAndMacrosApply() throws Exception {
    ArrowSchema plan =
        new ArrowSchema(
            List.of(
                new ArrowField("total", ArrowType.parse("int64"), true, Map.of()),
                new ArrowField("label", ArrowType.parse("utf8"), true, Map.of())));
    StoredDataset stored =
        store.replace(
            query(
                DatasetName.of("sums"),
                "SELECT SUM(x) AS total, twice('a') AS label FROM (VALUES (1), (2)) AS t(x)",
                List.of(new MacroDefinition("twice", List.of("s"), "s || s")),
                List.of(),
                plan,
                null,
                null));
    // SUM of an integer is HUGEINT in DuckDB; the plan says int64.
    assertThat(stored.schema().fields())
        .extracting(field -> field.name() + ":" + field.type())
        .containsExactly("total:int64", "label:utf8");
    assertThat(rows("SELECT total, label FROM \"sums\"")).containsExactly("3|aa");
  }

  @Test
  void upsertReplacesOnlyThePartitionsOfTheNamedFilesFromTheirInputRowsAlone() throws Exception {
    store.replace(query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null));
    DatasetName source = DatasetName.of("src");
    store.replace(
        query(
            source,
            "SELECT * FROM (VALUES ('f1', 10), ('f2', 20), ('f4', 40), ('f5', 50)) AS t(file_id, n)",
            List.of(),
            List.of(),
            null,
            "file_id",
            null));
    // f1 changed, f3 removed (no rows left), f4 new. The task's own SQL runs; its input is bound
    // to the rows of those file ids only, so f2 and f5 are never read.
    TaskQuery scoped =
        new TaskQuery(
            PARTS,
            "SELECT file_id, n + 1 AS n FROM src",
            List.of(),
            List.of(),
            List.of(new TaskQuery.Local(source, 1)),
            Map.of(source, "file_id"),
            null,
            "file_id",
            null);
    StoredDataset upserted = store.upsertFiles(scoped, "file_id", List.of("f1", "f3", "f4"), null);
    assertThat(upserted.version()).isEqualTo(2);
    assertThat(upserted.fileIdColumn()).isEqualTo("file_id");
    assertThat(rows("SELECT file_id, n FROM \"parts\" ORDER BY file_id, n"))
        .containsExactly("f1|11", "f2|3", "f4|41");
    // the previous version is untouched
    try (DatasetStore.Export export = store.export(PARTS, 1L, null, allocator, 100)) {
      assertThat(count(export.reader())).isEqualTo(4);
    }
    // one partition of the newest version
    try (DatasetStore.Export export = store.export(PARTS, null, "f4", allocator, 100)) {
      assertThat(count(export.reader())).isEqualTo(1);
    }
  }

  @Test
  void aScopedUpsertReplacesTheGlobalPartitionBesideTheChangedFiles() throws Exception {
    // A union with a global branch: file rows, plus rows without a file id from a dimension.
    DatasetName source = DatasetName.of("src");
    DatasetName dimension = DatasetName.of("dim");
    store.replace(
        query(
            source,
            "SELECT * FROM (VALUES ('f1', 10), ('f2', 20)) AS t(file_id, n)",
            List.of(),
            List.of(),
            null,
            "file_id",
            null));
    store.replace(TaskQuery.of(dimension, "SELECT * FROM (VALUES (100), (200)) AS t(n)"));
    String union = "SELECT file_id, n FROM src UNION ALL SELECT CAST(NULL AS VARCHAR), n FROM dim";
    TaskQuery full =
        new TaskQuery(
            PARTS,
            union,
            List.of(),
            List.of(),
            List.of(new TaskQuery.Local(source, 1), new TaskQuery.Local(dimension, 1)),
            Map.of(),
            null,
            "file_id",
            null);
    store.replace(full);
    // f1 changed. The scoped run reads src's rows of f1 (and of no file: none here), dim whole.
    store.replace(
        query(
            source,
            "SELECT * FROM (VALUES ('f1', 11), ('f2', 20)) AS t(file_id, n)",
            List.of(),
            List.of(),
            null,
            "file_id",
            null));
    TaskQuery scoped =
        new TaskQuery(
            PARTS,
            union,
            List.of(),
            List.of(),
            List.of(new TaskQuery.Local(source, 2), new TaskQuery.Local(dimension, 1)),
            Map.of(source, "file_id"),
            null,
            "file_id",
            null);
    store.upsertFiles(scoped, "file_id", List.of("f1"), null);
    // The global partition is recomputed by the scoped run and replaced, not duplicated; f2 kept.
    assertThat(rows("SELECT coalesce(file_id, '-'), n FROM \"parts\" ORDER BY 1, 2"))
        .containsExactly("-|100", "-|200", "f1|11", "f2|20");

    // The same upsert on another executor, into a previous version it was given.
    Path otherDir = Files.createDirectories(dataDir.resolve("other-global"));
    try (DatasetStore other =
            DatasetStore.open(otherDir, new DatasetStore.Settings("256MB", 1, 2), allocator);
        DatasetStore.Export previous = store.export(PARTS, null, null, allocator, 100)) {
      other.upsertFiles(
          TaskQuery.of(PARTS, "SELECT * FROM (VALUES ('f2', 21), (NULL, 7)) AS t(file_id, n)"),
          "file_id",
          List.of("f2"),
          new DatasetStore.PreviousVersion(2, previous.reader()));
      try (DatasetStore.Export export = other.export(PARTS, null, null, allocator, 100)) {
        assertThat(count(export.reader())).isEqualTo(3); // f1|11, f2|21, and NULL|7
      }
    }
  }

  @Test
  void anAggregationIsKeptFromPartialsOfTheChangedFilesAndReadsLikeTheSql() throws Exception {
    DatasetName source = DatasetName.of("src");
    DatasetName totals = DatasetName.of("totals");
    String before =
        "SELECT * FROM (VALUES ('f1', 'a', 10), ('f1', 'b', 5), ('f2', 'a', 20), ('f3', 'b', 7))"
            + " AS t(file_id, kind, n)";
    store.replace(query(source, before, List.of(), List.of(), null, "file_id", null));
    String sql =
        "SELECT kind, count(*) AS rows_, sum(n) AS total, min(n) AS lo, max(n) AS hi"
            + " FROM src GROUP BY kind";
    DatasetStore.Partials partials =
        new DatasetStore.Partials(
            new FileScope.PartialAggregate(source, "file_id"), Fingerprint.sha256("plan a"));
    store.replace(
        new TaskQuery(
            totals,
            sql,
            List.of(),
            List.of(),
            List.of(new TaskQuery.Local(source, 1)),
            Map.of(),
            null,
            null,
            null),
        false,
        partials);
    // f1 changed its rows, f3 was removed, f4 is new: version 2 of the source.
    String after =
        "SELECT * FROM (VALUES ('f1', 'a', 1), ('f2', 'a', 20), ('f4', 'c', 3), ('f4', 'b', 9))"
            + " AS t(file_id, kind, n)";
    store.replace(query(source, after, List.of(), List.of(), null, "file_id", null));
    TaskQuery scoped =
        new TaskQuery(
            totals,
            sql,
            List.of(),
            List.of(),
            List.of(new TaskQuery.Local(source, 2)),
            Map.of(source, "file_id"),
            null,
            null,
            null);
    Optional<StoredDataset> merged =
        store.mergePartials(scoped, List.of("f1", "f3", "f4"), partials, 1L);
    assertThat(merged).as("merged from the partials kept with version 1").isPresent();
    assertThat(merged.get().version()).isEqualTo(2);
    // What the SQL returns over the new source: f1 and f2 in a, f4 in b and c.
    assertThat(rows("SELECT * FROM \"totals\" ORDER BY kind"))
        .containsExactly("a|2|21|1|20", "b|1|9|9|9", "c|1|3|3|3");
    // Partials for another plan, or for a version other than the newest, are not merged into.
    DatasetStore.Partials otherPlan =
        new DatasetStore.Partials(partials.key(), Fingerprint.sha256("plan b"));
    assertThat(store.mergePartials(scoped, List.of("f1"), otherPlan, 2L)).isEmpty();
    assertThat(store.mergePartials(scoped, List.of("f1"), partials, 1L)).isEmpty();
  }

  @Test
  void partialsAboutAsManyAsTheRowsAreDeclinedAndTheTaskRunsInFull() throws Exception {
    DatasetName source = DatasetName.of("src");
    DatasetName perRow = DatasetName.of("per_row");
    store.replace(
        query(
            source,
            "SELECT 'f' || (i % 10) AS file_id, i AS id FROM range(5000) t(i)",
            List.of(),
            List.of(),
            null,
            "file_id",
            null));
    String sql = "SELECT id, count(*) AS copies FROM src GROUP BY id HAVING count(*) > 1";
    DatasetStore.Partials partials =
        new DatasetStore.Partials(
            new FileScope.PartialAggregate(source, "file_id"), Fingerprint.sha256(sql));
    TaskQuery full =
        new TaskQuery(
            perRow,
            sql,
            List.of(),
            List.of(),
            List.of(new TaskQuery.Local(source, 1)),
            Map.of(),
            null,
            null,
            null);
    store.replace(full, false, partials);
    assertThat(tables()).noneMatch(table -> table.contains("partials:per_row"));
    TaskQuery scoped =
        new TaskQuery(
            perRow,
            sql,
            List.of(),
            List.of(),
            List.of(new TaskQuery.Local(source, 1)),
            Map.of(source, "file_id"),
            null,
            null,
            null);
    assertThat(store.mergePartials(scoped, List.of("f1"), partials, null)).isEmpty();
    // A later full run of the same plan does not compute them again.
    store.replace(full, false, partials);
    assertThat(tables()).noneMatch(table -> table.contains("partials:per_row"));
  }

  @Test
  void aFullRewriteReportsWhichPartitionsChangedAgainstThePreviousVersion() throws Exception {
    DatasetName out = DatasetName.of("keyed");
    String before =
        "SELECT * FROM (VALUES ('f1', 1), ('f1', 2), ('f2', 3), ('f3', 4), ('f5', 5), ('f6', 6),"
            + " ('f7', 7), ('f8', 8)) AS t(file_id, n)";
    // Written by a full run: no comparison asked for, no partition digests kept.
    assertThat(store.replace(query(out, before, List.of(), List.of(), null, "file_id", null)))
        .extracting(StoredDataset::changedFileIds)
        .isNull();
    assertThat(digests(out)).isEmpty();
    // f1's rows come in another order (same partition), f2 changed a value, f3 is gone, f4 is new,
    // f5 to f8 are untouched. The previous version is hashed here, the new one digested.
    String after =
        "SELECT * FROM (VALUES ('f1', 2), ('f1', 1), ('f2', 30), ('f4', 4), ('f5', 5), ('f6', 6),"
            + " ('f7', 7), ('f8', 8)) AS t(file_id, n)";
    StoredDataset rewritten =
        store.replace(query(out, after, List.of(), List.of(), null, "file_id", null), true);
    assertThat(rewritten.changedFileIds()).containsExactly("f2", "f3", "f4");
    assertThat(digests(out)).hasSize(7);
    // Measured by partition, the version has the rows, size and content hash of the same rows
    // measured whole, so early cutoff by content compares it with any other version.
    StoredDataset plain =
        store.replace(
            query(DatasetName.of("plain"), after, List.of(), List.of(), null, "file_id", null));
    assertThat(rewritten.rows()).isEqualTo(plain.rows());
    assertThat(rewritten.bytes()).isEqualTo(plain.bytes());
    assertThat(rewritten.contentHash()).isEqualTo(plain.contentHash());
    // The same rows again, compared with the kept digests: nothing changed.
    assertThat(
            store
                .replace(query(out, after, List.of(), List.of(), null, "file_id", null), true)
                .changedFileIds())
        .isEmpty();
    // Against the kept digests too: f6 changed.
    assertThat(
            store
                .replace(
                    query(
                        out,
                        after.replace("('f6', 6)", "('f6', 60)"),
                        List.of(),
                        List.of(),
                        null,
                        "file_id",
                        null),
                    true)
                .changedFileIds())
        .containsExactly("f6");
    // Rows without a file id changed: no file's readers would see that, so it is unknown.
    String unkeyed = after.replace("('f5', 5)", "(NULL, 5)");
    assertThat(
            store
                .replace(query(out, unkeyed, List.of(), List.of(), null, "file_id", null), true)
                .changedFileIds())
        .isNull();
    // Not asked for (a full run): not computed.
    assertThat(
            store
                .replace(query(out, after, List.of(), List.of(), null, "file_id", null))
                .changedFileIds())
        .isNull();
    // Digests go with the versions retention prunes.
    assertThat(
            rows(
                "SELECT DISTINCT d.version FROM relspec_meta.partition_digests d"
                    + " WHERE d.dataset = 'keyed' AND d.version NOT IN"
                    + " (SELECT version FROM relspec_meta.versions WHERE dataset = 'keyed')"))
        .isEmpty();
  }

  @Test
  void aFullRewriteWithFewChangedPartitionsWritesOnlyThoseAndReadsLikeAWholeWrite()
      throws Exception {
    DatasetName out = DatasetName.of("rewritten");
    String before =
        "SELECT 'f' || (i % 10) AS file_id, i AS n FROM range(30) r(i)"; // 10 files, 3 rows each
    store.replace(query(out, before, List.of(), List.of(), null, "file_id", null));
    // f3 changed a value and rows without a file id appeared: both partitions are rewritten in
    // the table of version 1, the other nine files are left where they are.
    String after =
        "SELECT 'f' || (i % 10) AS file_id, CASE WHEN i = 13 THEN 130 ELSE i END AS n"
            + " FROM range(30) r(i) UNION ALL SELECT NULL, 99";
    StoredDataset rewritten =
        store.replace(query(out, after, List.of(), List.of(), null, "file_id", null), true);
    assertThat(rewritten.changedFileIds()).as("rows without a file id changed: unknown").isNull();
    assertThat(rows("SELECT table_name FROM relspec_meta.versions WHERE dataset = 'rewritten'"))
        .as("version 2 continues the table of version 1")
        .hasSize(2)
        .containsOnly(
            rows("SELECT table_name FROM relspec_meta.versions"
                    + " WHERE dataset = 'rewritten' AND version = 1")
                .get(0));
    StoredDataset plain =
        store.replace(
            query(DatasetName.of("plain"), after, List.of(), List.of(), null, "file_id", null));
    assertThat(rewritten.rows()).isEqualTo(plain.rows()).isEqualTo(31);
    assertThat(rewritten.bytes()).isEqualTo(plain.bytes());
    assertThat(rewritten.contentHash()).isEqualTo(plain.contentHash());
    assertThat(rows("SELECT * FROM \"rewritten\" EXCEPT ALL SELECT * FROM \"plain\"")).isEmpty();
    assertThat(rows("SELECT * FROM \"plain\" EXCEPT ALL SELECT * FROM \"rewritten\"")).isEmpty();
    try (DatasetStore.Export first = store.export(out, 1L, null, allocator, 100)) {
      assertThat(count(first.reader())).as("version 1 still reads its own rows").isEqualTo(30);
    }
    // One more file changed, against the digests kept: only it is reported.
    StoredDataset again =
        store.replace(
            query(
                out,
                after.replace("i = 13 THEN 130", "i IN (13, 17) THEN 130"),
                List.of(),
                List.of(),
                null,
                "file_id",
                null),
            true);
    assertThat(again.changedFileIds()).containsExactly("f7");
    // Most files changed: the new version is written whole, in a table of its own.
    StoredDataset whole =
        store.replace(
            query(
                out,
                "SELECT 'f' || (i % 10) AS file_id, i + 1 AS n FROM range(30) r(i)",
                List.of(),
                List.of(),
                null,
                "file_id",
                null),
            true);
    assertThat(whole.changedFileIds()).isNull();
    assertThat(
            rows(
                "SELECT DISTINCT table_name FROM relspec_meta.versions"
                    + " WHERE dataset = 'rewritten'"))
        .hasSizeGreaterThan(1);
    assertThat(rows("SELECT sum(n) FROM \"rewritten\"")).containsExactly("465");
  }

  /** The file ids of the partition digests kept for a dataset's versions. */
  private List<String> digests(DatasetName dataset) throws SQLException {
    return rows(
        "SELECT file_id FROM relspec_meta.partition_digests WHERE dataset = '"
            + dataset.value()
            + "' ORDER BY version, file_id");
  }

  @Test
  void aScopedUpsertStaysInTheTableItContinuesAndTheVersionBeforeStillReadsItsOwnRows()
      throws Exception {
    StoredDataset first =
        store.replace(query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null));
    List<String> before = exported(1L);
    StoredDataset second =
        store.upsertFiles(
            TaskQuery.of(PARTS, "SELECT * FROM (VALUES ('f1', 7), ('f4', 9)) AS t(file_id, n)"),
            "file_id",
            List.of("f1", "f3", "f4"),
            null);
    // No copy: both versions live in the table of the first, told apart by their row stamps.
    assertThat(tables()).containsExactly("parts@1");
    assertThat(exported(1L)).isEqualTo(before);
    assertThat(exported(2L)).containsExactly("f1|7", "f2|3", "f4|9");
    // Rows, size and content hash were derived from the first version and the change; they equal
    // those of the same rows written whole.
    StoredDataset whole =
        store.replace(
            query(
                DatasetName.of("whole"),
                "SELECT * FROM (VALUES ('f4', 9), ('f2', 3), ('f1', 7)) AS t(file_id, n)",
                List.of(),
                List.of(),
                null,
                "file_id",
                null));
    assertThat(second.rows()).isEqualTo(3).isEqualTo(whole.rows());
    assertThat(second.bytes()).isEqualTo(whole.bytes());
    assertThat(second.contentHash()).isEqualTo(whole.contentHash());
    assertThat(second.contentHash()).isNotEqualTo(first.contentHash());
    assertThat(store.describe(PARTS, 1L).orElseThrow().rows()).isEqualTo(4);

    // A third version prunes the first (two are kept): the rows only it read leave the table.
    store.upsertFiles(
        TaskQuery.of(PARTS, "SELECT 'f2' AS file_id, 30 AS n"), "file_id", List.of("f2"), null);
    assertThat(store.history(PARTS)).extracting(StoredDataset::version).containsExactly(3L, 2L);
    assertThat(exported(2L)).containsExactly("f1|7", "f2|3", "f4|9");
    assertThat(exported(3L)).containsExactly("f1|7", "f2|30", "f4|9");
    assertThat(rows("SELECT count(*) FROM relspec_data.\"parts@1\"")).containsExactly("4");

    // A full write starts a new table; the shared one goes once no kept version reads it.
    store.replace(query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null));
    store.replace(query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null));
    assertThat(tables()).containsExactly("parts@4", "parts@5", "whole@1");
  }

  @Test
  void deletingFilesEndsTheirRowsWithoutCopyingAndAStoreFromBeforeStampsIsReadAsItWas()
      throws Exception {
    store.replace(query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null));
    DatasetStore.Ingested removed = store.deleteFiles(PARTS, List.of("f1", "f9"), ingested -> null);
    assertThat(removed.fileIds()).containsExactly("f1");
    assertThat(tables()).containsExactly("parts@1");
    assertThat(exported(1L)).containsExactly("f1|1", "f1|2", "f2|3", "f3|4");
    assertThat(exported(2L)).containsExactly("f2|3", "f3|4");

    // A table written before rows were stamped (simulated: stamps dropped) is stamped on opening,
    // and every row belongs to the version that table holds.
    DatasetName old = DatasetName.of("old");
    store.replace(TaskQuery.of(old, "SELECT 1 AS a UNION ALL SELECT 2"));
    try (Connection connection = store.connect()) {
      execute(connection, "ALTER TABLE relspec_data.\"old@1\" DROP COLUMN \"relspec:from\"");
      execute(connection, "ALTER TABLE relspec_data.\"old@1\" DROP COLUMN \"relspec:to\"");
    }
    store.close();
    store = open(2);
    assertThat(rows("SELECT a FROM \"old\" ORDER BY a")).containsExactly("1", "2");
    try (DatasetStore.Export export = store.export(old, 1L, null, allocator, 100)) {
      assertThat(count(export.reader())).isEqualTo(2);
    }
  }

  @Test
  void anEventCommitsWithItsDataAndLeavesTheOutboxOnlyWhenPublished() throws Exception {
    store.replace(query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null));
    UUID eventId = UUID.randomUUID();
    store.deleteFiles(PARTS, List.of("f1"), removed -> removedEvent(eventId, removed));
    // A delete that removes nothing writes no version, so no event either.
    store.deleteFiles(PARTS, List.of("f9"), removed -> removedEvent(UUID.randomUUID(), removed));

    OutboxStore outbox = store.outbox();
    assertThat(outbox.pending(10))
        .singleElement()
        .satisfies(
            pending -> {
              assertThat(pending.id()).isEqualTo(eventId.toString());
              assertThat(pending.type()).isEqualTo(MessageType.SOURCE_DATA_UPDATED);
              assertThat(pending.attempts()).isZero();
              SourceDataUpdated event =
                  RelspecJson.read(pending.payload(), SourceDataUpdated.class);
              assertThat(event.removedFileIds()).containsExactly("f1");
              assertThat(event.datasetVersion()).isEqualTo(2L);
            });
    outbox.failed(eventId.toString(), "broker unreachable");
    assertThat(outbox.pending(10))
        .singleElement()
        .extracting(OutboxStore.Pending::attempts)
        .isEqualTo(1);
    outbox.published(eventId.toString());
    assertThat(outbox.pending(10)).isEmpty();
    assertThat(outbox.pendingCount()).isZero();
  }

  @Test
  void anOutboxRowWrittenBeforeTheSharedRelayIsReadAsASourceEvent() throws Exception {
    String payload =
        RelspecJson.write(
            removedEvent(
                UUID.randomUUID(),
                new DatasetStore.Ingested(
                    store.replace(
                        query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null)),
                    List.of("f1"))));
    // The table as stores wrote it before: event id, payload and time, nothing else.
    try (Connection connection = store.connect()) {
      execute(connection, "DROP TABLE relspec_meta.outbox");
      execute(
          connection,
          "CREATE TABLE relspec_meta.outbox (event_id VARCHAR NOT NULL, payload VARCHAR NOT NULL,"
              + " created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      execute(
          connection,
          "INSERT INTO relspec_meta.outbox VALUES ('old-1', '"
              + payload.replace("'", "''")
              + "', current_timestamp)");
    }
    store.close();
    store = open(2);
    assertThat(store.outbox().pending(10))
        .singleElement()
        .satisfies(
            pending -> {
              assertThat(pending.id()).isEqualTo("old-1");
              assertThat(pending.type()).isEqualTo(MessageType.SOURCE_DATA_UPDATED);
              assertThat(pending.attempts()).isZero();
              assertThat(pending.payload()).isEqualTo(payload);
            });
  }

  private static SourceDataUpdated removedEvent(UUID eventId, DatasetStore.Ingested removed) {
    return new SourceDataUpdated(
        eventId,
        Instant.parse("2026-12-07T12:00:00Z"),
        removed.stored().name(),
        List.of(),
        removed.fileIds(),
        removed.stored().version(),
        false,
        "executor-test",
        "grpc://localhost:1",
        removed.stored().bytes());
  }

  @Test
  void withOneVersionKeptAnUpsertChangesTheTableInPlace() throws Exception {
    store.close();
    store = open(1);
    store.replace(query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null));
    StoredDataset upserted =
        store.upsertFiles(
            TaskQuery.of(PARTS, "SELECT 'f2' AS file_id, 33 AS n"), "file_id", List.of("f2"), null);
    assertThat(upserted.version()).isEqualTo(2);
    assertThat(store.history(PARTS)).extracting(StoredDataset::version).containsExactly(2L);
    assertThat(tables()).containsExactly("parts@1");
    assertThat(rows("SELECT file_id, n FROM \"parts\" ORDER BY file_id, n"))
        .containsExactly("f1|1", "f1|2", "f2|33", "f3|4");
    // Its totals (from the version before and the change) are those of the same rows written whole.
    StoredDataset whole =
        store.replace(
            TaskQuery.of(
                DatasetName.of("whole"),
                "SELECT * FROM (VALUES ('f3', 4), ('f2', 33), ('f1', 2), ('f1', 1)) AS t(file_id, n)"));
    assertThat(upserted.rows()).isEqualTo(4);
    assertThat(upserted.contentHash()).isEqualTo(whole.contentHash());
    assertThat(upserted.bytes()).isEqualTo(whole.bytes());
  }

  @Test
  void anUpsertElsewhereBuildsOnThePreviousVersionItWasGiven() throws Exception {
    // "remote" holds version 5 of parts; this store holds nothing of it.
    Path otherDir = Files.createDirectories(dataDir.resolve("other"));
    try (DatasetStore other =
        DatasetStore.open(otherDir, new DatasetStore.Settings("256MB", 1, 2), allocator)) {
      for (int i = 0; i < 5; i++) {
        other.replace(query(PARTS, PARTS_SQL, List.of(), List.of(), null, "file_id", null));
      }
      try (DatasetStore.Export previous = other.export(PARTS, 5L, null, allocator, 2)) {
        StoredDataset upserted =
            store.upsertFiles(
                TaskQuery.of(PARTS, "SELECT 'f1' AS file_id, 11 AS n"),
                "file_id",
                List.of("f1"),
                new DatasetStore.PreviousVersion(5, previous.reader()));
        assertThat(upserted.version()).isEqualTo(6);
      }
    }
    assertThat(rows("SELECT file_id, n FROM \"parts\" ORDER BY file_id, n"))
        .containsExactly("f1|11", "f2|3", "f3|4");
  }

  @Test
  void theContentHashIgnoresRowOrderAndSeesEveryValueAndType() throws Exception {
    DatasetName out = DatasetName.of("hashed");
    String first =
        store
            .replace(TaskQuery.of(out, "SELECT * FROM (VALUES (1, 'a'), (2, NULL)) t(n, s)"))
            .contentHash();
    String reordered =
        store
            .replace(
                TaskQuery.of(
                    out, "SELECT * FROM (VALUES (2, NULL), (1, 'a')) t(n, s) ORDER BY n DESC"))
            .contentHash();
    String changed =
        store
            .replace(TaskQuery.of(out, "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(n, s)"))
            .contentHash();
    String duplicated =
        store
            .replace(
                TaskQuery.of(out, "SELECT * FROM (VALUES (1, 'a'), (2, NULL), (2, NULL)) t(n, s)"))
            .contentHash();
    String retyped =
        store
            .replace(
                TaskQuery.of(
                    out, "SELECT n::DOUBLE AS n, s FROM (VALUES (1, 'a'), (2, NULL)) t(n, s)"))
            .contentHash();
    assertThat(first).hasSize(64).isEqualTo(reordered);
    assertThat(List.of(changed, duplicated, retyped)).doesNotContain(first).doesNotHaveDuplicates();
  }

  @Test
  void importedInputsAreReadLikeLocalOnesWhetherCopiedOrStreamed() throws Exception {
    Path otherDir = Files.createDirectories(dataDir.resolve("other"));
    try (DatasetStore other =
        DatasetStore.open(otherDir, new DatasetStore.Settings("256MB", 1, 2), allocator)) {
      other.replace(TaskQuery.of(DatasetName.of("nums"), "SELECT range AS n FROM range(100000)"));
      // read once without a join: streamed through a view
      try (DatasetStore.Export export =
          other.export(DatasetName.of("nums"), null, null, allocator, 4096)) {
        store.replace(
            query(
                DatasetName.of("total"),
                "SELECT SUM(n) AS s FROM \"nums\"",
                List.of(),
                List.of(new TaskQuery.Imported(DatasetName.of("nums"), export.reader())),
                null,
                null,
                null));
      }
      // a self-join reads it twice: copied into a temporary table first
      try (DatasetStore.Export export =
          other.export(DatasetName.of("nums"), null, null, allocator, 4096)) {
        store.replace(
            query(
                DatasetName.of("pairs"),
                "SELECT COUNT(*) AS c FROM \"nums\" a JOIN \"nums\" b ON a.n = b.n + 1",
                List.of(),
                List.of(new TaskQuery.Imported(DatasetName.of("nums"), export.reader())),
                null,
                null,
                null));
      }
      // read once by a view that the task reads twice (the code-anatomy shape that failed with
      // "This stream has been released"), and once inside a CTE the task uses twice
      DatasetName twice = DatasetName.of("twice");
      for (String sql :
          List.of(
              "SELECT n FROM \"twice\" UNION ALL SELECT m FROM \"twice\" WHERE m > 2",
              "WITH c AS (SELECT n FROM \"nums\") SELECT n FROM c UNION ALL SELECT n + 1 FROM c")) {
        try (DatasetStore.Export export =
            other.export(DatasetName.of("nums"), null, null, allocator, 4096)) {
          StoredDataset out =
              store.replace(
                  new TaskQuery(
                      DatasetName.of("doubled"),
                      sql,
                      List.of(),
                      List.of(
                          new ViewDefinition(
                              twice, "SELECT n, n * 2 AS m FROM \"nums\" WHERE n < 10")),
                      List.of(new TaskQuery.Imported(DatasetName.of("nums"), export.reader())),
                      Map.of(),
                      null,
                      null,
                      null));
          assertThat(out.rows()).as(sql).isEqualTo(sql.startsWith("WITH") ? 200000 : 18);
        }
      }
    }
    assertThat(rows("SELECT s FROM \"total\"")).containsExactly("4999950000");
    assertThat(rows("SELECT c FROM \"pairs\"")).containsExactly("99999");
    // nothing was stored under the imported name
    assertThat(store.describe(DatasetName.of("nums"))).isEmpty();
  }

  @Test
  void aCancelledQueryStopsAndLeavesThePreviousVersion() throws Exception {
    DatasetName slow = DatasetName.of("slow");
    store.replace(TaskQuery.of(slow, "SELECT 1 AS n"));
    QueryCancellation cancellation = new QueryCancellation();
    CompletableFuture<StoredDataset> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return store.replace(
                    query(
                        slow,
                        "SELECT COUNT(*) AS n FROM range(100000000000) a",
                        List.of(),
                        List.of(),
                        null,
                        null,
                        cancellation));
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    // Cancel only once the query is really running: DuckDB reports it in its own catalog.
    org.awaitility.Awaitility.await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> cancellationHasAStatement(cancellation));
    cancellation.cancel(QueryCancellation.Cause.DEADLINE, "deadline reached");
    assertThatThrownBy(() -> running.get(60, TimeUnit.SECONDS))
        .hasCauseInstanceOf(QueryCancellation.QueryCancelledException.class)
        .hasMessageContaining("deadline reached");
    assertThat(store.describe(slow).orElseThrow().version()).isEqualTo(1);
    assertThat(tables()).containsExactly("slow@1");
  }

  private static boolean cancellationHasAStatement(QueryCancellation cancellation) {
    return cancellation.isRunning();
  }

  @Test
  void anAcceptedStatementIsAcceptedAgainAndARefusedOneRefusedAgain() throws Exception {
    try (Connection connection = store.connect()) {
      assertThat(store.parse(connection, "SELECT 1 AS x"))
          .isSameAs(store.parse(connection, "SELECT 1 AS x"));
      for (int attempt = 0; attempt < 2; attempt++) {
        assertThatThrownBy(() -> store.parse(connection, "SELECT 1; DROP TABLE t"))
            .isInstanceOf(SqlRefusedException.class);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DROP TABLE t",
        "COPY (SELECT 1) TO 'x.csv'",
        "ATTACH 'other.db'",
        "SELECT 1; DROP TABLE t",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "RESET lock_configuration",
        "PRAGMA version",
        "CALL pragma_version()",
        "CREATE MACRO m() AS 1"
      })
  void anythingButOneSelectIsRefused(String sql) {
    assertThatThrownBy(() -> store.replace(TaskQuery.of(DatasetName.of("evil"), sql)))
        .isInstanceOf(SqlRefusedException.class);
    assertThatThrownBy(
            () ->
                store.replace(
                    query(
                        DatasetName.of("evil"),
                        "SELECT 1 AS x",
                        List.of(new MacroDefinition("m", List.of(), "1); " + sql + "; SELECT (1")),
                        List.of(),
                        null,
                        null,
                        null)))
        .isInstanceOf(SqlRefusedException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM read_csv('%s')",
        "SELECT * FROM read_parquet('%s')",
        "SELECT * FROM read_text('%s')",
        "SELECT * FROM '%s'",
        "SELECT * FROM glob('%s')"
      })
  void selectsCannotReachTheFileSystem(String template) throws Exception {
    Path secret = Files.writeString(dataDir.resolve("secret.csv"), "a\n1\n");
    assertThatThrownBy(
            () -> store.replace(TaskQuery.of(DatasetName.of("leak"), template.formatted(secret))))
        .isInstanceOf(SqlRefusedException.class)
        .hasMessageMatching(".*(is not one of its inputs|calls the table function).*");
    // and were a path to get through, the lockdown still stops the read
    try (Connection connection = store.connect()) {
      assertThatThrownBy(() -> execute(connection, template.formatted(secret)))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("disabled");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM relspec_meta.versions",
        "SELECT * FROM relspec_meta.outbox",
        "SELECT * FROM relspec_data.\"hidden@1\"",
        "SELECT * FROM hidden",
        "SELECT * FROM main.hidden",
        "SELECT x, (SELECT count(*) FROM hidden) AS n FROM src",
        "SELECT x FROM src WHERE x IN (SELECT 1 FROM relspec_meta.versions)",
        "WITH hidden AS (SELECT * FROM hidden) SELECT * FROM hidden",
        "WITH a AS (SELECT * FROM b), b AS (SELECT x FROM src) SELECT * FROM a",
        "SELECT * FROM (WITH c AS (SELECT 1 AS x) SELECT x FROM c) q, c",
        "SELECT * FROM duckdb_tables()",
        "SELECT * FROM query('SELECT * FROM hidden')",
        "SELECT * FROM duckdb_settings()"
      })
  void aTaskReadsNothingButWhatItWasBound(String sql) throws Exception {
    store.replace(TaskQuery.of(DatasetName.of("hidden"), "SELECT 42 AS secret"));
    store.replace(TaskQuery.of(DatasetName.of("src"), "SELECT 1 AS x"));
    assertThatThrownBy(
            () ->
                store.replace(
                    query(
                        DatasetName.of("leak"),
                        sql,
                        List.of(),
                        List.of(new TaskQuery.Local(DatasetName.of("src"), 1)),
                        null,
                        null,
                        null)))
        .isInstanceOf(SqlRefusedException.class)
        .hasMessageMatching(".*(is not one of its inputs|calls the table function).*");
    assertThat(store.describe(DatasetName.of("leak"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "(SELECT count(*) FROM relspec_meta.outbox)",
        "(SELECT 1)",
        "x + (SELECT max(x) FROM src)",
        "1), (2",
        "1) UNION SELECT (2"
      })
  void aFunctionBodyIsOneExpressionThatReadsNoTable(String expression) throws Exception {
    store.replace(TaskQuery.of(DatasetName.of("src"), "SELECT 1 AS x"));
    assertThatThrownBy(
            () ->
                store.replace(
                    query(
                        DatasetName.of("out"),
                        "SELECT f(x) AS y FROM src",
                        List.of(new MacroDefinition("f", List.of("x"), expression)),
                        List.of(new TaskQuery.Local(DatasetName.of("src"), 1)),
                        null,
                        null,
                        null)))
        .isInstanceOf(SqlRefusedException.class);
  }

  @Test
  void theTasksOwnTextRunsWithDottedNamesViewsAndCtes() throws Exception {
    DatasetName raw = DatasetName.of("raw.orders");
    store.replace(
        TaskQuery.of(raw, "SELECT * FROM (VALUES (1, 10), (2, 20), (3, 30)) AS t(id, amount)"));
    DatasetName big = DatasetName.of("sales.big_orders");
    String sql =
        """
        -- a comment first; the text is DuckDB's dialect, as the user tested it
        WITH doubled AS (SELECT id, amount * 2 AS amount FROM sales.big_orders)
        SELECT d.id, d.amount, o.amount AS original, 'raw.orders' AS label
        FROM doubled d JOIN "raw"."orders" o ON o.id = d.id
        WHERE o.amount // 10 >= 2;  -- integer division and a trailing comment
        """;
    StoredDataset out =
        store.replace(
            new TaskQuery(
                DatasetName.of("report"),
                sql,
                List.of(),
                List.of(
                    new ViewDefinition(
                        big, "SELECT id, amount FROM raw . orders WHERE amount > 15")),
                List.of(new TaskQuery.Local(raw, 1)),
                Map.of(),
                null,
                null,
                null));
    assertThat(out.rows()).isEqualTo(2);
    assertThat(rows("SELECT id, amount, original, label FROM \"report\" ORDER BY id"))
        .containsExactly("2|40|20|raw.orders", "3|60|30|raw.orders");
  }

  @Test
  void resultColumnsAreTakenByPositionUnderThePlansNames() throws Exception {
    ArrowSchema plan =
        new ArrowSchema(
            List.of(
                new ArrowField("EXPR$0", ArrowType.parse("int64"), true, Map.of()),
                new ArrowField("n", ArrowType.parse("float64"), true, Map.of())));
    StoredDataset stored =
        store.replace(
            query(
                DatasetName.of("unnamed"),
                "SELECT count(*), 7 / 2 AS n",
                List.of(),
                List.of(),
                plan,
                null,
                null));
    assertThat(stored.schema().fields())
        .extracting(field -> field.name() + ":" + field.type())
        .containsExactly("EXPR$0:int64", "n:float64");
    assertThat(rows("SELECT \"EXPR$0\", n FROM \"unnamed\"")).containsExactly("1|3.5");
  }

  @Test
  void settingsAreLockedOnEveryConnection() throws Exception {
    try (Connection connection = store.connect()) {
      for (String change :
          List.of(
              "SET enable_external_access = true",
              "SET autoload_known_extensions = true",
              "SET lock_configuration = false",
              "SET memory_limit = '100GB'",
              "SET threads = 64")) {
        assertThatThrownBy(() -> execute(connection, change))
            .as(change)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("configuration has been locked");
      }
      for (String escape :
          List.of(
              "LOAD httpfs",
              "INSTALL httpfs",
              "ATTACH '" + dataDir.resolve("x.db") + "'",
              "COPY (SELECT 1) TO '" + dataDir.resolve("out.csv") + "'")) {
        assertThatThrownBy(() -> execute(connection, escape))
            .as(escape)
            .isInstanceOf(SQLException.class);
      }
    }
    assertThat(Files.exists(dataDir.resolve("out.csv"))).isFalse();
    assertThat(Files.exists(dataDir.resolve("x.db"))).isFalse();
    assertThat(
            store.settings(
                "enable_external_access",
                "autoload_known_extensions",
                "autoinstall_known_extensions",
                "allow_community_extensions",
                "lock_configuration"))
        .containsEntry("enable_external_access", "false")
        .containsEntry("autoload_known_extensions", "false")
        .containsEntry("autoinstall_known_extensions", "false")
        .containsEntry("allow_community_extensions", "false")
        .containsEntry("lock_configuration", "true");
  }

  @Test
  void smallWritesWaitInTheLogUntilAnIdleCheckpointMovesThemIntoTheFile() throws Exception {
    store.replace(TaskQuery.of(DatasetName.of("small"), "SELECT range AS n FROM range(1000)"));
    Path wal = dataDir.resolve("store.duckdb.wal");
    assertThat(wal).exists();
    assertThat(Files.size(wal)).as("the committed write is in the log").isPositive();
    assertThat(store.checkpoint()).isTrue();
    assertThat(Files.exists(wal) ? Files.size(wal) : 0L).isZero();
    assertThat(rows("SELECT count(*) FROM \"small\"")).containsExactly("1000");
    store.close();
    store = open(2);
    assertThat(rows("SELECT count(*) FROM \"small\"")).containsExactly("1000");
  }

  @Test
  void storeSurvivesReopening() throws Exception {
    store.replace(TaskQuery.of(DatasetName.of("kept"), "SELECT 42 AS answer"));
    store.close();
    store = open(2);
    assertThat(store.describe(DatasetName.of("kept")))
        .get()
        .extracting(StoredDataset::rows)
        .isEqualTo(1L);
    assertThat(rows("SELECT answer FROM \"kept\"")).containsExactly("42");
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private List<String> tables() throws SQLException {
    return rows(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'relspec_data'"
            + " ORDER BY table_name");
  }

  private List<String> rows(String sql) throws SQLException {
    List<String> result = new ArrayList<>();
    try (Connection connection = store.connect();
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(rows.getString(i));
        }
        result.add(String.join("|", values));
      }
    }
    return result;
  }

  /** The rows of one version of {@code parts} as exported, "file_id|n", sorted. */
  private List<String> exported(long version) throws Exception {
    List<String> result = new ArrayList<>();
    try (DatasetStore.Export export = store.export(PARTS, version, null, allocator, 100)) {
      ArrowReader reader = export.reader();
      while (reader.loadNextBatch()) {
        var root = reader.getVectorSchemaRoot();
        for (int row = 0; row < root.getRowCount(); row++) {
          result.add(
              root.getVector("file_id").getObject(row) + "|" + root.getVector("n").getObject(row));
        }
      }
    }
    result.sort(null);
    return result;
  }

  private static long count(ArrowReader reader) throws Exception {
    long rows = 0;
    while (reader.loadNextBatch()) {
      rows += reader.getVectorSchemaRoot().getRowCount();
    }
    return rows;
  }
}
