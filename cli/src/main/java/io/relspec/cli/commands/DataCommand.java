package io.relspec.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.ConnectionOptions;
import io.relspec.cli.api.ApiClient;
import io.relspec.cli.data.DataClient;
import io.relspec.cli.data.FileFormats;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.spec.DatasetContract;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relspec data put|delete-files|list}: source data on an executor, over Arrow Flight. */
@Command(
    name = "data",
    description = "Upload, delete and list source data (Arrow Flight).",
    subcommands = {
      DataCommand.Put.class,
      DataCommand.DeleteFiles.class,
      DataCommand.ListData.class
    })
public final class DataCommand {
  private static final Pattern UPLOADABLE =
      Pattern.compile("[a-z][a-z0-9_.]*\\.(parquet|csv|arrow)");

  @Command(
      name = "put",
      description = {
        "Upload a Parquet, CSV or Arrow IPC file to a source dataset.",
        "Columns are cast to the dataset's contract. When the dataset has a file-id column, the"
            + " partitions of the file ids in the upload are replaced; otherwise the dataset is."
      })
  static final class Put implements Callable<Integer> {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DATASET")
    String dataset;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE")
    Path file;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description =
            "upload every DATASET.parquet|csv|arrow file in DIR to the dataset it is named after")
    Path dir;

    @Option(names = "--format", description = "parquet, csv or arrow (default: from the extension)")
    String format;

    @Option(
        names = "--no-wait",
        description = "do not wait for the scheduler to record the new version")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
      Map<String, Path> uploads = new LinkedHashMap<>();
      if (dir != null) {
        if (dataset != null) {
          throw new IllegalArgumentException("pass either DATASET FILE or --dir DIR, not both");
        }
        try (var listing = Files.list(dir)) {
          listing
              .filter(p -> UPLOADABLE.matcher(p.getFileName().toString()).matches())
              .sorted()
              .forEach(p -> uploads.put(datasetOf(p), p));
        }
        if (uploads.isEmpty()) {
          throw new IllegalArgumentException(dir + " holds no .parquet, .csv or .arrow files");
        }
      } else if (dataset != null && file != null) {
        uploads.put(dataset, file);
      } else {
        throw new IllegalArgumentException("name a DATASET and a FILE, or --dir DIR");
      }
      ApiClient api = connection.api();
      try (DataClient data = connection.data()) {
        for (Map.Entry<String, Path> upload : uploads.entrySet()) {
          put(api, data, upload.getKey(), upload.getValue());
        }
      }
      return 0;
    }

    private void put(ApiClient api, DataClient data, String name, Path path) throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode contractJson = api.get("api/v1/datasets/" + ApiClient.segment(name));
      DatasetContract contract =
          RelspecJson.mapper().treeToValue(contractJson, DatasetContract.class);
      FileFormats.Format fileFormat = FileFormats.Format.of(path, format);
      long started = System.nanoTime();
      Progress progress = new Progress(out, "uploading " + path.getFileName() + " to " + name);
      JsonNode answer;
      try (FileFormats.Reading reading =
          FileFormats.read(path, fileFormat, contract, data.allocator())) {
        answer = data.put(name, reading.reader(), progress::rows);
      }
      progress.done();
      long version = answer.path("version").asLong();
      if (!noWait) {
        Waits.sourceVersion(api, name, version, Waits.DEFAULT_TIMEOUT);
      }
      out.printf(
          "%s: version %d, %,d rows uploaded, %s file ids replaced (%s)%n",
          name,
          version,
          progress.rows(),
          contract.fileIdColumn() == null
              ? "dataset replaced, no"
              : answer.path("changedFileIds").asText(),
          Progress.duration(System.nanoTime() - started));
      out.flush();
    }

    private static String datasetOf(Path file) {
      String name = file.getFileName().toString();
      return name.substring(0, name.lastIndexOf('.'));
    }
  }

  @Command(
      name = "delete-files",
      description = "Remove the partitions of file ids from a source dataset.")
  static final class DeleteFiles implements Callable<Integer> {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATASET")
    String dataset;

    @Parameters(index = "1..*", paramLabel = "FILE_ID", description = "file ids to remove")
    List<String> fileIds = new ArrayList<>();

    @Option(
        names = "--from",
        paramLabel = "FILE",
        description = "read file ids from a file, one per line")
    Path from;

    @Option(
        names = "--no-wait",
        description = "do not wait for the scheduler to record the new version")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
      List<String> ids = new ArrayList<>(fileIds);
      if (from != null) {
        Files.readAllLines(from).stream()
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .forEach(ids::add);
      }
      if (ids.isEmpty()) {
        throw new IllegalArgumentException("name at least one file id, or --from a file of them");
      }
      try (DataClient data = connection.data()) {
        JsonNode answer = data.deleteFiles(dataset, ids);
        if (!noWait) {
          Waits.sourceVersion(
              connection.api(), dataset, answer.path("version").asLong(), Waits.DEFAULT_TIMEOUT);
        }
        if (!noWait) {
          Waits.sourceVersion(
              connection.api(), dataset, answer.path("version").asLong(), Waits.DEFAULT_TIMEOUT);
        }
        spec.commandLine()
            .getOut()
            .printf(
                "%s: version %d, %d file ids removed, %,d rows remain%n",
                dataset,
                answer.path("version").asLong(),
                answer.path("removedFileIds").asLong(),
                answer.path("rows").asLong());
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List the datasets an executor holds.")
  static final class ListData implements Callable<Integer> {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Table table = new Table("dataset", "rows", "bytes", "version");
      try (DataClient data = connection.data()) {
        List<FlightInfo> infos = data.list();
        infos.sort(
            java.util.Comparator.comparing(i -> String.join(".", i.getDescriptor().getPath())));
        for (FlightInfo info : infos) {
          List<String> path = info.getDescriptor().getPath();
          table.row(
              path.get(0),
              String.format("%,d", info.getRecords()),
              String.format("%,d", info.getBytes()),
              path.size() > 1 ? path.get(1) : "");
        }
      }
      table.print(spec.commandLine().getOut());
      return 0;
    }
  }
}
