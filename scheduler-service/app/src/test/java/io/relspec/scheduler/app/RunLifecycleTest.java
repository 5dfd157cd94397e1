package io.relspec.scheduler.app;

import static io.relspec.scheduler.Plans.task;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.messaging.PlanCatalogCompiled;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.contracts.messaging.RunState;
import io.relspec.contracts.messaging.SourceDataUpdated;
import io.relspec.contracts.messaging.TaskFailureCode;
import io.relspec.contracts.messaging.TaskRunFailed;
import io.relspec.contracts.messaging.TaskRunHeartbeat;
import io.relspec.contracts.messaging.TaskRunRequested;
import io.relspec.contracts.messaging.TaskRunSucceeded;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.scheduler.Plans;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs against the real RabbitMQ and PostgreSQL with a scripted executor on the broker: retry with
 * backoff, a final failure, stale and duplicate results, a lost executor, cancel, parallelism and
 * priority, a source update that triggers a file-scoped incremental run, and the graph and
 * validation API. (A scheduler killed and restarted mid-run is in the distributed suite.)
 */
@QuarkusTest
@QuarkusTestResource(CompilerStub.class)
class RunLifecycleTest {
  private static final String ADMIN = "test-admin-token-0123456789";
  private static final String READER = "test-reader-token-0123456789";

  @ConfigProperty(name = "relspec.messaging.exchange")
  String exchange;

  @Inject
  @DataSource("scheduler")
  AgroalDataSource database;

  private ScriptedExecutor executor;

  @BeforeEach
  void connect() throws Exception {
    executor = new ScriptedExecutor(exchange);
  }

  @AfterEach
  void disconnect() throws Exception {
    executor.close();
  }

