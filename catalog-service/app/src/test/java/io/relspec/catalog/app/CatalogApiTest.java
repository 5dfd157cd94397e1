package io.relspec.catalog.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.relspec.catalog.export.SpecTables;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.messaging.RelspecJson;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Every catalog endpoint and its errors, against the real PostgreSQL and RabbitMQ. */
@QuarkusTest
class CatalogApiTest {
  static final String ADMIN = "test-admin-token-0123456789";
  static final String READER = "test-reader-token-0123456789";

  /** Names unique to one test, so tests never see each other's registrations. */
  static String unique(String stem) {
    return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_" + stem;
  }

  static RequestSpecification admin() {
    return given().auth().oauth2(ADMIN).contentType(ContentType.JSON);
  }

  static String contract(String extraMetadata) {
    return "{\"schema\":{\"fields\":["
        + "{\"name\":\"file_id\",\"type\":\"utf8\",\"nullable\":false,\"metadata\":{}},"
        + "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
        + "{\"name\":\"amount\",\"type\":\"decimal(10,2)\",\"nullable\":true}]},"
        + "\"fileIdColumn\":\"file_id\",\"description\":\"orders\",\"metadata\":{"
        + extraMetadata
        + "}}";
  }

  static String task(String sql) {
    return "{\"sql\":\"" + sql + "\"}";
  }

  @Test
  void datasetsRegisterReadAndDeleteAndRefuseBadInput() {
    String name = unique("orders");
    String first =
        admin()
            .body(contract(""))
            .put("/api/v1/datasets/" + name)
            .then()
            .statusCode(200)
            .body("changed", equalTo(true))
            .extract()
            .path("snapshotId");
    admin()
        .body(contract(""))
        .put("/api/v1/datasets/" + name)
        .then()
        .statusCode(200)
        .body("changed", equalTo(false))
        .body("snapshotId", equalTo(first));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/datasets")
        .then()
        .statusCode(200)
        .body("$", hasKey(name));
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/datasets/" + name)
        .then()
        .statusCode(200)
        .body("fileIdColumn", equalTo("file_id"))
        .body("schema.fields[2].type", equalTo("decimal(10,2)"));

    admin()
        .body(contract(""))
        .put("/api/v1/datasets/Not-A-Name")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("dataset name"));
    admin()
        .body("{\"schema\":{\"fields\":[{\"name\":\"a\",\"type\":\"int64\"}]},\"colour\":\"red\"}")
        .put("/api/v1/datasets/" + name)
        .then()
        .statusCode(400)
        .body("code", equalTo("MALFORMED_REQUEST"))
        .body("detail", containsString("colour"));
    admin()
        .body("{\"schema\":{\"fields\":[{\"name\":\"a\",\"type\":\"int65\"}]}}")
        .put("/api/v1/datasets/" + name)
        .then()
        .statusCode(400)
        .body("detail", containsString("int65"));
    admin()
        .body(
            "{\"schema\":{\"fields\":[{\"name\":\"a\",\"type\":\"int64\"}]},\"fileIdColumn\":\"b\"}")
        .put("/api/v1/datasets/" + name)
        .then()
        .statusCode(400)
        .body("detail", containsString("fileIdColumn 'b'"));
    admin().put("/api/v1/datasets/" + name).then().statusCode(400);
    given()
        .auth()
        .oauth2(READER)
        .contentType(ContentType.JSON)
        .body(contract(""))
        .put("/api/v1/datasets/" + name)
        .then()
        .statusCode(403);
    given()
        .contentType(ContentType.JSON)
        .body(contract(""))
        .put("/api/v1/datasets/" + name)
        .then()
        .statusCode(401);

