package io.relspec.bench;

import io.relspec.catalog.bundle.BundleArchive;
import io.relspec.catalog.model.CatalogState;
import io.relspec.cli.commands.BundleCommand;
import io.relspec.compiler.plans.PlanCompiler;
import io.relspec.compiler.sql.CompileEnvironment;
import io.relspec.compiler.sql.Deadline;
import io.relspec.compiler.sql.QueryCompiler;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Figure 1: compile + lineage + fingerprint per task (parse, Calcite validation, conversion, column
 * lineage, required columns, file scope, fingerprint, DuckDB SQL), warm and cold.
 *
 * <p>Catalogs: the code-anatomy example as the catalog service builds it from the bundle (25
 * tasks), and the same replicated 40 times into a 1,000-task catalog (each replica's tasks read the
 * shared sources and their own replica's outputs). Cold: the first compile of the whole catalog in
 * a fresh JVM (class loading, JIT), one JVM per repetition. Warm: every task compiled again against
 * the compiled catalog's environment, over several rounds; the median and p95 of the per-task
 * times.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.relspec.bench.CompileBench --mode quick|full --out F.md
 * </pre>
 */
public final class CompileBench {
  private CompileBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--cold")) {
      System.out.println(coldMillis(catalog(Integer.parseInt(args[1]))));
      return;
    }
    boolean quick = !(args.length >= 2 && args[1].equals("full"));
    Path out = Path.of(args.length >= 4 ? args[3] : "bench/target/figure-1.md");
    int repetitions = quick ? 1 : 5;
    StringBuilder table =
        new StringBuilder(
            "| catalog | tasks | cold first catalog ms (min–max) | cold ms per task | warm per task median ms | warm p95 ms | warm min / max ms | tasks/s, one thread | target |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
    for (int replicas : new int[] {1, 40}) {
      CatalogSnapshot snapshot = catalog(replicas);
      List<Double> cold = new ArrayList<>();
      for (int r = 0; r < repetitions; r++) {
        cold.add(coldInFreshJvm(replicas));
      }
      List<Double> warm = warm(snapshot, quick ? 2 : (replicas > 1 ? 5 : 40));
      Collections.sort(cold);
      Collections.sort(warm);
      double total = warm.stream().mapToDouble(Double::doubleValue).sum();
      int tasks = snapshot.tasks().size();
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %,.0f (%,.0f–%,.0f) | %.1f | **%.2f** | %.2f | %.2f / %.1f | %,.0f | ≤ 5 ms |%n",
              replicas == 1 ? "code-anatomy" : "code-anatomy × " + replicas,
              tasks,
              median(cold),
              cold.get(0),
              cold.get(cold.size() - 1),
              median(cold) / tasks,
              median(warm),
              warm.get((int) (warm.size() * 0.95)),
              warm.get(0),
              warm.get(warm.size() - 1),
              warm.size() / (total / 1000)));
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, table.toString());
    System.out.print(table);
  }

  /** Per-task compile times (ms) over rounds, after two warm-up rounds. */
  private static List<Double> warm(CatalogSnapshot snapshot, int rounds) throws Exception {
    PlanCompiler.Result compiled =
        new PlanCompiler(Duration.ofSeconds(60), 0).compile(snapshot, Instant.EPOCH);
    if (!compiled.catalog().failures().isEmpty()) {
      throw new IllegalStateException("compile failures: " + compiled.catalog().failures());
    }
    CompileEnvironment environment = PlanCompiler.environment(snapshot);
    for (PlanArtifact plan : compiled.catalog().plans().values()) {
      environment.add(PlanCompiler.inputOf(snapshot.tasks().get(plan.task()), plan));
    }
    QueryCompiler compiler = new QueryCompiler();
    List<Double> perTask = new ArrayList<>();
    for (int round = 0; round < rounds + 2; round++) {
      for (TaskSpec spec : snapshot.tasks().values()) {
        long start = System.nanoTime();
        compiler.compile(spec.sql(), environment, Deadline.none());
        if (round >= 2) {
          perTask.add((System.nanoTime() - start) / 1e6);
        }
      }
    }
    return perTask;
  }

  private static double coldMillis(CatalogSnapshot snapshot) throws Exception {
    long start = System.nanoTime();
    PlanCompiler.Result result =
        new PlanCompiler(Duration.ofSeconds(60), 0).compile(snapshot, Instant.EPOCH);
    double millis = (System.nanoTime() - start) / 1e6;
    if (!result.catalog().failures().isEmpty()) {
      throw new IllegalStateException("compile failures: " + result.catalog().failures());
    }
    return millis;
  }

  private static double coldInFreshJvm(int replicas) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Drelspec.root=" + System.getProperty("relspec.root", "."),
                CompileBench.class.getName(),
                "--cold",
                Integer.toString(replicas))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("cold compile failed: " + out);
    }
    return Double.parseDouble(out.lines().reduce((a, b) -> b).orElseThrow());
  }

  /**
   * The code-anatomy bundle as the catalog builds its snapshot, replicated: replica r renames every
   * task output X to X_r and every reference to a task output in the SQL with it.
   */
  static CatalogSnapshot catalog(int replicas) throws Exception {
    Path bundle = Path.of(System.getProperty("relspec.root", ".")).resolve("examples/code-anatomy");
    CatalogState state =
        CatalogState.empty()
            .putBundle(
                BundleArchive.read(BundleCommand.zip(bundle), BundleArchive.Limits.DEFAULT),
                "bench")
            .checked();
    Map<TaskName, TaskSpec> base = state.effectiveTasks();
    Map<TaskName, TaskSpec> tasks = new TreeMap<>();
    if (replicas == 1) {
      tasks.putAll(base);
    } else {
      Pattern outputs =
          Pattern.compile(
              "\\b("
                  + base.values().stream()
                      .map(spec -> Pattern.quote(spec.output().value()))
                      .collect(Collectors.joining("|"))
                  + ")\\b");
      for (int r = 0; r < replicas; r++) {
        String suffix = "_r" + r;
        for (TaskSpec spec : base.values()) {
          String output = spec.output().value() + suffix;
          String sql =
              outputs
                  .matcher(spec.sql())
                  .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + suffix));
          tasks.put(
              TaskName.of(output),
              new TaskSpec(
                  DatasetName.of(output),
                  sql,
                  spec.kind(),
                  spec.cachePolicy(),
                  spec.priority(),
                  spec.domain(),
                  spec.bundle(),
                  spec.metadata(),
                  spec.origin()));
        }
      }
    }
    return new CatalogSnapshot(
        "bench-code-anatomy-" + replicas,
        null,
        Instant.EPOCH,
        state.datasets(),
        state.functions(),
        state.templates(),
        tasks,
        state.bundles());
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