  @Test
  void anOutputRebuiltWithTheSameContentReRunsNoReaderAndADryRunStartsNothing() throws Exception {
    install(
        Plans.catalog()
            .id("pc-cutoff")
            .task(task("k_a"))
            .task(task("k_b").reads("k_a", "id:int64"))
            .task(task("k_c").reads("k_b", "id:int64"))
            .build());
    String first = startRun("{\"mode\":\"full\"}");
    executor.publish(succeeded(executor.next(first), 1, 1, "hash-a"));
    executor.publish(succeeded(executor.next(first), 1, 1, "hash-b"));
    executor.publish(succeeded(executor.next(first), 1, 1, "hash-c"));
    assertThat(executor.finished(first).state()).isEqualTo(RunState.SUCCEEDED);

    // A dry run answers the plan and starts, stores and dispatches nothing.
    int runsBefore =
        given().auth().oauth2(READER).get("/api/v1/runs").jsonPath().getList("").size();
    JsonPath preview =
        given()
            .auth()
            .oauth2(ADMIN)
            .contentType(ContentType.JSON)
            .body("{\"force\":[\"k_a\"],\"dryRun\":true}")
            .post("/api/v1/runs")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(preview.getBoolean("dryRun")).isTrue();
    assertThat(preview.getBoolean("refused")).isFalse();
    assertThat(preview.getString("plan.find { it.task == 'k_a' }.reason")).isEqualTo("forced");
    assertThat(preview.getString("plan.find { it.task == 'k_b' }.reason"))
        .isEqualTo("upstream_changed");
    assertThat(preview.getString("plan.find { it.task == 'k_b' }.scope"))
        .startsWith("full: not file-scopable");
    assertThat(given().auth().oauth2(READER).get("/api/v1/runs").jsonPath().getList("").size())
        .isEqualTo(runsBefore);

    // k_a is rebuilt with the same content: neither reader runs.
    String second = startRun("{\"force\":[\"k_a\"]}");
    TaskRunRequested a = executor.next(second);
    assertThat(a.task().value()).isEqualTo("k_a");
    executor.publish(succeeded(a, 1, 2, "hash-a"));
    assertThat(executor.finished(second).state()).isEqualTo(RunState.SUCCEEDED);
    JsonPath run = status(second);
    for (String reader : List.of("k_b", "k_c")) {
      assertThat(run.getString("tasks.find { it.task == '" + reader + "' }.state"))
          .isEqualTo("REUSED");
      assertThat(run.getString("tasks.find { it.task == '" + reader + "' }.reason"))
          .isEqualTo("upstream_unchanged_content");
    }

    // k_a changes, k_b is rebuilt with its old content: k_c does not run.
    String third = startRun("{\"force\":[\"k_a\"]}");
    executor.publish(succeeded(executor.next(third), 1, 3, "hash-a2"));
    TaskRunRequested b = executor.next(third);
    assertThat(b.task().value()).isEqualTo("k_b");
    executor.publish(succeeded(b, 1, 2, "hash-b"));
    assertThat(executor.finished(third).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(status(third).getString("tasks.find { it.task == 'k_c' }.reason"))
        .isEqualTo("upstream_unchanged_content");

    // The reused output counts as built from the new versions: nothing is left to do.
    String fourth = startRun("{}");
    assertThat(executor.finished(fourth).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(status(fourth).getList("tasks.reason", String.class)).containsOnly("unchanged");
  }

  @Test
  void readersOfAnOutputRebuiltInFullRunOnlyForThePartitionsItChanged() throws Exception {
    // p_a derives its rows through a join (not file-scopable) but its output is keyed by file_id;
    // p_b and p_c are file-scopable for their input, p_d is not.
    install(
        Plans.catalog()
            .id("pc-partitions")
            .task(task("p_a").columns("file_id:utf8", "id:int64"))
            .task(
                task("p_b")
                    .reads("p_a", "file_id:utf8", "id:int64")
                    .columns("file_id:utf8", "id:int64")
                    .scopable("file_id", "p_a=file_id"))
            .task(
                task("p_c")
                    .reads("p_b", "file_id:utf8", "id:int64")
                    .columns("file_id:utf8", "id:int64")
                    .scopable("file_id", "p_b=file_id"))
            .task(task("p_d").reads("p_c", "id:int64"))
            .build());
    String first = startRun("{\"mode\":\"full\"}");
    TaskRunRequested built = executor.next(first);
    // A full run cuts nothing off, so it asks for no partition comparison.
    assertThat(built.reportChangedFiles()).isFalse();
    executor.publish(succeeded(built, 4, 1, "hash-a", null));
    for (int task = 0; task < 3; task++) {
      executor.publish(succeeded(executor.next(first), 4));
    }
    assertThat(executor.finished(first).state()).isEqualTo(RunState.SUCCEEDED);

    JsonPath preview =
        given()
            .auth()
            .oauth2(ADMIN)
            .contentType(ContentType.JSON)
            .body("{\"force\":[\"p_a\"],\"dryRun\":true}")
            .post("/api/v1/runs")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(preview.getString("plan.find { it.task == 'p_b' }.scope"))
        .isEqualTo(
            "full: 'p_a' is rebuilt in full in this run"
                + " (narrowed at run time to the partitions it changes)");

    // p_a is rebuilt in full; its executor compares it with the previous version per file_id
    // and reports two changed partitions.
    String second = startRun("{\"force\":[\"p_a\"]}");
    TaskRunRequested a = executor.next(second);
    assertThat(a.writeMode()).isEqualTo(TaskRunRequested.WriteMode.REPLACE);
    assertThat(a.fileIdColumn()).as("named by its scopable readers").isEqualTo("file_id");
    assertThat(a.reportChangedFiles()).isTrue();
    executor.publish(succeeded(a, 4, 2, "hash-a2", List.of("x2", "x4")));
    TaskRunRequested b = executor.next(second);
    assertThat(b.task().value()).isEqualTo("p_b");
    assertThat(b.writeMode()).isEqualTo(TaskRunRequested.WriteMode.UPSERT_FILES);
    assertThat(b.fileIds()).containsExactly("x2", "x4");
    assertThat(b.scopedInputs()).containsOnlyKeys(DatasetName.of("p_a"));
    executor.publish(succeeded(b, 4));
    // Scoping flows on: p_b's upsert changed those file ids only.
    TaskRunRequested c = executor.next(second);
    assertThat(c.task().value()).isEqualTo("p_c");
    assertThat(c.writeMode()).isEqualTo(TaskRunRequested.WriteMode.UPSERT_FILES);
    assertThat(c.fileIds()).containsExactly("x2", "x4");
    executor.publish(succeeded(c, 4));
    TaskRunRequested d = executor.next(second);
    assertThat(d.task().value()).isEqualTo("p_d");
    assertThat(d.writeMode()).isEqualTo(TaskRunRequested.WriteMode.REPLACE);
    executor.publish(succeeded(d, 1));
    assertThat(executor.finished(second).state()).isEqualTo(RunState.SUCCEEDED);
    JsonPath run = status(second);
    assertThat(run.getInt("tasks.find { it.task == 'p_b' }.fileCount")).isEqualTo(2);
    assertThat(run.getInt("tasks.find { it.task == 'p_c' }.fileCount")).isEqualTo(2);
    assertThat(run.getInt("tasks.find { it.task == 'p_d' }.fileCount")).isZero();

    // Unknown partitions (too many changed, or another executor held the previous version):
    // readers run in full as planned.
    String third = startRun("{\"force\":[\"p_a\"]}");
    executor.publish(succeeded(executor.next(third), 4, 3, "hash-a3", null));
    TaskRunRequested whole = executor.next(third);
    assertThat(whole.task().value()).isEqualTo("p_b");
    assertThat(whole.writeMode()).isEqualTo(TaskRunRequested.WriteMode.REPLACE);
    executor.publish(succeeded(whole, 4));
    TaskRunRequested c3 = executor.next(third);
    assertThat(c3.task().value()).isEqualTo("p_c");
    assertThat(c3.writeMode()).isEqualTo(TaskRunRequested.WriteMode.REPLACE);
    executor.publish(succeeded(c3, 4));
    // p_c was rebuilt whole from an input whose changes nobody can name: every column of it may
    // have changed, so p_d runs. (The scripted executor gives p_b and p_c the version numbers
    // they had before; a repeated number must not pass for an unchanged output.)
    TaskRunRequested d3 = executor.next(third);
    assertThat(d3.task().value()).isEqualTo("p_d");
    executor.publish(succeeded(d3, 1));
    assertThat(executor.finished(third).state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aNarrowedReaderAlsoRunsForTheSourceFilesTheRequestDeclaresChanged() throws Exception {
    String id = Long.toString(System.currentTimeMillis(), 36);
    String raw = "n_raw_" + id;
    String na = "n_a_" + id;
    String nb = "n_b_" + id;
    // n_a is not scopable but keyed by file_id; n_b is scopable for both n_a and the source.
    install(
        Plans.catalog()
            .id("pc-declared-" + id)
            .source(raw, "file_id", "file_id:utf8", "id:int64")
            .task(
                task(na).reads(raw, "file_id:utf8", "id:int64").columns("file_id:utf8", "id:int64"))
            .task(
                task(nb)
                    .reads(na, "file_id:utf8", "id:int64")
                    .reads(raw, "file_id:utf8", "id:int64")
                    .columns("file_id:utf8", "id:int64")
                    .scopable("file_id", na + "=file_id", raw + "=file_id"))
            .build());
    executor.publish(sourceUpdated(raw, List.of("x1", "x2", "x3", "x4"), List.of(), 6L));
    TaskRunRequested a = executor.nextOfTask(na);
    executor.publish(succeeded(a, 4, 1, "hash-na", null));
    TaskRunRequested b = executor.next(a.runId());
    executor.publish(succeeded(b, 4));
    assertThat(executor.finished(a.runId()).state()).isEqualTo(RunState.SUCCEEDED);

    // n_a rebuilt in full changes x1's partition; the request also declares x3 of the source
    // changed (its version did not move): n_b runs for both, not for x1 alone.
    String run =
        startRun("{\"force\":[\"" + na + "\"],\"changedFiles\":{\"" + raw + "\":[\"x3\"]}}");
    TaskRunRequested rebuilt = executor.next(run);
    assertThat(rebuilt.task().value()).isEqualTo(na);
    assertThat(rebuilt.reportChangedFiles()).isTrue();
    executor.publish(succeeded(rebuilt, 4, 2, "hash-na2", List.of("x1")));
    TaskRunRequested narrowed = executor.next(run);
    assertThat(narrowed.task().value()).isEqualTo(nb);
    assertThat(narrowed.writeMode()).isEqualTo(TaskRunRequested.WriteMode.UPSERT_FILES);
    assertThat(narrowed.fileIds()).containsExactly("x1", "x3");
    executor.publish(succeeded(narrowed, 4));
    assertThat(executor.finished(run).state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aChangeToOneColumnReRunsOnlyTheReadersOfThatColumn() throws Exception {
    // m_a writes id, x, y; m_b reads id and x; m_c reads y; m_d reads m_c's value.
    java.util.function.Function<String[], PlanCatalog> catalog =
        change ->
            Plans.catalog()
                .id(change[0])
                .task(
                    task("m_a")
                        .version(change[1])
                        .columns("id:int64", "x:int64", "y:int64")
                        .columnVersions(change[2], change[3]))
                .task(task("m_b").reads("m_a", "id:int64", "x:int64"))
                .task(
                    task("m_c")
                        .reads("m_a", "y:int64")
                        .columns("v:int64", "w:int64")
                        .lineage("v", "m_a.y/TRANSFORMATION")
                        .lineage("w"))
                .task(task("m_d").reads("m_c", "w:int64"))
                .build();
    install(catalog.apply(new String[] {"pc-columns-1", "v1", "rows-1", "y=v1"}));
    String first = startRun("{\"mode\":\"full\"}");
    for (int i = 0; i < 4; i++) {
      TaskRunRequested next = executor.next(first);
      executor.publish(succeeded(next, 1, 1, "hash-" + next.task().value()));
    }
    assertThat(executor.finished(first).state()).isEqualTo(RunState.SUCCEEDED);

    // Only y's expression changed: m_b (no y) is reused; m_c re-runs, and changes only v, which
    // m_d does not read, so m_d is reused too.
    install(catalog.apply(new String[] {"pc-columns-2", "v2", "rows-1", "y=v2"}));
    String second = startRun("{}");
    TaskRunRequested a = executor.next(second);
    assertThat(a.task().value()).isEqualTo("m_a");
    executor.publish(succeeded(a, 1, 2, "hash-m_a-2"));
    TaskRunRequested c = executor.next(second);
    assertThat(c.task().value()).isEqualTo("m_c");
    executor.publish(succeeded(c, 1, 2, "hash-m_c-2"));
    assertThat(executor.finished(second).state()).isEqualTo(RunState.SUCCEEDED);
    JsonPath run = status(second);
    assertThat(run.getString("tasks.find { it.task == 'm_b' }.reason"))
        .isEqualTo("unchanged_columns");
    assertThat(run.getString("tasks.find { it.task == 'm_b' }.state")).isEqualTo("REUSED");
    assertThat(run.getString("tasks.find { it.task == 'm_d' }.reason"))
        .isEqualTo("unchanged_columns");

    // The rows changed (a new filter, say): every reader re-runs.
    install(catalog.apply(new String[] {"pc-columns-3", "v3", "rows-2", "y=v2"}));
    String third = startRun("{}");
    java.util.Set<String> dispatched = new java.util.TreeSet<>();
    for (int i = 0; i < 4; i++) {
      TaskRunRequested next = executor.next(third);
      dispatched.add(next.task().value());
      executor.publish(succeeded(next, 1, 3, "hash-" + next.task().value() + "-3"));
    }
    assertThat(executor.finished(third).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(dispatched).containsExactly("m_a", "m_b", "m_c", "m_d");
  }

  @Test
  void retryableFailuresRetryAfterABackoffAndAFinalFailureSkipsDownstream() throws Exception {
    install(
        Plans.catalog()
            .id("pc-retry")
            .task(task("r_a"))
            .task(task("r_b").reads("r_a", "id:int64"))
            .task(task("r_c").reads("r_b", "id:int64"))
            .build());
    String runId = startRun("{\"mode\":\"full\"}");
    TaskRunRequested first = executor.next(runId);
    assertThat(first.task().value()).isEqualTo("r_a");
    assertThat(first.attempt()).isEqualTo(1);
    Instant failedAt = Instant.now();
    executor.publish(failed(first, TaskFailureCode.OUT_OF_MEMORY));
    TaskRunRequested second = executor.next(runId);
    assertThat(second.task().value()).isEqualTo("r_a");
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(Duration.between(failedAt, second.occurredAt()))
        .as("dispatched again only after the 300 ms backoff")
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    executor.publish(succeeded(second, 5));
    TaskRunRequested b = executor.next(runId);
    assertThat(b.task().value()).isEqualTo("r_b");
    executor.publish(failed(b, TaskFailureCode.SQL_ERROR));

    RunFinished finished = executor.finished(runId);
    assertThat(finished.state()).isEqualTo(RunState.FAILED);
    JsonPath run = status(runId);
    assertThat(run.getString("state")).isEqualTo("FAILED");
    assertThat(run.getInt("tasks.find { it.task == 'r_a' }.attempt")).isEqualTo(2);
    assertThat(run.getLong("tasks.find { it.task == 'r_a' }.rows")).isEqualTo(5);
    assertThat(run.getString("tasks.find { it.task == 'r_b' }.state")).isEqualTo("FAILED");
    assertThat(run.getString("tasks.find { it.task == 'r_b' }.errorCode")).isEqualTo("SQL_ERROR");
    assertThat(run.getString("tasks.find { it.task == 'r_c' }.state")).isEqualTo("SKIPPED");
    assertThat(run.getString("tasks.find { it.task == 'r_c' }.errorCode"))
        .isEqualTo("UPSTREAM_FAILED");
  }

  @Test
  void anAttemptCarriesTheTasksOwnSqlAndItsViewsInDependencyOrder() throws Exception {
    install(
        Plans.catalog()
            .id("pc-views")
            .task(task("v_src").sql("SELECT 1 AS id"))
            .task(
                task("v_inner")
                    .kind(TaskKind.VIEW)
                    .sql("SELECT id FROM v_src WHERE id > 0")
                    .reads("v_src", "id:int64"))
            .task(
                task("v_outer")
                    .kind(TaskKind.VIEW)
                    .sql("SELECT id * 2 AS id FROM v_inner")
                    .reads("v_inner", "id:int64")
                    .physical("v_src")
                    .views("v_inner"))
            .task(
                task("v_reader")
                    .sql("SELECT id FROM v_outer -- as registered")
                    .reads("v_outer", "id:int64")
                    .physical("v_src")
                    .views("v_inner", "v_outer"))
            .build());
    String runId = startRun("{\"mode\":\"full\"}");
    executor.publish(succeeded(executor.next(runId), 1));
    TaskRunRequested reader = executor.next(runId);
    assertThat(reader.task().value()).isEqualTo("v_reader");
    assertThat(reader.sql()).isEqualTo("SELECT id FROM v_outer -- as registered");
    assertThat(reader.views())
        .extracting(view -> view.name().value() + ": " + view.sql())
        .containsExactly(
            "v_inner: SELECT id FROM v_src WHERE id > 0",
            "v_outer: SELECT id * 2 AS id FROM v_inner");
    assertThat(reader.inputs())
        .extracting(input -> input.dataset().value())
        .containsExactly("v_src");
    assertThat(reader.scopedInputs()).isEmpty();
    executor.publish(succeeded(reader, 1));
    assertThat(executor.finished(runId).state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aLostUpstreamOutputIsRebuiltAndALostSourceIsWaitedForWithinTheWindow() throws Exception {
    String id = Long.toString(System.nanoTime(), 36);
    String raw = "lost_raw_" + id;
    String a = "lost_a_" + id;
    String b = "lost_b_" + id;
    install(
        Plans.catalog()
            .id("pc-lost-inputs-" + id)
            .source(raw, null, "id:int64")
            .task(task(a).reads(raw, "id:int64"))
            .task(task(b).reads(a, "id:int64"))
            .build());
    String runId = startRun("{\"mode\":\"full\"}");
    TaskRunRequested first = executor.next(runId);
    assertThat(first.task().value()).isEqualTo(a);
    executor.publish(succeeded(first, 3));
    TaskRunRequested reader = executor.next(runId);
    assertThat(reader.task().value()).isEqualTo(b);

    // The executor holding a's output is gone: a runs again, then b, and the run succeeds.
    executor.publish(lost(reader, a));
    TaskRunRequested rebuild = executor.next(runId);
    assertThat(rebuild.task().value()).isEqualTo(a);
    assertThat(rebuild.attempt()).isEqualTo(2);
    assertThat(rebuild.writeMode()).isEqualTo(TaskRunRequested.WriteMode.REPLACE);
    executor.publish(succeeded(rebuild, 3));
    TaskRunRequested again = executor.next(runId);
    assertThat(again.task().value()).isEqualTo(b);
    executor.publish(succeeded(again, 3));
    assertThat(executor.finished(runId).state()).isEqualTo(RunState.SUCCEEDED);

    // A lost source cannot be rebuilt: a retries, without using up its attempts, until the
    // window (3 s in tests) has passed; then it fails.
    String second = startRun("{\"mode\":\"full\"}");
    Instant started = Instant.now();
    TaskRunRequested attempt = executor.next(second);
    while (true) {
      assertThat(attempt.task().value()).isEqualTo(a);
      executor.publish(lost(attempt, raw));
      var next = executor.nextOrFinished(second, Duration.ofSeconds(10));
      assertThat(next).as("another attempt or the end of the run").isNotNull();
      if (next instanceof RunFinished finished) {
        assertThat(finished.state()).isEqualTo(RunState.FAILED);
        break;
      }
      attempt = (TaskRunRequested) next;
    }
    assertThat(attempt.attempt()).isGreaterThan(3);
    assertThat(Duration.between(started, Instant.now())).isGreaterThan(Duration.ofSeconds(3));
    assertThat(status(second).getString("tasks.find { it.task == '" + a + "' }.error"))
        .contains("waited 3 s for its holder");
  }

  @Test
  void staleAndDuplicateResultsChangeNothing() throws Exception {
    install(
        Plans.catalog()
            .id("pc-stale")
            .task(task("s_a"))
            .task(task("s_b").reads("s_a", "id:int64"))
            .build());
    String runId = startRun("{\"mode\":\"full\"}");
    TaskRunRequested first = executor.next(runId);
    executor.publish(failed(first, TaskFailureCode.OUT_OF_MEMORY));
    TaskRunRequested second = executor.next(runId);
    assertThat(second.attempt()).isEqualTo(2);

    executor.publish(succeeded(first, 111));
    TaskRunSucceeded real = succeeded(second, 222);
    executor.publish(real);
    TaskRunRequested b = executor.next(runId);
    assertThat(b.task().value()).isEqualTo("s_b");
    executor.publish(real);
    executor.publish(succeeded(second, 333));
    executor.publish(succeeded(b, 7));

    assertThat(executor.finished(runId).state()).isEqualTo(RunState.SUCCEEDED);
    JsonPath run = status(runId);
    assertThat(run.getLong("tasks.find { it.task == 's_a' }.rows")).isEqualTo(222);
    assertThat(run.getInt("tasks.find { it.task == 's_a' }.attempt")).isEqualTo(2);
    assertThat(run.getLong("tasks.find { it.task == 's_b' }.rows")).isEqualTo(7);
    assertThat(executor.pending(runId)).as("nothing dispatched twice").isEmpty();
    assertThat(timesRecorded(real.eventId()))
        .as("the result recorded as handled once, by the transaction that applied it")
        .isEqualTo(1);
  }

  private int timesRecorded(UUID eventId) throws Exception {
    try (Connection connection = database.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM relspec_processed_message"
                    + " WHERE consumer = 'scheduler' AND event_id = ?")) {
      select.setString(1, eventId.toString());
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  @Test
  void anAttemptWhoseHeartbeatsStopIsDispatchedAgain() throws Exception {
    install(Plans.catalog().id("pc-lost").task(task("l_a")).build());
    String runId = startRun("{\"mode\":\"full\"}");
    TaskRunRequested first = executor.next(runId);
    executor.publish(
        new TaskRunHeartbeat(
            UUID.randomUUID(),
            Instant.now(),
            runId,
            first.taskRunId(),
            first.attempt(),
            "executor-that-dies",
            first.task()));
    await("heartbeat seen")
        .atMost(Duration.ofSeconds(30))
        .until(() -> "RUNNING".equals(status(runId).getString("tasks[0].state")));

    TaskRunRequested again = executor.next(runId);
    assertThat(again.attempt()).isEqualTo(2);
    JsonPath run = status(runId);
    assertThat(run.getString("tasks[0].errorCode")).isEqualTo("EXECUTOR_LOST");
    assertThat(run.getString("tasks[0].error")).contains("executor-that-dies");
    executor.publish(succeeded(again, 1));
    assertThat(executor.finished(runId).state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void cancelSkipsWhatIsLeftAndIgnoresLateResults() throws Exception {
    install(
        Plans.catalog()
            .id("pc-cancel")
            .task(task("c_a"))
            .task(task("c_b").reads("c_a", "id:int64"))
            .build());
    String runId = startRun("{\"mode\":\"full\"}");
    TaskRunRequested first = executor.next(runId);
    given()
        .auth()
        .oauth2(ADMIN)
        .post("/api/v1/runs/" + runId + "/cancel")
        .then()
        .statusCode(200)
        .body("state", equalTo("CANCELLED"))
        .body("tasks.errorCode", hasItem("CANCELLED"));
    assertThat(executor.finished(runId).state()).isEqualTo(RunState.CANCELLED);
    executor.publish(succeeded(first, 3));
    given()
        .auth()
        .oauth2(ADMIN)
        .post("/api/v1/runs/" + runId + "/cancel")
        .then()
        .statusCode(409)
        .body("code", equalTo("RUN_ALREADY_FINISHED"));
    assertThat(status(runId).getList("tasks.state")).containsOnly("SKIPPED");
  }

  @Test
  void dispatchFollowsPriorityWithinTheParallelismLimit() throws Exception {
    install(
        Plans.catalog()
            .id("pc-priority")
            .task(task("p_late").priority(200))
            .task(task("p_first").priority(10))
            .task(task("p_second").priority(50))
            .build());
    String runId = startRun("{\"mode\":\"full\"}");
    TaskRunRequested one = executor.next(runId);
    TaskRunRequested two = executor.next(runId);
    assertThat(List.of(one.task().value(), two.task().value()))
        .containsExactly("p_first", "p_second");
    assertThat(status(runId).getString("tasks.find { it.task == 'p_late' }.state"))
        .isEqualTo("READY");
    executor.publish(succeeded(one, 1));
    TaskRunRequested three = executor.next(runId);
    assertThat(three.task().value()).isEqualTo("p_late");
    executor.publish(succeeded(two, 1));
    executor.publish(succeeded(three, 1));
    assertThat(executor.finished(runId).state()).isEqualTo(RunState.SUCCEEDED);
    JsonPath summary =
        given()
            .auth()
            .oauth2(READER)
            .get("/api/v1/runs/" + runId + "?tasks=false")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(summary.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(summary.getList("tasks")).as("the summary leaves the tasks out").isEmpty();
    assertThat(status(runId).getList("tasks")).hasSize(3);
  }

  @Test
  void theParallelismLimitHoldsAcrossRunsAndAFreedSlotGoesByPriorityThenToTheOldestRun()
      throws Exception {
    install(
        Plans.catalog()
            .id("pc-global-slots")
            .task(task("s_urgent_a").priority(10))
            .task(task("s_urgent_b").priority(10))
            .task(task("s_later").priority(100))
            .build());
    // max-parallel-tasks=2 in tests: the older run takes both slots, the newer one waits whole.
    String older = startRun("{\"mode\":\"full\"}");
    String newer = startRun("{\"mode\":\"full\"}");
    List<TaskRunRequested> first = List.of(executor.nextOfAnyRun(), executor.nextOfAnyRun());
    assertThat(first).extracting(TaskRunRequested::runId).containsOnly(older);
    assertThat(first)
        .extracting(request -> request.task().value())
        .containsExactly("s_urgent_a", "s_urgent_b");
    assertThat(status(newer).getList("tasks.state")).containsOnly("READY");
    assertThat(status(older).getString("tasks.find { it.task == 's_later' }.state"))
        .isEqualTo("READY");

    // Priority before age: the newer run's urgent tasks go before the older run's later one.
    executor.publish(succeeded(first.get(0), 1));
    TaskRunRequested second = executor.nextOfAnyRun();
    assertThat(List.of(second.runId(), second.task().value())).containsExactly(newer, "s_urgent_a");
    assertAtMostTwoInFlight(older, newer);
    executor.publish(succeeded(first.get(1), 1));
    TaskRunRequested third = executor.nextOfAnyRun();
    assertThat(List.of(third.runId(), third.task().value())).containsExactly(newer, "s_urgent_b");
    assertAtMostTwoInFlight(older, newer);

    // Equal priority: the older run first.
    executor.publish(succeeded(second, 1));
    TaskRunRequested fourth = executor.nextOfAnyRun();
    assertThat(List.of(fourth.runId(), fourth.task().value())).containsExactly(older, "s_later");
    executor.publish(succeeded(third, 1));
    TaskRunRequested fifth = executor.nextOfAnyRun();
    assertThat(List.of(fifth.runId(), fifth.task().value())).containsExactly(newer, "s_later");
    assertAtMostTwoInFlight(older, newer);
    executor.publish(succeeded(fourth, 1));
    executor.publish(succeeded(fifth, 1));
    assertThat(executor.finished(older).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(executor.finished(newer).state()).isEqualTo(RunState.SUCCEEDED);
    // The runs' own timestamps agree: at no instant were more than two attempts out.
    assertThat(peakInFlight(older, newer)).isEqualTo(2);
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/runs/no-such-run/timings")
        .then()
        .statusCode(404)
        .body("code", equalTo("RUN_NOT_FOUND"));
  }

  /** The most attempts dispatched and not yet ended at one instant, from the runs' timings. */
  private static int peakInFlight(String... runIds) {
    java.util.TreeMap<Instant, Integer> changes = new java.util.TreeMap<>();
    for (String runId : runIds) {
      JsonPath timings =
          given()
              .auth()
              .oauth2(READER)
              .get("/api/v1/runs/" + runId + "/timings")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      for (Map<String, String> timing : timings.<Map<String, String>>getList("")) {
        if (timing.get("dispatchedAt") != null) {
          changes.merge(Instant.parse(timing.get("dispatchedAt")), 1, Integer::sum);
          changes.merge(Instant.parse(timing.get("updatedAt")), -1, Integer::sum);
        }
      }
    }
    int now = 0;
    int peak = 0;
    for (int change : changes.values()) {
      now += change;
      peak = Math.max(peak, now);
    }
    return peak;
  }

  @Test
  void anAttemptGoesToTheExecutorHoldingMostOfItsInputBytesUnlessThatOneIsSaturated()
      throws Exception {
    String id = Long.toString(System.currentTimeMillis(), 36);
    String big = "pl_big_" + id;
    String small = "pl_small_" + id;
    // The large input on executor-b, the small one on executor-a.
    executor.publish(located(big, 1, "executor-b", 800L * 1024 * 1024));
    executor.publish(located(small, 1, "executor-a", 10L * 1024 * 1024));
    await("sources recorded")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                List.of(big, small).stream()
                    .allMatch(
                        source ->
                            given()
                                    .auth()
                                    .oauth2(READER)
                                    .get("/api/v1/locations/" + source)
                                    .statusCode()
                                == 200));
    install(
        Plans.catalog()
            .id("pc-placement-" + id)
            .source(big, null, "id:int64")
            .source(small, null, "id:int64")
            .task(task("pl_join").reads(big, "id:int64").reads(small, "id:int64"))
            .task(task("pl_scan_big").reads(big, "id:int64"))
            .task(task("pl_small_a").reads(small, "id:int64"))
            .task(task("pl_small_b").reads(small, "id:int64"))
            .build());
    String runId = startRun("{\"mode\":\"full\"}");
    // Two slots in tests, in name order: pl_join to executor-b's own queue.
    TaskRunRequested join = executor.nextOfTask("pl_join");
    assertThat(join.placedOn()).isEqualTo("executor-b");
    assertThat(executor.routingKeyOf(join)).isEqualTo("executor.task-run-requested.executor-b");
    assertThat(placement(runId, "pl_join"))
        .isEqualTo("executor-b holds 800.0 MiB of the 810.0 MiB its inputs take (99%)");
    // Saturation 1: executor-b is busy, but moving pl_scan_big would fetch 800 MiB (more than the
    // test's max-fetch-bytes of 100 MiB): it waits for executor-b.
    TaskRunRequested scanBig = executor.nextOfTask("pl_scan_big");
    assertThat(scanBig.placedOn()).isEqualTo("executor-b");
    assertThat(placement(runId, "pl_scan_big"))
        .isEqualTo(
            "executor-b holds 800.0 MiB of the 800.0 MiB its inputs take (100%); it has 1 attempts"
                + " placed or running (saturation 1), but moving it would fetch 800.0 MiB"
                + " (max-fetch-bytes 100.0 MiB): placed there anyway");
    // A slot frees: pl_small_a goes to executor-a, which holds its input and is idle.
    executor.publish(succeeded(join, 1));
    TaskRunRequested smallA = executor.nextOfTask("pl_small_a");
    assertThat(smallA.placedOn()).isEqualTo("executor-a");
    // Another frees: executor-a is busy, its 10 MiB are cheap to move and an executor heard from
    // lately has a free slot, so pl_small_b goes to the shared queue, for any executor to fetch.
    executor.publish(succeeded(scanBig, 1));
    TaskRunRequested smallB = executor.nextOfTask("pl_small_b");
    assertThat(smallB.placedOn()).isNull();
    assertThat(executor.routingKeyOf(smallB)).isEqualTo("executor.task-run-requested");
    // Which free executor the reason names depends on whose last message is within the test's
    // 2 s lease: executor-b's upload or the scripted executor's results.
    assertThat(placement(runId, "pl_small_b"))
        .matches(
            "executor-a holds 10\\.0 MiB of the 10\\.0 MiB its inputs take \\(100%\\); it has 1"
                + " attempts placed or running \\(saturation 1\\); (executor-b|scripted) has 0:"
                + " any executor, fetching 10\\.0 MiB");
    executor.publish(succeeded(smallA, 1));
    executor.publish(succeeded(smallB, 1));
    assertThat(executor.finished(runId).state()).isEqualTo(RunState.SUCCEEDED);
  }

  private static String placement(String runId, String task) {
    return status(runId).getString("tasks.find { it.task == '" + task + "' }.placement");
  }

  /** A whole upload of {@code source} by {@code executorId}, of {@code bytes}. */
  private static SourceDataUpdated located(
      String source, long version, String executorId, long bytes) {
    return new SourceDataUpdated(
        UUID.randomUUID(),
        Instant.now(),
        DatasetName.of(source),
        List.of(),
        List.of(),
        version,
        false,
        executorId,
        "grpc://" + executorId + ":8815",
        bytes);
  }

  /** Cancelling a run gives its slots to the tasks another run has waiting. */
  @Test
  void aCancelledRunsSlotsGoToTheRunsWaitingBehindIt() throws Exception {
    install(Plans.catalog().id("pc-cancel-slots").task(task("k_a")).task(task("k_b")).build());
    String holder = startRun("{\"mode\":\"full\"}");
    String waiter = startRun("{\"mode\":\"full\"}");
    executor.next(holder);
    executor.next(holder);
    assertThat(status(waiter).getList("tasks.state")).containsOnly("READY");
    given().auth().oauth2(ADMIN).post("/api/v1/runs/" + holder + "/cancel").then().statusCode(200);
    TaskRunRequested one = executor.next(waiter);
    TaskRunRequested two = executor.next(waiter);
    executor.publish(succeeded(one, 1));
    executor.publish(succeeded(two, 1));
    assertThat(executor.finished(waiter).state()).isEqualTo(RunState.SUCCEEDED);
  }

  private static void assertAtMostTwoInFlight(String... runIds) {
    long inFlight = 0;
    for (String runId : runIds) {
      inFlight +=
          status(runId).getList("tasks.state", String.class).stream()
              .filter(state -> state.equals("DISPATCHED") || state.equals("RUNNING"))
              .count();
    }
    assertThat(inFlight).as("tasks dispatched or running across runs").isLessThanOrEqualTo(2);
  }

  @Test
  void aSourceUpdateTriggersAFileScopedIncrementalRun() throws Exception {
    // Fresh names: source versions and materializations outlive a test run in its database.
    String id = Long.toString(System.currentTimeMillis(), 36);
    String raw = "f_raw_" + id;
    String fa = "f_a_" + id;
    String fb = "f_b_" + id;
    install(
        Plans.catalog()
            .id("pc-files-" + id)
            .source(raw, "file_id", "file_id:utf8", "id:int64")
            .function("f_cents", "x * 100")
            .task(
                task(fa)
                    .reads(raw, "file_id:utf8", "id:int64")
                    .columns("file_id:utf8", "id:int64")
                    .scopable("file_id", raw + "=file_id")
                    .functions("f_cents"))
            .task(task(fb).reads(fa, "id:int64"))
            .build());
    // The first upload of the source triggers the first run: everything is new.
    executor.publish(sourceUpdated(raw, List.of("x1", "x2", "x3", "x4"), List.of(), 6L));
    TaskRunRequested a = executor.nextOfTask(fa);
    String full = a.runId();
    assertThat(a.writeMode()).isEqualTo(TaskRunRequested.WriteMode.REPLACE);
    assertThat(a.macros())
        .singleElement()
        .satisfies(
            macro -> {
              assertThat(macro.name()).isEqualTo("f_cents");
              assertThat(macro.parameters()).containsExactly("x");
              assertThat(macro.expression()).isEqualTo("x * 100");
            });
    executor.publish(succeeded(a, 10));
    TaskRunRequested b = executor.next(full);
    assertThat(b.inputs())
        .singleElement()
        .satisfies(
            input -> {
              assertThat(input.executorId()).isEqualTo("scripted");
              assertThat(input.version()).isEqualTo(a.attempt() + 100L);
            });
    executor.publish(succeeded(b, 2));
    assertThat(executor.finished(full).state()).isEqualTo(RunState.SUCCEEDED);

    executor.publish(sourceUpdated(raw, List.of("x2", "x1"), List.of("x3"), 7L));
    TaskRunRequested scoped = executor.nextOfTask(fa);
    assertThat(scoped.writeMode()).isEqualTo(TaskRunRequested.WriteMode.UPSERT_FILES);
    assertThat(scoped.fileIdColumn()).isEqualTo("file_id");
    assertThat(scoped.fileIds()).containsExactly("x1", "x2", "x3");
    // The task's own SQL, unchanged: the executor restricts the scoped inputs, never the SQL text.
    assertThat(scoped.sql()).isEqualTo(a.sql());
    assertThat(scoped.scopedInputs()).containsOnlyKeys(DatasetName.of(raw));
    assertThat(scoped.inputs())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.version()).isEqualTo(7L);
              assertThat(i.executorId()).isEqualTo("executor-src");
              assertThat(i.flightUri()).isEqualTo("grpc://executor-src:8815");
            });
    // The version being upserted and where it lives, so any executor can take the attempt.
    assertThat(scoped.previousOutput().version()).isEqualTo(a.attempt() + 100L);
    assertThat(scoped.previousOutput().executorId()).isEqualTo("scripted");
    assertThat(scoped.outputSchema().field("file_id")).isPresent();
    executor.publish(succeeded(scoped, 3));
    TaskRunRequested rest = executor.next(scoped.runId());
    assertThat(rest.task().value()).isEqualTo(fb);
    assertThat(rest.writeMode()).isEqualTo(TaskRunRequested.WriteMode.REPLACE);
    executor.publish(succeeded(rest, 2));
    assertThat(executor.finished(scoped.runId()).state()).isEqualTo(RunState.SUCCEEDED);
    JsonPath run = status(scoped.runId());
    assertThat(run.getString("mode")).isEqualTo("incremental");
    assertThat(run.getString("tasks.find { it.task == '" + fa + "' }.reason"))
        .isEqualTo("files_changed");
    assertThat(run.getInt("tasks.find { it.task == '" + fa + "' }.fileCount")).isEqualTo(3);
    assertThat(run.getString("tasks.find { it.task == '" + fb + "' }.reason"))
        .isEqualTo("upstream_changed");

    JsonPath again =
        given()
            .auth()
            .oauth2(ADMIN)
            .contentType(ContentType.JSON)
            .body("{}")
            .post("/api/v1/runs")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath();
    assertThat(again.getList("plan.action")).containsOnly("reuse");
    assertThat(executor.finished(again.getString("runId")).state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void graphAndValidationOverRest() throws Exception {
    install(
        Plans.catalog()
            .id("pc-graph")
            .source("g_raw", null, "id:int64")
            .task(task("g_a").reads("g_raw", "id:int64"))
            .task(task("g_view").kind(TaskKind.VIEW).reads("g_a", "id:int64"))
            .task(task("g_b").reads("g_view", "id:int64").physical("g_a"))
            .task(task("g_bad").reads("g_raw", "id:utf8"))
            .failure("g_broken", "UNKNOWN_COLUMN", "column 'nope' not found")
            .build());
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/validation")
        .then()
        .statusCode(200)
        .body("valid", equalTo(false))
        .body("planCatalogId", equalTo("pc-graph"))
        .body(
            "diagnostics.code",
            hasItems("EDGE_TYPE_MISMATCH", "COMPILE_FAILED", "CATALOG_UNAVAILABLE"))
        .body("blockedTasks", hasItem("g_bad"));
    given()
        .auth()
        .oauth2(ADMIN)
        .contentType(ContentType.JSON)
        .body("{}")
        .post("/api/v1/runs")
        .then()
        .statusCode(409)
        .body("code", equalTo("VALIDATION_FAILED"))
        .body("violations.field", hasItems("g_bad", "g_broken"));
    String partial =
        given()
            .auth()
            .oauth2(ADMIN)
            .contentType(ContentType.JSON)
            .body("{\"mode\":\"full\",\"allowPartial\":true}")
            .post("/api/v1/runs")
            .then()
            .statusCode(202)
            .body("plan.find { it.task == 'g_bad' }.action", equalTo("skip"))
            .body("plan.find { it.task == 'g_bad' }.reason", equalTo("blocked"))
            .body("plan.find { it.task == 'g_view' }.reason", equalTo("inlined"))
            .extract()
            .path("runId");
    executor.publish(succeeded(executor.next(partial), 1));
    executor.publish(succeeded(executor.next(partial), 1));
    assertThat(executor.finished(partial).state())
        .as("a blocked task leaves the run FAILED")
        .isEqualTo(RunState.FAILED);

    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/graph")
        .then()
        .statusCode(200)
        .body("nodes.id", hasItems("dataset:g_raw", "task:g_a", "dataset:g_view"))
        .body("edges.find { it.to == 'task:g_a' }.columns[0].name", equalTo("id"));
    assertThat(
            given()
                .auth()
                .oauth2(READER)
                .get("/api/v1/graph?format=mermaid")
                .then()
                .statusCode(200)
                .extract()
                .asString())
        .startsWith("flowchart LR");
    assertThat(
            given()
                .auth()
                .oauth2(READER)
                .get("/api/v1/graph?format=dot")
                .then()
                .statusCode(200)
                .extract()
                .asString())
        .startsWith("digraph relspec");
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/graph?format=svg")
        .then()
        .statusCode(400)
        .body("code", equalTo("UNKNOWN_FORMAT"));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/graph/generations")
        .then()
        .statusCode(200)
        .body("generations[0].tasks", hasItems("g_a", "g_bad"))
        .body("generations[2].tasks", hasItem("g_b"));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/impact/g_raw")
        .then()
        .statusCode(200)
        .body("kind", equalTo("source"))
        .body("tasks", equalTo(List.of("g_a", "g_b", "g_bad", "g_view")));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/provenance/g_b")
        .then()
        .statusCode(200)
        .body("datasets", equalTo(List.of("g_a", "g_raw", "g_view")));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/impact/nope")
        .then()
        .statusCode(404)
        .body("code", equalTo("UNKNOWN_DATASET"));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/graph/critical-path")
        .then()
        .statusCode(200)
        .body("tasks", hasItem("g_b"));
  }

  private void install(PlanCatalog catalog) throws Exception {
    CompilerStub.serve(catalog);
    executor.publish(
        new PlanCatalogCompiled(
            UUID.randomUUID(),
            Instant.now(),
            catalog.id(),
            catalog.snapshotId(),
            null,
            Map.of(),
            catalog.failures(),
            null));
    await("scheduler holds " + catalog.id())
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                catalog
                    .id()
                    .equals(
                        given()
                            .auth()
                            .oauth2(READER)
                            .get("/api/v1/graph")
                            .then()
                            .extract()
                            .jsonPath()
                            .getString("planCatalogId")));
  }

  private static String startRun(String body) {
    return given()
        .auth()
        .oauth2(ADMIN)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/runs")
        .then()
        .statusCode(202)
        .extract()
        .path("runId");
  }

  private static JsonPath status(String runId) {
    return given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/runs/" + runId)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** A file-keyed upload of {@code source} by executor-src. */
  private static SourceDataUpdated sourceUpdated(
      String source, List<String> changed, List<String> removed, long version) {
    return new SourceDataUpdated(
        UUID.randomUUID(),
        Instant.now(),
        DatasetName.of(source),
        changed,
        removed,
        version,
        true,
        "executor-src",
        "grpc://executor-src:8815",
        null);
  }

  private static TaskRunSucceeded succeeded(TaskRunRequested request, long rows) {
    return succeeded(request, rows, request.attempt() + 100L, null);
  }

  private static TaskRunSucceeded succeeded(
      TaskRunRequested request, long rows, long version, String contentHash) {
    return succeeded(request, rows, version, contentHash, null);
  }

  private static TaskRunSucceeded succeeded(
      TaskRunRequested request,
      long rows,
      long version,
      String contentHash,
      List<String> changedFileIds) {
    return new TaskRunSucceeded(
        UUID.randomUUID(),
        Instant.now(),
        request.runId(),
        request.taskRunId(),
        request.task(),
        request.attempt(),
        "scripted",
        request.output(),
        version,
        rows,
        rows * 8,
        null,
        "grpc://scripted:8815",
        3,
        contentHash,
        changedFileIds);
  }

  private static TaskRunFailed lost(TaskRunRequested request, String input) {
    return new TaskRunFailed(
        UUID.randomUUID(),
        Instant.now(),
        request.runId(),
        request.taskRunId(),
        request.task(),
        request.attempt(),
        "scripted",
        TaskFailureCode.INPUT_NOT_AVAILABLE,
        "cannot fetch '" + input + "' from grpc://gone:8815: UNAVAILABLE",
        true,
        2,
        List.of(DatasetName.of(input)));
  }

  private static TaskRunFailed failed(TaskRunRequested request, TaskFailureCode code) {
    return new TaskRunFailed(
        UUID.randomUUID(),
        Instant.now(),
        request.runId(),
        request.taskRunId(),
        request.task(),
        request.attempt(),
        "scripted",
        code,
        code + " in a scripted attempt",
        code.retryable(),
        2,
        List.of());
  }
}
