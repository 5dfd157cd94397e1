package io.relspec.cli.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Synthetic extractor evidence for the code-anatomy example: for N source files, the rows of every
 * per-file source dataset (files, line index, definitions, references, imports, call sites, symbol
 * occurrences, diagnostics), all keyed by file id, plus one global dimension shared by all files
 * ({@code external_symbols}, the names the standard library provides).
 *
 * <p>The shape keeps the work linear in the files: files are grouped in packages of {@value
 * #FILES_PER_PACKAGE}, each package defines names from its own pool, and references and calls name
 * mostly their own package's definitions ({@value #OWN_PACKAGE_PERCENT}%), sometimes another
 * package's, sometimes the standard library's ({@code ext_*}). A name is therefore defined in a
 * bounded number of files whatever the file count, so resolving references by name costs a bounded
 * number of candidates per reference.
 *
 * <p>Deterministic: the same seed and file count give the same rows in every run and JVM. Each
 * file's rows depend only on (seed, file index, revision, file count), so a "changed" variant that
 * bumps the revision of some files and deletes others changes exactly those files' partitions.
 *
 * <p>Over 400 lines on purpose: one deterministic generator for the eight evidence tables of the
 * example, which must agree with each other row by row.
 */
public final class CodeAnatomyGenerator {
  /** Source datasets in the order they are written and uploaded. */
  public static final List<String> DATASETS =
      List.of(
          "files",
          "line_index",
          "cst_definitions",
          "cst_references",
          "cst_imports",
          "cst_call_sites",
          "symbol_occurrences",
          "diagnostics");

  /** The global dimension: not keyed by file, written with the base data only. */
  public static final List<String> DIMENSIONS = List.of("external_symbols");

  /** Files per package; the package count grows with the files. */
  public static final int FILES_PER_PACKAGE = 50;

  /** Share of references and calls (among those naming project code) that stay in the package. */
  public static final int OWN_PACKAGE_PERCENT = 90;

  /** Names one package's definitions are drawn from. */
  private static final int NAMES_PER_PACKAGE = 60;

  /** Standard-library names referenced ({@code ext_0 …}); the dimension defines most of them. */
  private static final int EXTERNAL_NAMES = 50;

  private static final int EXTERNAL_DEFINED = 40;
  private static final String[] VERBS = {
    "load", "parse", "build", "merge", "emit", "scan", "check", "resolve", "index", "render",
    "split", "join", "hash", "encode", "decode", "walk", "visit", "collect", "format", "apply"
  };
  private static final String[] NOUNS = {
    "node", "edge", "graph", "token", "span", "symbol", "scope", "module", "file", "batch",
    "table", "column", "plan", "task", "cache", "report", "schema", "record", "stream", "path"
  };
  private static final String[] EXTERNAL_MODULES = {
    "os", "sys", "json", "typing", "re", "pathlib", "itertools", "collections", "logging"
  };
  private static final String[] SEVERITIES = {"error", "warning", "info", "Warning", "INFO"};

  /** What to generate. */
  public record Options(
      int files, long seed, double changedShare, double deletedShare, Variant variant) {
    public Options {
      if (files < 1 || files > 1_000_000) {
        throw new IllegalArgumentException("files must be between 1 and 1,000,000, got " + files);
      }
      if (changedShare < 0 || deletedShare < 0 || changedShare + deletedShare > 1) {
        throw new IllegalArgumentException(
            "changed and deleted shares must be >= 0 and add up to at most 1");
      }
    }
  }

  /**
   * {@code BASE}: every file at revision 0. {@code CHANGED}: the changed variant, every surviving
   * file. {@code CHANGES}: only the changed files' rows (what an incremental upload sends).
   */
  public enum Variant {
    BASE,
    CHANGED,
    CHANGES
  }

  /** Which files the changed variant modifies and deletes. */
  public record Change(List<String> modified, List<String> deleted) {}

  /** Rows written per dataset, and the change applied. */
  public record Result(Map<String, Long> rows, Change change) {}

  /** How many packages N files fall into: one per {@value #FILES_PER_PACKAGE} files. */
  public static int packages(int files) {
    return Math.max(1, (files + FILES_PER_PACKAGE - 1) / FILES_PER_PACKAGE);
  }

  public static String fileId(int index) {
    return String.format("f%06d", index);
  }

  /** The files a changed variant modifies and deletes: a fixed share, chosen by a seeded hash. */
  public static Change change(Options options) {
    int deleted = (int) Math.round(options.files() * options.deletedShare());
    int modified = (int) Math.round(options.files() * options.changedShare());
    List<Integer> order =
        IntStream.range(0, options.files())
            .boxed()
            .sorted(Comparator.comparingLong(i -> mix(options.seed() ^ 0x5DEECE66DL, i, 7)))
            .toList();
    List<String> deletedIds =
        order.subList(0, deleted).stream().map(CodeAnatomyGenerator::fileId).sorted().toList();
    List<String> modifiedIds =
        order.subList(deleted, deleted + modified).stream()
            .map(CodeAnatomyGenerator::fileId)
            .sorted()
            .toList();
    return new Change(modifiedIds, deletedIds);
  }

  /** Writes {@code <dataset>.arrow} for every source dataset into {@code directory}. */
  public static Result write(Options options, Path directory, BufferAllocator allocator)
      throws IOException {
    Change change =
        options.variant() == Variant.BASE ? new Change(List.of(), List.of()) : change(options);
    TreeSet<String> modified = new TreeSet<>(change.modified());
    TreeSet<String> deleted = new TreeSet<>(change.deleted());
    Map<Integer, Integer> revisions = new LinkedHashMap<>();
    for (int index = 0; index < options.files(); index++) {
      String fileId = fileId(index);
      if (deleted.contains(fileId)) {
        continue;
      }
      boolean isModified = modified.contains(fileId);
      if (options.variant() == Variant.CHANGES && !isModified) {
        continue;
      }
      revisions.put(index, isModified ? 1 : 0);
    }
    Map<String, Long> rows = writeFiles(options, revisions, directory, allocator);
    if (options.variant() != Variant.CHANGES) {
      rows.putAll(writeExternalSymbols(directory, 0, allocator));
    }
    return new Result(rows, change);
  }

  /**
   * Writes the global dimension {@code external_symbols.arrow}: the standard library's names, each
   * with its module and kind. A later {@code revision} changes it as a library upgrade would: a few
   * symbols move to another module and new ones appear.
   */
  public static Map<String, Long> writeExternalSymbols(
      Path directory, int revision, BufferAllocator allocator) throws IOException {
    Files.createDirectories(directory);
    try (EvidenceTable symbols =
        new EvidenceTable(
            directory.resolve("external_symbols.arrow"),
            allocator,
            "symbol_name:utf8",
            "module_name:utf8",
            "symbol_kind:utf8")) {
      int defined = EXTERNAL_DEFINED + 2 * revision;
      for (int n = 0; n < defined; n++) {
        int module = (n + (n % 7 == 0 ? revision : 0)) % EXTERNAL_MODULES.length;
        symbols.add(
            "ext_" + n,
            EXTERNAL_MODULES[module],
            n % 5 == 0 ? "class" : n % 5 == 1 ? "constant" : "function");
      }
      Map<String, Long> rows = new LinkedHashMap<>();
      rows.put("external_symbols", symbols.rows());
      return rows;
    }
  }

  /**
   * Writes the given files, each at its revision (file index → revision, in write order): a
   * benchmark's repeated incremental changes are files at revisions 1, 2, 3, …
   */
  public static Map<String, Long> writeFiles(
      Options options, Map<Integer, Integer> revisions, Path directory, BufferAllocator allocator)
      throws IOException {
    Files.createDirectories(directory);
    Map<String, EvidenceTable> tables = new LinkedHashMap<>();
    try {
      tables.put(
          "files",
          new EvidenceTable(
              directory.resolve("files.arrow"),
              allocator,
              "file_id:utf8",
              "rel_path:utf8",
              "module_name:utf8",
              "lang:utf8",
              "size_bytes:int64",
              "line_count:int64",
              "content_hash:utf8"));
      tables.put(
          "line_index",
          new EvidenceTable(
              directory.resolve("line_index.arrow"),
              allocator,
              "file_id:utf8",
              "line_no:int64",
              "byte_start:int64",
              "byte_len:int64",
              "indent:int64"));
      tables.put(
          "cst_definitions",
          new EvidenceTable(
              directory.resolve("cst_definitions.arrow"),
              allocator,
              "file_id:utf8",
              "def_id:int64",
              "def_name:utf8",
              "def_kind:utf8",
              "start_line:int64",
              "end_line:int64",
              "parent_def_id:int64?"));
      tables.put(
          "cst_references",
          new EvidenceTable(
              directory.resolve("cst_references.arrow"),
              allocator,
              "file_id:utf8",
              "ref_id:int64",
              "ref_name:utf8",
              "line_no:int64",
              "col_no:int64"));
      tables.put(
          "cst_imports",
          new EvidenceTable(
              directory.resolve("cst_imports.arrow"),
              allocator,
              "file_id:utf8",
              "import_id:int64",
              "module_name:utf8",
              "alias_name:utf8?",
              "line_no:int64"));
      tables.put(
          "cst_call_sites",
          new EvidenceTable(
              directory.resolve("cst_call_sites.arrow"),
              allocator,
              "file_id:utf8",
              "call_id:int64",
              "callee_name:utf8",
              "line_no:int64",
              "arg_count:int64"));
      tables.put(
          "symbol_occurrences",
          new EvidenceTable(
              directory.resolve("symbol_occurrences.arrow"),
              allocator,
              "file_id:utf8",
              "symbol_name:utf8",
              "line_no:int64",
              "occ_role:utf8"));
      tables.put(
          "diagnostics",
          new EvidenceTable(
              directory.resolve("diagnostics.arrow"),
              allocator,
              "file_id:utf8",
              "diag_id:int64",
              "line_no:int64",
              "severity:utf8",
              "diag_code:utf8",
              "diag_message:utf8"));
      for (Map.Entry<Integer, Integer> file : revisions.entrySet()) {
        writeFile(options, file.getKey(), file.getValue(), tables);
      }
    } finally {
      IOException failure = null;
      for (EvidenceTable table : tables.values()) {
        try {
          table.close();
        } catch (IOException e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    tables.forEach((name, table) -> rows.put(name, table.rows()));
    return rows;
  }

  private static void writeFile(
      Options options, int index, int revision, Map<String, EvidenceTable> tables)
      throws IOException {
    SplittableRandom random = new SplittableRandom(mix(options.seed(), index, revision));
    String fileId = fileId(index);
    int packages = packages(options.files());
    int packageIndex = index % packages;
    String pkg = "pkg" + packageIndex;
    String lang = index % 5 == 0 ? "Java" : "Python";
    int lineCount = 40 + random.nextInt(160);

    long byteStart = 0;
    EvidenceTable lines = tables.get("line_index");
    for (int line = 1; line <= lineCount; line++) {
      long length = random.nextInt(10) == 0 ? 0 : 10 + random.nextInt(70);
      lines.add(fileId, (long) line, byteStart, length, (long) random.nextInt(4) * 4);
      byteStart += length + 1;
    }
    tables
        .get("files")
        .add(
            fileId,
            "src/" + pkg + "/mod" + index + (lang.equals("Java") ? ".java" : ".py"),
            pkg + ".mod" + index,
            lang,
            byteStart,
            (long) lineCount,
            Long.toHexString(mix(options.seed(), index, revision + 1000)));

    EvidenceTable definitions = tables.get("cst_definitions");
    EvidenceTable symbols = tables.get("symbol_occurrences");
    int importLines = 1 + random.nextInt(4);
    int line = importLines + 2;
    long defId = 0;
    int classes = random.nextInt(3);
    int functions = 1 + random.nextInt(5);
    for (int c = 0; c < classes && line < lineCount - 4; c++) {
      long classId = ++defId;
      String className = "C" + NOUNS[random.nextInt(NOUNS.length)] + index % 11;
      int classStart = line;
      int methods = 1 + random.nextInt(4);
      List<Object[]> methodRows = new ArrayList<>();
      line++;
      for (int m = 0; m < methods && line < lineCount - 2; m++) {
        int span = 2 + random.nextInt(8);
        int end = Math.min(lineCount, line + span - 1);
        methodRows.add(
            new Object[] {
              fileId,
              ++defId,
              poolName(random, packageIndex),
              "method",
              (long) line,
              (long) end,
              classId
            });
        line = end + 1;
      }
      int classEnd = Math.max(classStart, line - 1);
      definitions.add(
          fileId, classId, className, "class", (long) classStart, (long) classEnd, null);
      symbols.add(fileId, className, (long) classStart, "def");
      for (Object[] method : methodRows) {
        definitions.add(method);
        symbols.add(fileId, method[2], method[4], "def");
      }
      line++;
    }
    for (int f = 0; f < functions && line < lineCount - 1; f++) {
      int span = 2 + random.nextInt(15);
      int end = Math.min(lineCount, line + span - 1);
      String name = poolName(random, packageIndex);
      definitions.add(fileId, ++defId, name, "function", (long) line, (long) end, null);
      symbols.add(fileId, name, (long) line, "def");
      line = end + 2;
    }

    EvidenceTable imports = tables.get("cst_imports");
    for (int i = 1; i <= importLines; i++) {
      String module;
      if (random.nextInt(10) < 3) {
        module = EXTERNAL_MODULES[random.nextInt(EXTERNAL_MODULES.length)];
      } else {
        int target = random.nextInt(options.files());
        module = "pkg" + (target % packages) + ".mod" + target;
      }
      String alias = random.nextInt(10) < 3 ? "m" + i : null;
      imports.add(fileId, (long) i, module, alias, (long) i);
      symbols.add(fileId, alias != null ? alias : module, (long) i, "import");
    }

    EvidenceTable references = tables.get("cst_references");
    int referenceCount = 3 + random.nextInt(13);
    for (int r = 1; r <= referenceCount; r++) {
      String name =
          random.nextInt(100) < 85
              ? referencedName(random, packageIndex, packages)
              : "ext_" + random.nextInt(EXTERNAL_NAMES);
      long at = 1 + random.nextInt(lineCount);
      references.add(fileId, (long) r, name, at, 1L + random.nextInt(60));
      symbols.add(fileId, name, at, "ref");
    }

    EvidenceTable calls = tables.get("cst_call_sites");
    int callCount = 2 + random.nextInt(11);
    for (int c = 1; c <= callCount; c++) {
      String callee =
          random.nextInt(100) < 80
              ? referencedName(random, packageIndex, packages)
              : "ext_" + random.nextInt(EXTERNAL_NAMES);
      calls.add(fileId, (long) c, callee, 1L + random.nextInt(lineCount), (long) random.nextInt(5));
    }

    EvidenceTable diagnostics = tables.get("diagnostics");
    int diagnosticCount = random.nextInt(4);
    for (int d = 1; d <= diagnosticCount; d++) {
      String severity = SEVERITIES[random.nextInt(SEVERITIES.length)];
      int code = 100 + random.nextInt(900);
      diagnostics.add(
          fileId,
          (long) d,
          1L + random.nextInt(lineCount),
          severity,
          "E" + code,
          "rule E" + code + " in " + fileId);
    }
  }

  /** A name of the package's own pool (names of different packages never collide). */
  private static String poolName(SplittableRandom random, int packageIndex) {
    int n = random.nextInt(NAMES_PER_PACKAGE);
    return VERBS[n % VERBS.length]
        + "_"
        + NOUNS[(n / VERBS.length + packageIndex) % NOUNS.length]
        + "_p"
        + packageIndex;
  }

  /** A name a reference or call uses: mostly its own package's, sometimes another package's. */
  private static String referencedName(SplittableRandom random, int packageIndex, int packages) {
    int target =
        packages == 1 || random.nextInt(100) < OWN_PACKAGE_PERCENT
            ? packageIndex
            : random.nextInt(packages);
    return poolName(random, target);
  }

  /** A well-mixed 64-bit value of three inputs (SplitMix64 finalizer). */
  static long mix(long seed, long index, long revision) {
    long z =
        seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + revision * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private CodeAnatomyGenerator() {}
}
