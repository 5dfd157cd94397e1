package io.relspec.bench.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.cli.RelspecCli;
import io.relspec.cli.api.ApiClient;
import io.relspec.cli.examples.CodeAnatomyGenerator;
import io.relspec.cli.examples.TpchGenerator;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.messaging.RelspecJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Whole-system figures (BENCHMARKS.md 3, 4, 5, 7, 8): Relspec driven the way a user drives it — the
 * real CLI pushes the bundle and uploads the data over Flight, runs go through the REST API — each
 * time beside its baseline measured in the same run.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.relspec.bench.system.SystemBench \
 *   --mode quick|full [--figures 3,5,7,8] [--deployment standalone|distributed] \
 *   [--files 1000,10000] [--incremental-files 10000] [--changed-per-mille 10,1] [--tpch 0.1] \
 *   [--repetitions 5] \
 *   [--out bench/target/results]
 * </pre>
 *
 * <p>Over 400 lines on purpose: a harness for figures 3, 4, 7 and 8: start the suite, load, run,
 * measure beside the DuckDB baseline, write the tables.
 */
public final class SystemBench {
  private final Options options;
  private final Path work;
  private final Map<String, StringBuilder> tables = new LinkedHashMap<>();

  record Options(
      String mode,
      Set<Integer> figures,
      String deployment,
      List<Integer> files,
      List<Integer> incrementalFiles,
      List<Integer> changedPerMille,
      List<Double> tpchScales,
      int dispatchGenerations,
      int dispatchWidth,
      int repetitions,
      String memoryLimit,
      int uiGenerations,
      int uiWidth,
      Path out) {
    static Options parse(String[] args) {
      Map<String, String> given = new LinkedHashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        if (!args[i].startsWith("--")) {
          throw new IllegalArgumentException("expected --option value, got " + args[i]);
        }
        given.put(args[i].substring(2), args[i + 1]);
      }
      boolean quick = given.getOrDefault("mode", "quick").equals("quick");
      return new Options(
          quick ? "quick" : "full",
          new TreeSet<>(ints(given.getOrDefault("figures", "3,5,7,8"))),
          given.getOrDefault("deployment", "standalone"),
          ints(given.getOrDefault("files", quick ? "40" : "1000,10000")),
          ints(given.getOrDefault("incremental-files", quick ? "200" : "10000")),
          ints(given.getOrDefault("changed-per-mille", "10")),
          Stream.of(given.getOrDefault("tpch", quick ? "0.002" : "0.1,1").split(","))
              .filter(s -> !s.isBlank())
              .map(Double::parseDouble)
              .toList(),
          Integer.parseInt(given.getOrDefault("dispatch-generations", quick ? "3" : "10")),
          Integer.parseInt(given.getOrDefault("dispatch-width", quick ? "5" : "100")),
          Integer.parseInt(given.getOrDefault("repetitions", quick ? "2" : "5")),
          given.getOrDefault("memory-limit", quick ? "64MB" : "256MB"),
          Integer.parseInt(given.getOrDefault("ui-generations", quick ? "3" : "10")),
          Integer.parseInt(given.getOrDefault("ui-width", quick ? "100" : "1000")),
          Path.of(given.getOrDefault("out", "bench/target/results")));
    }

