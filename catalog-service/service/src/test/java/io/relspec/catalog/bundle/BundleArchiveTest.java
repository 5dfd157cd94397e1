package io.relspec.catalog.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.catalog.CatalogErrorCode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.platform.error.ProblemDetails.Violation;
import io.relspec.platform.error.RelspecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class BundleArchiveTest {
  static final String ORDERS =
      "{\"schema\":{\"fields\":[{\"name\":\"file_id\",\"type\":\"utf8\",\"nullable\":false},"
          + "{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false}]},\"fileIdColumn\":\"file_id\"}";

  static Map<String, String> shop() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("bundle.yaml", "name: shop\nversion: 1.2.0\ndomain: sales\n");
    files.put("datasets/orders.json", ORDERS);
    files.put("datasets/raw/events.json", ORDERS);
    files.put(
        "tasks/order_ids.sql",
        "/*---\nkind: materialization\npriority: 10\ncachePolicy: persistent\n"
            + "metadata:\n  owner: team-a\n---*/\nSELECT id FROM orders\n");
    files.put("tasks/plain.sql", "-- just SQL\nSELECT id FROM raw.events");
    files.put(
        "templates/dedupe.sql",
        "/*---\nparameters:\n  - {name: source, kind: dataset}\n---*/\nSELECT DISTINCT * FROM {{source}}");
    files.put(
        "functions/tag.json",
        "{\"parameters\":[{\"name\":\"k\",\"type\":\"utf8\"}],\"returns\":\"utf8\",\"expression\":\"'t:' || k\"}");
    files.put("README.md", "not a member");
    return files;
  }

  @Test
  void readsTheDirectoryFormatFromZipAndTarGzAlike() throws IOException {
    TaskBundle fromZip = BundleArchive.read(zip(shop(), ""), BundleArchive.Limits.DEFAULT);
    TaskBundle fromTar =
        BundleArchive.read(tarGz(shop(), "shop-1.2.0/"), BundleArchive.Limits.DEFAULT);
    assertThat(fromTar).isEqualTo(fromZip);
    assertThat(fromZip.name()).isEqualTo("shop");
    assertThat(fromZip.domain()).isEqualTo("sales");
    assertThat(fromZip.datasets())
        .containsOnlyKeys(DatasetName.of("orders"), DatasetName.of("raw.events"));
    TaskSpec ids = fromZip.tasks().get(TaskName.of("order_ids"));
    assertThat(ids.kind()).isEqualTo(TaskKind.MATERIALIZATION);
    assertThat(ids.priority()).isEqualTo(10);
    assertThat(ids.cachePolicy()).isEqualTo(CachePolicy.PERSISTENT);
    assertThat(ids.metadata()).containsEntry("owner", "team-a");
    assertThat(ids.sql()).isEqualTo("SELECT id FROM orders");
    assertThat(fromZip.tasks().get(TaskName.of("plain")).sql()).startsWith("-- just SQL");
    assertThat(fromZip.templates().get("dedupe").parameters()).hasSize(1);
    assertThat(fromZip.functions()).containsOnlyKeys("tag");
  }

  @Test
  void reportsEveryProblemNamingItsFile() throws IOException {
    Map<String, String> files = shop();
    files.put("tasks/typo.sql", "/*---\nprio: 3\n---*/\nSELECT 1 AS x");
    files.put("tasks/Bad-Name.sql", "SELECT 1 AS x");
    files.put("datasets/broken.json", "{\"schema\":");
    files.put("tasks/notes.txt", "hello");
    assertThatThrownBy(() -> BundleArchive.read(zip(files, ""), BundleArchive.Limits.DEFAULT))
        .isInstanceOfSatisfying(
            RelspecException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(CatalogErrorCode.INVALID_BUNDLE_ARCHIVE);
              assertThat(e.violations())
                  .extracting(Violation::field)
                  .contains(
                      "tasks/typo.sql front matter",
                      "tasks/Bad-Name.sql",
                      "datasets/broken.json",
                      "tasks/notes.txt");
            });
  }

  @Test
  void refusesArchiveBombsUnsafePathsAndOtherFormats() throws IOException {
    Map<String, String> big = shop();
    big.put("tasks/huge.sql", "SELECT 1 AS x -- " + "y".repeat(4096));
    assertThatThrownBy(
            () -> BundleArchive.read(zip(big, ""), new BundleArchive.Limits(100, 1024, 1 << 20)))
        .hasMessageContaining("is larger than 1024 bytes");
    Map<String, String> unsafe = shop();
    unsafe.put("../escape.sql", "SELECT 1 AS x");
    assertThatThrownBy(() -> BundleArchive.read(zip(unsafe, ""), BundleArchive.Limits.DEFAULT))
        .hasMessageContaining("'..' are not allowed");
    assertThatThrownBy(
            () ->
                BundleArchive.read(
                    "just text".getBytes(StandardCharsets.UTF_8), BundleArchive.Limits.DEFAULT))
        .hasMessageContaining("not a zip or tar.gz archive");
    Map<String, String> noManifest = shop();
    noManifest.remove("bundle.yaml");
    assertThatThrownBy(() -> BundleArchive.read(zip(noManifest, ""), BundleArchive.Limits.DEFAULT))
        .hasMessageContaining("bundle.yaml");
  }

  public static byte[] zip(Map<String, String> files, String root) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(root + file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  public static byte[] tarGz(Map<String, String> files, String root) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(root + file.getKey());
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }
}
