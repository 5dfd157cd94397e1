package io.relspec.cli.commands;

import io.relspec.cli.examples.CodeAnatomyGenerator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relspec example generate code-anatomy}: evidence for the code-anatomy example. */
@Command(
    name = "example",
    description = "Generate data for the examples in examples/.",
    subcommands = {ExampleCommand.Generate.class})
public final class ExampleCommand {

  @Command(
      name = "generate",
      description = {
        "Write one Arrow IPC file per source dataset of an example (upload each with data put).",
        "code-anatomy: extractor evidence for N synthetic source files; --variant changed"
            + " modifies --changed-share and deletes --deleted-share of them, and --variant changes"
            + " writes only the modified files (with changed-file-ids.txt and"
            + " deleted-file-ids.txt)."
      })
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "EXAMPLE", description = "code-anatomy or tpch")
    String example;

    @Option(
        names = "--files",
        defaultValue = "300",
        description = "source files (default ${DEFAULT-VALUE}; up to 1,000,000)")
    int files;

    @Option(names = "--seed", defaultValue = "42", description = "default ${DEFAULT-VALUE}")
    long seed;

    @Option(
        names = "--variant",
        defaultValue = "base",
        description = "base, changed or changes (default ${DEFAULT-VALUE})")
    String variant;

    @Option(
        names = "--changed-share",
        defaultValue = "0.02",
        description = "share of files modified (default ${DEFAULT-VALUE})")
    double changedShare;

    @Option(
        names = "--deleted-share",
        defaultValue = "0.01",
        description = "share of files deleted (default ${DEFAULT-VALUE})")
    double deletedShare;

    @Option(
        names = "--scale",
        defaultValue = "0.01",
        description =
            "tpch: the TPC-H scale factor (default ${DEFAULT-VALUE}; 1 = 6M lineitem rows)")
    double scale;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "DIR")
    Path out;

    private int tpch() throws Exception {
      long started = System.nanoTime();
      java.util.Map<String, Long> rows;
      try (RootAllocator allocator = new RootAllocator()) {
        rows = io.relspec.cli.examples.TpchGenerator.write(scale, out, allocator);
      }
      PrintWriter printer = spec.commandLine().getOut();
      Table table = new Table("dataset", "rows", "file");
      rows.forEach(
          (name, count) ->
              table.row(
                  name, String.format("%,d", count), out.resolve(name + ".arrow").toString()));
      table.print(printer);
      printer.printf(
          "TPC-H at scale factor %s in %s%n",
          scale, Progress.duration(System.nanoTime() - started));
      printer.flush();
      return 0;
    }

    @Override
    public Integer call() throws Exception {
      if ("tpch".equals(example)) {
        return tpch();
      }
      if (!"code-anatomy".equals(example)) {
        throw new IllegalArgumentException(
            "unknown example '" + example + "'; known: code-anatomy, tpch");
      }
      CodeAnatomyGenerator.Variant which =
          switch (variant) {
            case "base" -> CodeAnatomyGenerator.Variant.BASE;
            case "changed" -> CodeAnatomyGenerator.Variant.CHANGED;
            case "changes" -> CodeAnatomyGenerator.Variant.CHANGES;
            default ->
                throw new IllegalArgumentException(
                    "--variant is base, changed or changes, got '" + variant + "'");
          };
      var options =
          new CodeAnatomyGenerator.Options(files, seed, changedShare, deletedShare, which);
      long started = System.nanoTime();
      CodeAnatomyGenerator.Result result;
      try (RootAllocator allocator = new RootAllocator()) {
        result = CodeAnatomyGenerator.write(options, out, allocator);
      }
      if (which != CodeAnatomyGenerator.Variant.BASE) {
        Files.write(out.resolve("changed-file-ids.txt"), result.change().modified());
        Files.write(out.resolve("deleted-file-ids.txt"), result.change().deleted());
      }
      PrintWriter printer = spec.commandLine().getOut();
      Table table = new Table("dataset", "rows", "file");
      result
          .rows()
          .forEach(
              (name, rows) ->
                  table.row(
                      name, String.format("%,d", rows), out.resolve(name + ".arrow").toString()));
      table.print(printer);
      printer.printf(
          "%s evidence for %,d files (seed %d)%s in %s%n",
          variant,
          files,
          seed,
          which == CodeAnatomyGenerator.Variant.BASE
              ? ""
              : String.format(
                  ": %d modified, %d deleted",
                  result.change().modified().size(), result.change().deleted().size()),
          Progress.duration(System.nanoTime() - started));
      printer.flush();
      return 0;
    }
  }
}