    admin()
        .delete("/api/v1/datasets/" + name)
        .then()
        .statusCode(200)
        .body("changed", equalTo(true));
    admin()
        .delete("/api/v1/datasets/" + name)
        .then()
        .statusCode(404)
        .body("code", equalTo("DATASET_NOT_FOUND"));
    admin().get("/api/v1/datasets/" + name).then().statusCode(404);
  }

  @Test
  void tasksDefaultTheirOutputAndRefuseConflictsNonQueriesAndOversizedSql() {
    String a = unique("a");
    String b = unique("b");
    admin().body(task("SELECT 1 AS x")).put("/api/v1/tasks/" + a).then().statusCode(200);
    admin()
        .get("/api/v1/tasks/" + a)
        .then()
        .statusCode(200)
        .body("output", equalTo(a))
        .body("kind", equalTo("compute"))
        .body("cachePolicy", equalTo("session"))
        .body("priority", equalTo(100))
        .body("origin", equalTo("api"));
    admin()
        .body("{\"output\":\"" + a + "\",\"sql\":\"SELECT 2 AS x\"}")
        .put("/api/v1/tasks/" + b)
        .then()
        .statusCode(409)
        .body("code", equalTo("OUTPUT_CONFLICT"))
        .body("detail", containsString(a))
        .body("detail", containsString(b));
    admin()
        .body(task("DELETE FROM orders"))
        .put("/api/v1/tasks/" + b)
        .then()
        .statusCode(400)
        .body("code", equalTo("NOT_A_QUERY"))
        .body("violations[0].field", equalTo("sql"));
    admin()
        .body(task("SELECT 1 AS x; SELECT 2 AS y"))
        .put("/api/v1/tasks/" + b)
        .then()
        .statusCode(400)
        .body("code", equalTo("MULTIPLE_STATEMENTS"));
    admin()
        .body(task("SELECT id FROM"))
        .put("/api/v1/tasks/" + b)
        .then()
        .statusCode(400)
        .body("code", equalTo("SYNTAX_ERROR"))
        .body("detail", not(containsString("Was expecting")));
    admin()
        .body(task("SELECT 1 AS x -- " + "y".repeat(300 * 1024)))
        .put("/api/v1/tasks/" + b)
        .then()
        .statusCode(413)
        .body("code", equalTo("SQL_TOO_LARGE"));
    admin()
        .body(task("SELECT 1 AS x -- " + "y".repeat(5 * 1024 * 1024)))
        .put("/api/v1/tasks/" + b)
        .then()
        .statusCode(413)
        .body("code", equalTo("REQUEST_TOO_LARGE"));
    admin()
        .body("{\"sql\":\"SELECT 1 AS x\",\"kind\":\"table\"}")
        .put("/api/v1/tasks/" + b)
        .then()
        .statusCode(400)
        .body("detail", containsString("view, compute, materialization"));
    admin()
        .body("{\"sql\":\"SELECT 1 AS x\",\"origin\":\"contract\"}")
        .put("/api/v1/tasks/" + b)
        .then()
        .statusCode(400)
        .body("code", equalTo("INVALID_SPEC"))
        .body("violations[0].field", equalTo("origin"));
    admin()
        .get("/api/v1/tasks/" + b)
        .then()
        .statusCode(404)
        .body("code", equalTo("TASK_NOT_FOUND"));
    admin().delete("/api/v1/tasks/" + a).then().statusCode(200);
    admin().delete("/api/v1/tasks/" + a).then().statusCode(404);
  }

  @Test
  void functionsAreScalarMacros() {
    String name = unique("tag");
    String body =
        "{\"parameters\":[{\"name\":\"prefix\",\"type\":\"utf8\"},{\"name\":\"k\",\"type\":\"utf8\"}],"
            + "\"returns\":\"utf8\",\"expression\":\"prefix || ':' || k\"}";
    admin()
        .body(body)
        .put("/api/v1/functions/" + name)
        .then()
        .statusCode(200)
        .body("changed", equalTo(true));
    admin().get("/api/v1/functions").then().statusCode(200).body("$", hasKey(name));
    admin()
        .get("/api/v1/functions/" + name)
        .then()
        .statusCode(200)
        .body("returns", equalTo("utf8"));
    admin().body(body).put("/api/v1/functions/ns.tag").then().statusCode(400);
    admin()
        .body("{\"parameters\":[],\"expression\":\"1\"}")
        .put("/api/v1/functions/" + name)
        .then()
        .statusCode(400)
        .body("detail", containsString("returns"));
    admin().delete("/api/v1/functions/" + name).then().statusCode(200);
    admin()
        .get("/api/v1/functions/" + name)
        .then()
        .statusCode(404)
        .body("code", equalTo("FUNCTION_NOT_FOUND"));
  }

  @Test
  void templatesExpandFromContractMetadataIntoContractTasks() {
    String template = unique("dedupe");
    String dataset = unique("orders");
    admin()
        .body(
            "{\"parameters\":[{\"name\":\"source\",\"kind\":\"dataset\"},{\"name\":\"keys\",\"kind\":\"column_list\"}],"
                + "\"sql\":\"SELECT DISTINCT {{keys}} FROM {{source}}\"}")
        .put("/api/v1/templates/" + template)
        .then()
        .statusCode(200);
    admin()
        .get("/api/v1/templates/" + template)
        .then()
        .statusCode(200)
        .body("parameters[1].kind", equalTo("column_list"));
    admin()
        .body("{\"parameters\":[],\"sql\":\"SELECT * FROM {{source}}\"}")
        .put("/api/v1/templates/" + unique("bad"))
        .then()
        .statusCode(400)
        .body("detail", containsString("{{source}}"));

    String instances =
        "\"relspec.templates\":\"[{\\\"template\\\":\\\""
            + template
            + "\\\",\\\"args\\\":{\\\"keys\\\":[\\\"id\\\"]}}]\"";
    admin().body(contract(instances)).put("/api/v1/datasets/" + dataset).then().statusCode(200);
    admin()
        .get("/api/v1/tasks/" + dataset + "__" + template)
        .then()
        .statusCode(200)
        .body("origin", equalTo("contract"))
        .body("sql", equalTo("SELECT DISTINCT \"id\" FROM " + dataset))
        .body("metadata.'relspec.contract'", equalTo(dataset));
    admin()
        .delete("/api/v1/templates/" + template)
        .then()
        .statusCode(409)
        .body("code", equalTo("TEMPLATE_IN_USE"));
    admin()
        .delete("/api/v1/tasks/" + dataset + "__" + template)
        .then()
        .statusCode(409)
        .body("code", equalTo("SYNTHESIZED_TASK"));

    String badArgument = instances.replace("\\\"id\\\"", "\\\"missing_column\\\"");
    admin()
        .body(contract(badArgument))
        .put("/api/v1/datasets/" + dataset)
        .then()
        .statusCode(400)
        .body("code", equalTo("INVALID_TEMPLATE_INSTANCE"))
        .body("violations[0].field", containsString("args.keys"));
    String unknownTemplate = instances.replace(template, "no_such_template");
    admin()
        .body(contract(unknownTemplate))
        .put("/api/v1/datasets/" + dataset)
        .then()
        .statusCode(400)
        .body("detail", containsString("no template named 'no_such_template'"));
    admin().delete("/api/v1/datasets/" + dataset).then().statusCode(200);
    admin().get("/api/v1/tasks/" + dataset + "__" + template).then().statusCode(404);
    admin().delete("/api/v1/templates/" + template).then().statusCode(200);
  }

  static String bundleJson(String name, String version, String dataset, String taskSql) {
    return "{\"name\":\""
        + name
        + "\",\"version\":\""
        + version
        + "\",\"domain\":\"sales\",\"datasets\":{\""
        + dataset
        + "\":"
        + contract("")
        + "},\"functions\":{},\"templates\":{},\"tasks\":{\""
        + name
        + "_big\":{\"sql\":\""
        + taskSql
        + "\"},\""
        + name
        + "_ids\":{\"sql\":\"SELECT id FROM "
        + dataset
        + "\",\"kind\":\"view\"}}}";
  }

  @Test
  void bundlesAreAtomicOwnTheirMembersAndCanBeRemovedWhole() {
    String bundle = unique("shop");
    String dataset = bundle + ".orders";
    String body =
        bundleJson(bundle, "1.0", dataset, "SELECT id FROM " + dataset + " WHERE amount > 10");
    admin()
        .body(body)
        .post("/api/v1/bundles")
        .then()
        .statusCode(200)
        .body("changed", equalTo(true));
    admin()
        .body(body)
        .post("/api/v1/bundles")
        .then()
        .statusCode(200)
        .body("changed", equalTo(false));
    admin()
        .get("/api/v1/bundles/" + bundle)
        .then()
        .statusCode(200)
        .body("version", equalTo("1.0"))
        .body("tasks", hasItem(bundle + "_big"))
        .body("datasets", hasItem(dataset));
    admin().get("/api/v1/bundles").then().statusCode(200).body("$", hasKey(bundle));
    admin()
        .get("/api/v1/tasks/" + bundle + "_big")
        .then()
        .body("bundle", equalTo(bundle))
        .body("domain", equalTo("sales"))
        .body("origin", equalTo("bundle"));
    admin()
        .body(task("SELECT 1 AS x"))
        .put("/api/v1/tasks/" + bundle + "_big")
        .then()
        .statusCode(409)
        .body("code", equalTo("OWNED_BY_BUNDLE"));

    String broken = bundleJson(bundle, "2.0", dataset, "DROP TABLE x");
    admin()
        .body(broken)
        .post("/api/v1/bundles")
        .then()
        .statusCode(400)
        .body("violations[0].field", equalTo("tasks." + bundle + "_big.sql"));
    admin().get("/api/v1/bundles/" + bundle).then().body("version", equalTo("1.0"));

    admin().delete("/api/v1/bundles/" + bundle).then().statusCode(200);
    admin().get("/api/v1/tasks/" + bundle + "_big").then().statusCode(404);
    admin().get("/api/v1/datasets/" + dataset).then().statusCode(404);
    admin()
        .get("/api/v1/bundles/" + bundle)
        .then()
        .statusCode(404)
        .body("code", equalTo("BUNDLE_NOT_FOUND"));
    admin().body("{\"version\":\"1\"}").post("/api/v1/bundles").then().statusCode(400);
  }

  @Test
  void bundleArchivesUseTheDirectoryFormat() throws IOException {
    String bundle = unique("archived");
    Map<String, String> files = new LinkedHashMap<>();
    files.put(bundle + "/bundle.yaml", "name: " + bundle + "\nversion: 0.1.0\ndomain: ops\n");
    files.put(bundle + "/datasets/events.json", contract(""));
    files.put(
        bundle + "/tasks/" + bundle + "_counts.sql",
        "/*---\nkind: materialization\npriority: 5\n---*/\nSELECT count(*) AS n FROM events");
    admin()
        .contentType("application/zip")
        .body(zip(files))
        .post("/api/v1/bundles/archive")
        .then()
        .statusCode(200)
        .body("changed", equalTo(true));
    admin()
        .get("/api/v1/tasks/" + bundle + "_counts")
        .then()
        .statusCode(200)
        .body("kind", equalTo("materialization"))
        .body("priority", equalTo(5))
        .body("domain", equalTo("ops"));
    files.put(bundle + "/tasks/broken.sql", "/*---\npriorty: 5\n---*/\nSELECT 1 AS x");
    admin()
        .contentType("application/zip")
        .body(zip(files))
        .post("/api/v1/bundles/archive")
        .then()
        .statusCode(400)
        .body("code", equalTo("INVALID_BUNDLE_ARCHIVE"))
        .body("violations[0].field", equalTo("tasks/broken.sql front matter"))
        .body("violations[0].message", containsString("priorty"));
    admin()
        .contentType("application/zip")
        .body("not an archive".getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/bundles/archive")
        .then()
        .statusCode(400)
        .body("detail", containsString("not a zip or tar.gz"));
    admin().delete("/api/v1/bundles/" + bundle).then().statusCode(200);
  }

  @Test
  void snapshotsHaveHistoryDiffsAndAnArrowExportThatRoundTrips() throws IOException {
    String a = unique("a");
    String before =
        admin()
            .body(task("SELECT 1 AS x"))
            .put("/api/v1/tasks/" + a)
            .then()
            .extract()
            .path("snapshotId");
    String after =
        admin()
            .body("{\"sql\":\"SELECT 2 AS x\",\"priority\":5}")
            .put("/api/v1/tasks/" + a)
            .then()
            .extract()
            .path("snapshotId");
    admin().get("/api/v1/snapshots/latest").then().statusCode(200).body("id", equalTo(after));
    admin()
        .get("/api/v1/snapshots?limit=2")
        .then()
        .statusCode(200)
        .body("[0].id", equalTo(after))
        .body("[0].previousId", equalTo(before));
    admin()
        .get("/api/v1/snapshots/" + before + "/diff/" + after)
        .then()
        .statusCode(200)
        .body("identical", equalTo(false))
        .body("tasks.changed[0].name", equalTo(a))
        .body("tasks.changed[0].fields", org.hamcrest.Matchers.contains("priority", "sql"));
    admin()
        .get("/api/v1/snapshots/" + after + "/diff/" + after)
        .then()
        .body("identical", equalTo(true));
    admin().get("/api/v1/snapshots/" + before + "/diff/nope").then().statusCode(404);
    admin().get("/api/v1/snapshots?limit=0").then().statusCode(400);

    CatalogSnapshot snapshot =
        RelspecJson.read(
            admin().get("/api/v1/snapshots/" + after).then().extract().asString(),
            CatalogSnapshot.class);
    byte[] stream =
        given()
            .auth()
            .oauth2(READER)
            .get("/api/v1/snapshots/" + after + "/arrow/tasks")
            .then()
            .statusCode(200)
            .contentType(SpecTables.MEDIA_TYPE)
            .extract()
            .asByteArray();
    Map<String, Object> tasks = new TreeMap<>();
    snapshot.tasks().forEach((name, spec) -> tasks.put(name.value(), spec));
    assertThat(SpecTables.read(SpecTables.Table.TASKS, new ByteArrayInputStream(stream)))
        .isEqualTo(tasks);
    given()
        .auth()
        .oauth2(READER)
        .get("/api/v1/snapshots/latest/arrow/tasks")
        .then()
        .statusCode(200);
    for (String table : new String[] {"datasets", "functions", "templates"}) {
      given()
          .auth()
          .oauth2(READER)
          .get("/api/v1/snapshots/" + after + "/arrow/" + table)
          .then()
          .statusCode(200);
    }
    admin()
        .get("/api/v1/snapshots/" + after + "/arrow/rows")
        .then()
        .statusCode(404)
        .body("code", equalTo("UNSUPPORTED_EXPORT"));
    admin().delete("/api/v1/tasks/" + a).then().statusCode(200);
  }

  @Test
  void validationAndCoverageReportWhatTasksRead() {
    String orphan = unique("orphan");
    admin()
        .body(task("SELECT * FROM " + orphan + "_nowhere"))
        .put("/api/v1/tasks/" + orphan)
        .then()
        .statusCode(200);
    admin()
        .get("/api/v1/validation/catalog")
        .then()
        .statusCode(200)
        .body("valid", equalTo(false))
        .body("diagnostics.findAll { it.name == '" + orphan + "' }.code", hasItem("UNKNOWN_INPUT"));
    admin()
        .get("/api/v1/coverage")
        .then()
        .statusCode(200)
        .body("outputsNeverRead", hasItem(orphan))
        .body("domains.'(none)'.tasks", hasItem(orphan))
        .body("bundles.'example.calendar'.inventory.version", equalTo("1.0.0"));
    admin().delete("/api/v1/tasks/" + orphan).then().statusCode(200);
  }

  @Test
  void anExtensionPackOnTheClassPathAddsItsBundleAtStartUp() {
    admin()
        .get("/api/v1/bundles/example.calendar")
        .then()
        .statusCode(200)
        .body("provider", equalTo("io.relspec.packs.example.CalendarPack"))
        .body("functions", hasItem("fiscal_quarter"));
    admin()
        .get("/api/v1/tasks/example.calendar_months")
        .then()
        .statusCode(200)
        .body("bundle", equalTo("example.calendar"))
        .body("kind", equalTo("materialization"))
        .body("sql", notNullValue());
  }

  /** The README's worked example: examples/bundles/shop, zipped as a user would. */
  @Test
  void theReadmeExampleBundleRegistersAsDocumented() throws IOException {
    java.nio.file.Path root = java.nio.file.Path.of("..", "..", "examples", "bundles", "shop");
    Map<String, String> files = new TreeMap<>();
    try (var paths = java.nio.file.Files.walk(root)) {
      for (java.nio.file.Path path : paths.filter(java.nio.file.Files::isRegularFile).toList()) {
        files.put(
            root.relativize(path).toString().replace('\\', '/'),
            java.nio.file.Files.readString(path));
      }
    }
    admin()
        .contentType("application/zip")
        .body(zip(files))
        .post("/api/v1/bundles/archive")
        .then()
        .statusCode(200);
    admin()
        .get("/api/v1/bundles/shop")
        .then()
        .body("version", equalTo("1.0.0"))
        .body("tasks", org.hamcrest.Matchers.contains("big_orders", "revenue_by_country"));
    admin()
        .get("/api/v1/tasks/big_orders")
        .then()
        .body("kind", equalTo("materialization"))
        .body("cachePolicy", equalTo("persistent"))
        .body("metadata.owner", equalTo("sales-analytics"));
    admin()
        .get("/api/v1/tasks/orders__latest_by_key")
        .then()
        .statusCode(200)
        .body("origin", equalTo("contract"))
        .body("kind", equalTo("view"))
        .body("bundle", equalTo("shop"));
    admin()
        .get("/api/v1/coverage")
        .then()
        .body("bundles.shop.coverage.reads", hasItem("customers"))
        .body("bundles.shop.coverage.outputsNeverRead", hasItem("revenue_by_country"));
    admin().delete("/api/v1/bundles/shop").then().statusCode(200);
  }

  static byte[] zip(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