    private static List<Integer> ints(String list) {
      return Stream.of(list.split(",")).filter(s -> !s.isBlank()).map(Integer::parseInt).toList();
    }
  }

  private SystemBench(Options options) throws Exception {
    this.options = options;
    // Absolute: standalone refuses data-directory paths relative to its working directory.
    this.work = Files.createDirectories(options.out().toAbsolutePath().resolve("work"));
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    SystemBench bench = new SystemBench(options);
    Files.createDirectories(options.out());
    try {
      bench.run();
    } finally {
      bench.writeTables();
    }
  }

  private void run() throws Exception {
    Set<Integer> figures = options.figures();
    boolean distributed = options.deployment().equals("distributed");
    if (figures.contains(3) || figures.contains(4) || figures.contains(7) || figures.contains(8)) {
      TreeSet<Integer> scales = new TreeSet<>(options.files());
      if (figures.contains(7)) {
        scales.addAll(options.incrementalFiles());
      }
      for (int files : scales) {
        codeAnatomy(files, options.incrementalFiles().contains(files) && figures.contains(7));
      }
      for (double scale : options.tpchScales()) {
        tpch(scale);
      }
    }
    if (figures.contains(5)) {
      dispatch();
    }
    if (figures.contains(8) && !distributed) {
      boundedMemory(options.files().get(options.files().size() - 1));
    }
    if (figures.contains(9) && !distributed) {
      webUi();
    }
  }

  private int endToEndFigure() {
    return options.deployment().equals("distributed") ? 4 : 3;
  }

  // ---------------------------------------------------------------- code-anatomy, figures 3/4/7/8

  private void codeAnatomy(int files, boolean incremental) throws Exception {
    log("code-anatomy, " + files + " files (" + options.deployment() + ")");
    Path base = work.resolve("code-anatomy-" + files);
    CodeAnatomyGenerator.Options generator =
        new CodeAnatomyGenerator.Options(files, 42, 0, 0, CodeAnatomyGenerator.Variant.BASE);
    long rows;
    try (BufferAllocator allocator = new RootAllocator()) {
      rows = generate(base, () -> CodeAnatomyGenerator.write(generator, base, allocator).rows());
    }
    try (Deployment deployment = deploy("code-anatomy-" + files, List.of());
        BufferAllocator allocator = new RootAllocator()) {
      load(deployment, "examples/code-anatomy", base);
      FullRuns full = fullRuns(deployment);
      Samples relspec = full.seconds();
      int tasks = full.tasks();
      PlanCatalog catalog = planCatalog(deployment.api());
      Samples duckdb = new Samples();
      Samples duckdbFile = fileBaseline(catalog, base, allocator, "code-anatomy-" + files);
      try (DuckDbBaseline baseline = new DuckDbBaseline(catalog, base, allocator, 2, null)) {
        for (int r = 0; r < options.repetitions(); r++) {
          duckdb.add(baseline.runAll());
        }
        slowestTasks(full.lastRun(), baseline.lastTaskMillis());
        endToEnd(
            "code-anatomy, " + String.format(Locale.ROOT, "%,d", files) + " files",
            rows,
            tasks,
            relspec,
            duckdb,
            duckdbFile);
        if (incremental) {
          incremental(deployment, baseline, allocator, files, relspec);
        }
      }
      if (options.figures().contains(8)) {
        OptionalLong rss = deployment.peakRssBytes();
        if (rss.isPresent()) {
          row(
              8,
              "| figure | value |\n|---|---|",
              "| peak RSS of standalone, code-anatomy "
                  + String.format(Locale.ROOT, "%,d", files)
                  + " files ("
                  + String.format(Locale.ROOT, "%,d", rows)
                  + " source rows, full and incremental runs) | "
                  + mb(rss.getAsLong())
                  + " |");
        }
      }
    }
  }

  /**
   * Figure 7: each repetition modifies a fresh 1% of the files (their rows at a new revision),
   * uploads only those, and runs incrementally; the same change is applied to the DuckDB baseline
   * by hand.
   */
  private void incremental(
      Deployment deployment,
      DuckDbBaseline baseline,
      BufferAllocator allocator,
      int files,
      Samples full)
      throws Exception {
    CodeAnatomyGenerator.Options generator =
        new CodeAnatomyGenerator.Options(files, 42, 0, 0, CodeAnatomyGenerator.Variant.BASE);
    int revision = 0;
    for (int perMille : options.changedPerMille()) {
      int changed = Math.max(1, (int) ((long) files * perMille / 1000));
      Samples relspec = new Samples();
      Samples duckdb = new Samples();
      int scoped = 0;
      int ran = 0;
      for (int r = 1; r <= options.repetitions(); r++) {
        revision++;
        SplittableRandom random = new SplittableRandom(1000L * files + r + 7919L * perMille);
        TreeSet<Integer> picked = new TreeSet<>();
        while (picked.size() < changed) {
          picked.add(random.nextInt(files));
        }
        Map<Integer, Integer> ordered = new LinkedHashMap<>();
        for (int index : picked) {
          ordered.put(index, revision);
        }
        Path changes = work.resolve("code-anatomy-" + files + "-change-" + revision);
        deleteRecursively(changes);
        CodeAnatomyGenerator.writeFiles(generator, ordered, changes, allocator);
        cli(deployment, "data", "put", "--dir", changes.toString());
        JsonNode run = run(deployment.api(), "incremental");
        relspec.add(seconds(run));
        Set<String> tasks = ran(run);
        Set<String> scopedTasks = new HashSet<>();
        for (JsonNode task : run.path("tasks")) {
          if (tasks.contains(task.path("task").asText()) && task.path("fileCount").asInt() > 0) {
            scopedTasks.add(task.path("task").asText());
          }
        }
        ran = tasks.size();
        scoped = scopedTasks.size();
        List<String> ids = ordered.keySet().stream().map(CodeAnatomyGenerator::fileId).toList();
        duckdb.add(baseline.runChanged(changes, allocator, ids, tasks, scopedTasks));
        if (r == options.repetitions()) {
          incrementalTasks(run, perMille);
        }
      }
      row(
          7,
          "| scale | changed files | tasks run (scoped to the files) | incremental s | full run s | incremental / full | same SQL on DuckDB, filtered to the changed files, s | incremental / DuckDB |\n"
              + "|---|---|---|---|---|---|---|---|",
          String.format(
              Locale.ROOT,
              "| %,d files | %,d (%s%%) | %d (%d) | %s | %s | **%.1f%%** | %s | %.1f× |",
              files,
              changed,
              new java.math.BigDecimal(perMille)
                  .movePointLeft(1)
                  .stripTrailingZeros()
                  .toPlainString(),
              ran,
              scoped,
              relspec.format("%.2f"),
              full.format("%.2f"),
              100 * relspec.median() / full.median(),
              duckdb.format("%.3f"),
              relspec.median() / duckdb.median()));
    }
    columnAware(deployment, files, full);
  }

  /**
   * Figure 7's column-aware line: each repetition changes the expression of one output column of
   * file_metrics (blank_lines, which hotspots does not read) and runs incrementally; the dry run
   * says how many tasks an upstream change alone would have re-run.
   */
  private void columnAware(Deployment deployment, int files, Samples full) throws Exception {
    Path bundle = work.resolve("code-anatomy-bundle-" + files);
    deleteRecursively(bundle);
    copyRecursively(Deployment.ROOT.resolve("examples/code-anatomy"), bundle);
    Path sql = bundle.resolve("tasks/file_metrics.sql");
    String original = Files.readString(sql);
    String column = "COALESCE(l.blank_lines, 0) AS blank_lines";
    if (!original.contains(column)) {
      throw new IllegalStateException("file_metrics.sql no longer has " + column);
    }
    Samples relspec = new Samples();
    int ran = 0;
    int planned = 0;
    int reused = 0;
    for (int r = 1; r <= options.repetitions(); r++) {
      Files.writeString(
          sql,
          original.replace(column, "COALESCE(l.blank_lines, 0) * " + (r + 1) + " AS blank_lines"));
      cli(deployment, "bundle", "push", bundle.toString());
      JsonNode preview = deployment.api().post("api/v1/runs", Map.of("dryRun", true));
      planned = 0;
      for (JsonNode task : preview.path("plan")) {
        planned += "run".equals(task.path("action").asText()) ? 1 : 0;
      }
      JsonNode run = run(deployment.api(), "incremental");
      relspec.add(seconds(run));
      ran = ran(run).size();
      reused = 0;
      for (JsonNode task : run.path("tasks")) {
        reused += "unchanged_columns".equals(task.path("reason").asText()) ? 1 : 0;
      }
    }
    row(
        7,
        "| scale | changed files | tasks run (scoped to the files) | incremental s | full run s | incremental / full | same SQL on DuckDB, filtered to the changed files, s | incremental / DuckDB |\n"
            + "|---|---|---|---|---|---|---|---|",
        String.format(
            Locale.ROOT,
            "| %,d files, one column of file_metrics changed (column-aware) | none | %d of %d planned (%d reused: `unchanged_columns`) | %s | %s | **%.1f%%** | — | — |",
            files,
            ran,
            planned,
            reused,
            relspec.format("%.2f"),
            full.format("%.2f"),
            100 * relspec.median() / full.median()));
  }

  // ---------------------------------------------------------------- TPC-H, figures 3/4

  private void tpch(double scale) throws Exception {
    log("TPC-H SF " + scale + " (" + options.deployment() + ")");
    Path tables = work.resolve("tpch-" + scale);
    long rows;
    try (BufferAllocator allocator = new RootAllocator()) {
      rows = generate(tables, () -> TpchGenerator.write(scale, tables, allocator));
    }
    try (Deployment deployment = deploy("tpch-" + scale, List.of());
        BufferAllocator allocator = new RootAllocator()) {
      loadTpch(deployment, tables);
      FullRuns full = fullRuns(deployment);
      Samples relspec = full.seconds();
      int tasks = full.tasks();
      Samples duckdb = new Samples();
      PlanCatalog catalog = planCatalog(deployment.api());
      Samples duckdbFile = fileBaseline(catalog, tables, allocator, "tpch-" + scale);
      try (DuckDbBaseline baseline = new DuckDbBaseline(catalog, tables, allocator, 2, null)) {
        for (int r = 0; r < options.repetitions(); r++) {
          duckdb.add(baseline.runAll());
        }
        slowestTasks(full.lastRun(), baseline.lastTaskMillis());
      }
      endToEnd("TPC-H SF " + scale, rows, tasks, relspec, duckdb, duckdbFile);
    }
  }

  /**
   * The same SQL on one DuckDB that writes every table to a database file, as the executor's store
   * does: what persisting the outputs costs the engine itself.
   */
  private Samples fileBaseline(
      PlanCatalog catalog, Path sources, BufferAllocator allocator, String name) throws Exception {
    Path file = work.resolve("baseline-" + name + ".duckdb");
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + ".wal"));
    Samples seconds = new Samples();
    try (DuckDbBaseline baseline = new DuckDbBaseline(catalog, sources, allocator, 2, file)) {
      for (int r = 0; r < options.repetitions(); r++) {
        seconds.add(baseline.runAll());
      }
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(Path.of(file + ".wal"));
    }
    return seconds;
  }

  private void endToEnd(
      String workload, long rows, int tasks, Samples relspec, Samples duckdb, Samples duckdbFile) {
    row(
        endToEndFigure(),
        "| workload | source rows | tasks run | Relspec full run s | same SQL on one DuckDB s | ratio"
            + " | same SQL on one DuckDB file s | ratio to the file |\n"
            + "|---|---|---|---|---|---|---|---|",
        String.format(
            Locale.ROOT,
            "| %s | %,d | %d | %s | %s | **%.2f×** | %s | %.2f× |",
            workload,
            rows,
            tasks,
            relspec.format("%.2f"),
            duckdb.format("%.3f"),
            relspec.median() / duckdb.median(),
            duckdbFile.format("%.3f"),
            relspec.median() / duckdbFile.median()));
  }

  // ---------------------------------------------------------------- dispatch, figure 5

  /** Figure 5: G generations × W trivial tasks; the run's time per task is the overhead. */
  private void dispatch() throws Exception {
    int generations = options.dispatchGenerations();
    int width = options.dispatchWidth();
    int total = generations * width;
    log("dispatch: " + total + " trivial tasks (" + options.deployment() + ")");
    Path bundle = trivialBundle(generations, width);
    // Standalone measures the cost of OpenLineage too: the same runs with it on and off, each in
    // its own JVM, in this sitting.
    List<List<String>> variants =
        options.deployment().equals("distributed")
            ? List.of(List.of())
            : List.of(List.of(), List.of("-Drelspec.openlineage.enabled=false"));
    List<Double> medians = new ArrayList<>();
    for (List<String> properties : variants) {
      boolean lineageOff = !properties.isEmpty();
      try (Deployment deployment = deploy("dispatch", properties)) {
        cli(deployment, "bundle", "push", bundle.toString());
        // One untimed run first: the scheduler is a long-running service, and a fresh JVM's
        // first thousand tasks pay for its JIT compilation (C2 took a quarter of the CPU of a
        // cold run, measured with perf).
        run(deployment.api(), "full");
        Samples perTask = new Samples();
        Samples whole = new Samples();
        for (int r = 0; r < options.repetitions(); r++) {
          JsonNode run = run(deployment.api(), "full");
          int ran = ran(run).size();
          if (ran != total) {
            throw new IllegalStateException("expected " + total + " tasks to run, " + ran + " did");
          }
          whole.add(seconds(run));
          perTask.add(seconds(run) * 1000 / total);
        }
        medians.add(perTask.median());
        row(
            5,
            "| deployment | tasks | run s | ms per task | target |\n|---|---|---|---|---|",
            String.format(
                Locale.ROOT,
                "| %s%s | %,d (%d × %d) | %s | **%s** | ≤ %d ms |",
                options.deployment(),
                variants.size() == 1 ? "" : lineageOff ? ", OpenLineage off" : ", OpenLineage on",
                total,
                generations,
                width,
                whole.format("%.2f"),
                perTask.format("%.1f"),
                options.deployment().equals("distributed") ? 10 : 3));
      }
    }
    if (!options.deployment().equals("distributed")) {
      // The shape: two runs of 500 tasks (5 × 100); quick keeps its tiny bundle.
      int concurrentGenerations = options.mode().equals("quick") ? generations : 5;
      concurrentRuns(trivialBundle(concurrentGenerations, width), concurrentGenerations * width);
    }
    if (medians.size() == 2) {
      row(
          5,
          "| deployment | tasks | run s | ms per task | target |\n|---|---|---|---|---|",
          String.format(
              Locale.ROOT,
              "| OpenLineage's cost per task (on − off, medians) | | | %+.2f ms (%.2f×) | report |",
              medians.get(0) - medians.get(1),
              medians.get(0) / medians.get(1)));
    }
  }

  /** A bundle of G generations × W trivial tasks, each reading the one above it. */
  private Path trivialBundle(int generations, int width) throws Exception {
    int total = generations * width;
    Path bundle = work.resolve("dispatch-" + generations + "x" + width);
    deleteRecursively(bundle);
    Files.createDirectories(bundle.resolve("tasks"));
    Files.writeString(
        bundle.resolve("bundle.yaml"),
        "name: dispatch\nversion: 1\ndomain: bench\ndescription: "
            + total
            + " trivial tasks in "
            + generations
            + " generations\n");
    for (int g = 0; g < generations; g++) {
      for (int w = 0; w < width; w++) {
        String sql =
            g == 0
                ? "SELECT " + w + " AS v"
                : "SELECT v + 1 AS v FROM " + String.format("t_%02d_%03d", g - 1, w);
        Files.writeString(
            bundle.resolve("tasks").resolve(String.format("t_%02d_%03d.sql", g, w)), sql + "\n");
      }
    }
    return bundle;
  }

  /**
   * Figure 5, two runs at once: with {@code max-parallel-tasks=4}, two full runs of the same bundle
   * of trivial tasks started together against the same two run back to back, in one JVM. The bound
   * holds across runs (the peak of attempts out at once, read from the runs' task timings), and
   * sharing it costs no more than running them in turn.
   */
  private void concurrentRuns(Path bundle, int total) throws Exception {
    int bound = 4;
    try (Deployment deployment =
        deploy("concurrent", List.of("-Drelspec.scheduler.max-parallel-tasks=" + bound))) {
      cli(deployment, "bundle", "push", bundle.toString());
      ApiClient api = deployment.api();
      Samples inTurn = new Samples();
      Samples together = new Samples();
      int peak = 0;
      for (int r = 0; r < options.repetitions(); r++) {
        inTurn.add(seconds(run(api, "full")) + seconds(run(api, "full")));
        String first = start(api, "full");
        String second = start(api, "full");
        JsonNode one = await(api, first);
        JsonNode two = await(api, second);
        Instant began = Instant.parse(one.path("createdAt").asText());
        Instant ended =
            max(
                Instant.parse(one.path("finishedAt").asText()),
                Instant.parse(two.path("finishedAt").asText()));
        together.add(Duration.between(began, ended).toNanos() / 1e9);
        peak = Math.max(peak, peakInFlight(api, first, second));
      }
      row(
          "figure-5-concurrent",
          "| two runs at once | tasks | back to back s | together s | ratio | peak attempts out | target |\n"
              + "|---|---|---|---|---|---|---|",
          String.format(
              Locale.ROOT,
              "| %s, max-parallel-tasks=%d | 2 × %,d | %s | %s | **%.2f×** | %d | ≤ 1.2×, ≤ %d |",
              options.deployment(),
              bound,
              total,
              inTurn.format("%.2f"),
              together.format("%.2f"),
              together.median() / inTurn.median(),
              peak,
              bound));
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** The most attempts dispatched and not yet ended at one instant, over the runs' timings. */
  private static int peakInFlight(ApiClient api, String... runIds) {
    TreeMap<Instant, Integer> changes = new TreeMap<>();
    for (String runId : runIds) {
      for (JsonNode timing : api.get("api/v1/runs/" + ApiClient.segment(runId) + "/timings")) {
        if (!timing.path("dispatchedAt").isNull() && timing.has("dispatchedAt")) {
          changes.merge(Instant.parse(timing.path("dispatchedAt").asText()), 1, Integer::sum);
          changes.merge(Instant.parse(timing.path("updatedAt").asText()), -1, Integer::sum);
        }
      }
    }
    int out = 0;
    int peak = 0;
    for (int change : changes.values()) {
      out += change;
      peak = Math.max(peak, out);
    }
    return peak;
  }

  // ---------------------------------------------------------------- web UI, figure 9

  /**
   * Figure 9: the graph page of a large catalog in headless Chromium, from navigation start until
   * the page is usable (graph drawn, or the search box shown above the page's bound), beside the
   * sign-in page's load (no data, no scripts) measured in the same sitting.
   */
  private void webUi() throws Exception {
    int generations = options.uiGenerations();
    int width = options.uiWidth();
    int total = generations * width;
    log("web UI: graph pages of a " + total + "-task catalog in headless Chromium");
    // A bundle archive holds at most 5,000 files: several bundles of whole generations, pushed in
    // order (names are global, so a later bundle reads an earlier one's outputs).
    int perBundle = Math.max(1, 4_000 / width);
    List<Path> bundles = new ArrayList<>();
    for (int first = 0; first < generations; first += perBundle) {
      Path bundle = work.resolve("ui-" + generations + "x" + width + "-" + first);
      deleteRecursively(bundle);
      Files.createDirectories(bundle.resolve("tasks"));
      Files.writeString(
          bundle.resolve("bundle.yaml"),
          "name: ui_"
              + first
              + "\nversion: 1\ndomain: bench\ndescription: chained tasks of generations "
              + first
              + " and on\n");
      for (int g = first; g < Math.min(generations, first + perBundle); g++) {
        for (int w = 0; w < width; w++) {
          String sql =
              g == 0
                  ? "SELECT " + w + " AS v"
                  : "SELECT a.v + b.v AS v FROM "
                      + String.format("t_%02d_%04d", g - 1, w)
                      + " AS a, "
                      + String.format("t_%02d_%04d", g - 1, (w + 1) % width)
                      + " AS b";
          Files.writeString(
              bundle.resolve("tasks").resolve(String.format("t_%02d_%04d.sql", g, w)), sql + "\n");
        }
      }
      bundles.add(bundle);
    }
    String header =
        "| page | nodes drawn | ready ms (median, min–max) | × sign-in page | target |\n|---|---|---|---|---|";
    String focus = String.format("task:t_%02d_%04d", generations / 2, width / 2);
    // The default bound (1,500 nodes), then a bound above the whole graph to time drawing it all.
    // Quick mode (CI) proves the page works at the default bound only.
    for (String bound :
        options.mode().equals("quick") ? List.of("1500") : List.of("1500", "100000")) {
      try (Deployment deployment =
              deploy("ui-" + bound, List.of("-Drelspec.ui.max-graph-nodes=" + bound));
          HeadlessChromium browser =
              new HeadlessChromium(deployment.baseUrl(), deployment.token())) {
        for (Path bundle : bundles) {
          cli(deployment, "bundle", "push", bundle.toString());
        }
        List<String[]> pages =
            bound.equals("1500")
                ? List.of(
                    new String[] {"whole catalog, default bound of 1,500 nodes", "/ui/graph"},
                    new String[] {
                      "focused on one task, depth 3 both ways", "/ui/graph?depth=3&focus=" + focus
                    })
                : List.<String[]>of(
                    new String[] {"whole catalog drawn (bound raised)", "/ui/graph"});
        for (String[] page : pages) {
          Samples signIn = new Samples();
          Samples ready = new Samples();
          int drawn = 0;
          browser.graphReadyMillis(page[1]); // warm-up: first render, caches
          for (int r = 0; r < options.repetitions(); r++) {
            signIn.add(browser.loadMillis("/ui/login"));
            ready.add(browser.graphReadyMillis(page[1]));
            drawn = browser.drawnNodes();
          }
          row(
              9,
              header,
              String.format(
                  Locale.ROOT,
                  "| %s (%,d tasks) | %,d | **%s** | %.1f× (sign-in %s) | %s |",
                  page[0],
                  total,
                  drawn,
                  ready.format("%.0f"),
                  ready.median() / signIn.median(),
                  signIn.format("%.0f"),
                  page[1].equals("/ui/graph") && bound.equals("1500") ? "≤ 2,000 ms" : "report"));
        }
      }
    }
  }

  // ---------------------------------------------------------------- bounded memory, figure 8

  /** Figure 8: the same full run with DuckDB limited to a small memory budget spills, not dies. */
  private void boundedMemory(int files) throws Exception {
    log("bounded memory: code-anatomy " + files + " files, DuckDB limit " + options.memoryLimit());
    Path base = work.resolve("code-anatomy-" + files);
    try (Deployment deployment =
        deploy(
            "bounded-" + files,
            List.of("-Drelspec.executor.memory-limit=" + options.memoryLimit()))) {
      load(deployment, "examples/code-anatomy", base);
      JsonNode run = run(deployment.api(), "full");
      row(
          8,
          "| figure | value |\n|---|---|",
          String.format(
              Locale.ROOT,
              "| full run of code-anatomy %,d files with the executor's DuckDB limited to %s | %s in %.2f s, peak RSS %s |",
              files,
              options.memoryLimit(),
              run.path("state").asText(),
              seconds(run),
              deployment.peakRssBytes().stream()
                  .mapToObj(SystemBench::mb)
                  .findFirst()
                  .orElse("n/a")));
    }
  }

  // ---------------------------------------------------------------- plumbing

  /** Pushes an example bundle and uploads its sources with the real CLI. */
  private static void load(Deployment deployment, String bundle, Path sources) {
    cli(deployment, "bundle", "push", Deployment.ROOT.resolve(bundle).toString());
    cli(deployment, "data", "put", "--dir", sources.toString());
  }

  /**
   * The tables the first executor holds when TPC-H is split between two, as in the suite's test.
   */
  private static final List<String> TPCH_ON_FIRST =
      List.of("lineitem", "orders", "nation", "region");

  /**
   * Pushes the TPC-H bundle and uploads its tables: to the one executor of standalone, or split
   * between two executors as the distributed suite's test does (lineitem, orders, nation and region
   * on the first, customer, part, partsupp and supplier on the second), so tasks that join across
   * the split show what placement and the input cache save.
   */
  private static void loadTpch(Deployment deployment, Path tables) throws IOException {
    List<String> endpoints = deployment.flightEndpoints();
    if (endpoints.size() < 2) {
      load(deployment, "examples/tpch", tables);
      return;
    }
    cli(deployment, "bundle", "push", Deployment.ROOT.resolve("examples/tpch").toString());
    try (Stream<Path> files = Files.list(tables)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".arrow")).sorted().toList()) {
        String table = file.getFileName().toString().replace(".arrow", "");
        String flight = endpoints.get(TPCH_ON_FIRST.contains(table) ? 0 : 1);
        cliAt(deployment, flight, "data", "put", table, file.toString());
      }
    }
  }

  private record FullRuns(Samples seconds, int tasks, JsonNode lastRun) {}

  /** The repetitions of a full run: their times, and how many tasks each ran. */
  private FullRuns fullRuns(Deployment deployment) throws InterruptedException {
    Samples seconds = new Samples();
    JsonNode run = null;
    for (int r = 0; r < options.repetitions(); r++) {
      run = run(deployment.api(), "full");
      seconds.add(seconds(run));
    }
    return new FullRuns(seconds, run == null ? 0 : ran(run).size(), run);
  }

  /**
   * Logs the five slowest tasks of the last full run beside the same task's time on the DuckDB
   * baseline: where the time goes, and whether a gap is per task or in one task.
   */
  private static void slowestTasks(JsonNode run, Map<String, Long> duckdbMillis) {
    if (run == null) {
      return;
    }
    List<JsonNode> tasks = new ArrayList<>();
    run.path("tasks").forEach(tasks::add);
    tasks.sort(Comparator.comparingLong((JsonNode t) -> -t.path("durationMillis").asLong()));
    long total = 0;
    for (JsonNode task : tasks) {
      total += task.path("durationMillis").asLong();
    }
    StringBuilder line = new StringBuilder("slowest tasks (Relspec ms / DuckDB ms):");
    for (JsonNode task : tasks.subList(0, Math.min(5, tasks.size()))) {
      String name = task.path("task").asText();
      line.append(
          String.format(
              Locale.ROOT,
              " %s %d/%s;",
              name,
              task.path("durationMillis").asLong(),
              duckdbMillis.containsKey(name) ? duckdbMillis.get(name) : "-"));
    }
    long duckdbTotal = duckdbMillis.values().stream().mapToLong(Long::longValue).sum();
    log(line + String.format(Locale.ROOT, " sum of tasks %d/%d", total, duckdbTotal));
  }

  /**
   * Logs what an incremental run spent its time on: the slowest tasks with the file ids each ran
   * for (0: in full) and the reason it ran.
   */
  private static void incrementalTasks(JsonNode run, int perMille) {
    List<JsonNode> tasks = new ArrayList<>();
    run.path("tasks").forEach(tasks::add);
    tasks.removeIf(t -> !"run".equals(t.path("action").asText()));
    tasks.sort(Comparator.comparingLong((JsonNode t) -> -t.path("durationMillis").asLong()));
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "incremental run (%s‰ changed), slowest tasks (ms, file ids, reason):",
                perMille));
    for (JsonNode task : tasks.subList(0, Math.min(10, tasks.size()))) {
      line.append(
          String.format(
              Locale.ROOT,
              " %s %d %d %s;",
              task.path("task").asText(),
              task.path("durationMillis").asLong(),
              task.path("fileCount").asInt(),
              task.path("reason").asText()));
    }
    log(line.toString());
  }

  private Deployment deploy(String name, List<String> properties) throws Exception {
    Path state = work.resolve("deployment-" + name);
    deleteRecursively(state);
    return options.deployment().equals("distributed")
        ? new Deployment.LocalSuite(state, 2)
        : new Deployment.Standalone(state, properties);
  }

  /** Runs the real CLI in this JVM; fails with its output if it exits non-zero. */
  private static String cli(Deployment deployment, String... args) {
    return cliAt(deployment, null, args);
  }

  /** {@link #cli} with the Flight endpoint replaced by {@code flight} (when not null). */
  private static String cliAt(Deployment deployment, String flight, String... args) {
    List<String> arguments = new ArrayList<>(List.of(args));
    List<String> connection = new ArrayList<>(deployment.connection());
    int at = connection.indexOf("--flight");
    if (flight != null && at >= 0) {
      connection.set(at + 1, flight);
    }
    arguments.addAll(connection);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        RelspecCli.execute(
            arguments.toArray(String[]::new),
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    if (exit != 0) {
      throw new IllegalStateException(
          "relspec " + String.join(" ", args) + " exited " + exit + ":\n" + out + err);
    }
    return out.toString();
  }

  /** Starts a run through the REST API and waits for it; its own timestamps give the duration. */
  private static JsonNode run(ApiClient api, String mode) throws InterruptedException {
    return await(api, start(api, mode));
  }

  /** Starts a run through the REST API; its id. */
  private static String start(ApiClient api, String mode) {
    return api.post("api/v1/runs", Map.of("mode", mode)).path("runId").asText();
  }

  /** Waits for a run to end, and returns it with its tasks; fails unless it succeeded. */
  private static JsonNode await(ApiClient api, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
    // Polls the state alone: the full run of 1,000 tasks every 25 ms would load the scheduler
    // with the harness's own reads and inflate what it measures.
    while (System.nanoTime() < deadline) {
      String state =
          api.get("api/v1/runs/" + ApiClient.segment(id) + "?tasks=false").path("state").asText();
      if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
        JsonNode run = api.get("api/v1/runs/" + ApiClient.segment(id));
        if (!state.equals("SUCCEEDED")) {
          throw new IllegalStateException("run " + id + " " + state + ": " + run);
        }
        return run;
      }
      Thread.sleep(25);
    }
    throw new IllegalStateException("run " + id + " did not finish within 2 hours");
  }

  private static double seconds(JsonNode run) {
    return Duration.between(
                Instant.parse(run.path("createdAt").asText()),
                Instant.parse(run.path("finishedAt").asText()))
            .toNanos()
        / 1e9;
  }

  /** The tasks a run executed (not reused, not inlined views). */
  private static Set<String> ran(JsonNode run) {
    Set<String> ran = new TreeSet<>();
    for (JsonNode task : run.path("tasks")) {
      if (task.path("action").asText().equals("run")) {
        ran.add(task.path("task").asText());
      }
    }
    return ran;
  }

  private static PlanCatalog planCatalog(ApiClient api) {
    return RelspecJson.read(api.getText("api/v1/plan-catalogs/latest"), PlanCatalog.class);
  }

  interface Generation {
    Object write() throws Exception;
  }

  /** Generates into the directory unless an earlier run left it complete; returns source rows. */
  private static long generate(Path directory, Generation generation) throws Exception {
    Path done = directory.resolve(".rows");
    if (!Files.exists(done)) {
      deleteRecursively(directory);
      Object rows = generation.write();
      long total =
          rows instanceof Map<?, ?> map
              ? map.values().stream().mapToLong(v -> ((Number) v).longValue()).sum()
              : ((Number) rows).longValue();
      Files.writeString(done, Long.toString(total));
    }
    return Long.parseLong(Files.readString(done).strip());
  }

  private void row(int figure, String header, String row) {
    row("figure-" + figure + (figure == 5 ? "-" + options.deployment() : ""), header, row);
  }

  /**
   * A row of the table {@code results/<table>.md} (the marker of the same name in BENCHMARKS.md).
   */
  private void row(String table, String header, String row) {
    tables
        .computeIfAbsent(table, k -> new StringBuilder(header).append('\n'))
        .append(row)
        .append('\n');
    log(row);
  }

  private void writeTables() throws Exception {
    for (Map.Entry<String, StringBuilder> table : tables.entrySet()) {
      Path file = options.out().resolve(table.getKey() + ".md");
      Files.writeString(file, table.getValue().toString());
      log("wrote " + file);
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%,d MB", bytes >> 20);
  }

  private static void log(String message) {
    System.out.println("[system-bench] " + message);
  }

  static void deleteRecursively(Path path) throws Exception {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  static void copyRecursively(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.sorted().toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }
}
