package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.RelspecCli;
import io.relspec.cli.api.ApiClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relspec bundle push <dir>}: registers a bundle directory, all or nothing. */
@Command(
    name = "bundle",
    description = "Manage bundles (datasets, functions, templates and tasks shipped together).",
    subcommands = {BundleCommand.Push.class, BundleCommand.ListBundles.class})
public final class BundleCommand {
  /** Upper bound on a bundle archive, matching what the catalog accepts. */
  static final long MAX_ARCHIVE_BYTES = 16L * 1024 * 1024;

  @Command(name = "push", description = "Zip a bundle directory and register it in the catalog.")
  static final class Push implements Callable<Integer> {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "DIR",
        description = "a bundle directory (bundle.yaml, datasets/, tasks/, ...)")
    Path directory;

    @Option(
        names = "--no-wait",
        description = "return once the catalog accepted it, before the compiler has compiled it")
    boolean noWait;

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(directory.resolve("bundle.yaml"))) {
        throw new IllegalArgumentException(
            directory + " is not a bundle directory: it has no bundle.yaml");
      }
      byte[] archive = zip(directory);
      ApiClient api = connection.api();
      JsonNode answer = api.postBytes("api/v1/bundles/archive", archive, "application/zip");
      PrintWriter out = spec.commandLine().getOut();
      String snapshotId = answer.path("snapshotId").asText();
      out.printf(
          "pushed %s: %s, snapshot %s%n",
          directory.getFileName(),
          answer.path("changed").asBoolean() ? "changed" : "unchanged",
          snapshotId);
      if (noWait) {
        return 0;
      }
      JsonNode catalog = Waits.compiled(api, snapshotId, Waits.DEFAULT_TIMEOUT);
      int failures = catalog.path("failures").size();
      out.printf(
          "compiled: %d plans, %d failures (plan catalog %s)%n",
          catalog.path("plans").size(), failures, catalog.path("id").asText());
      for (JsonNode failure : catalog.path("failures")) {
        out.printf("  %s: %s%n", failure.path("task").asText(), failure.path("message").asText());
      }
      out.flush();
      return failures == 0 ? 0 : RelspecCli.FAILED;
    }
  }

  @Command(name = "list", description = "List registered bundles.")
  static final class ListBundles implements Callable<Integer> {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode bundles = connection.api().get("api/v1/bundles");
      Table table = new Table("bundle", "version", "domain", "tasks", "datasets");
      bundles
          .fields()
          .forEachRemaining(
              entry ->
                  table.row(
                      entry.getKey(),
                      entry.getValue().path("version").asText(),
                      entry.getValue().path("domain").asText(),
                      String.valueOf(entry.getValue().path("tasks").size()),
                      String.valueOf(entry.getValue().path("datasets").size())));
      table.print(spec.commandLine().getOut());
      return 0;
    }
  }

  /** The directory as a zip, entries in sorted order so the same directory gives the same bytes. */
  public static byte[] zip(Path directory) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Path file : files) {
        String name = directory.relativize(file).toString().replace('\\', '/');
        if (name.startsWith(".") || name.contains("/.")) {
          continue;
        }
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(0);
        zip.putNextEntry(entry);
        zip.write(Files.readAllBytes(file));
        zip.closeEntry();
        if (bytes.size() > MAX_ARCHIVE_BYTES) {
          throw new IllegalArgumentException(
              directory + " is larger than " + MAX_ARCHIVE_BYTES / (1024 * 1024) + " MiB zipped");
        }
      }
    }
    return bytes.toByteArray();
  }
}
