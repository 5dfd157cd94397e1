package io.relspec.catalog.bundle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.relspec.catalog.CatalogErrorCode;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Identifiers;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.CachePolicy;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import io.relspec.platform.error.ProblemDetails.Violation;
import io.relspec.platform.error.RelspecException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the bundle directory format from a zip or tar.gz archive:
 *
 * <pre>
 * bundle.yaml               name, version, domain
 * datasets/&lt;name&gt;.json      one DatasetContract each (sub-folders become dotted namespaces)
 * functions/&lt;name&gt;.json     one FunctionSpec each
 * templates/&lt;name&gt;.sql      template SQL; parameters in the front matter
 * tasks/&lt;name&gt;.sql          one task each, optional front matter
 * </pre>
 *
 * A front matter is a leading {@code /*--- … ---*&#47;} comment holding YAML. The archive may wrap
 * everything in one top-level folder. Every problem found is reported, each naming its file.
 *
 * <p>Over 400 lines on purpose: reading a zip or tar.gz bundle under size and entry limits, and
 * reporting every problem of an archive at once.
 */
public final class BundleArchive {
  /** Bounds on what an archive may expand to, against archive bombs. */
  public record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes) {
    public static final Limits DEFAULT = new Limits(5_000, 1L << 20, 64L << 20);
  }

  /** The {@code bundle.yaml} manifest. */
  record Manifest(String name, String version, String domain, String description) {}

  /** Front matter of {@code tasks/*.sql}. */
  record TaskFrontMatter(
      String output,
      TaskKind kind,
      CachePolicy cachePolicy,
      Integer priority,
      String domain,
      Map<String, String> metadata) {}

  /** Front matter of {@code templates/*.sql}. */
  record TemplateFrontMatter(List<TaskTemplate.Parameter> parameters, TaskKind kind) {}

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final List<Violation> problems = new ArrayList<>();

  private BundleArchive() {}

  public static TaskBundle read(byte[] archive, Limits limits) {
    return new BundleArchive().parse(archive, limits);
  }

  private TaskBundle parse(byte[] archive, Limits limits) {
    SortedMap<String, byte[]> files = unpack(archive, limits);
    String root = rootOf(files);
    Manifest manifest = null;
    byte[] manifestBytes = files.get(root + "bundle.yaml");
    if (manifestBytes == null) {
      problem("bundle.yaml", "missing; the archive needs bundle.yaml with name and version");
    } else {
      manifest = yaml("bundle.yaml", text("bundle.yaml", manifestBytes), Manifest.class);
    }
    SortedMap<DatasetName, DatasetContract> datasets = new TreeMap<>();
    SortedMap<String, FunctionSpec> functions = new TreeMap<>();
    SortedMap<String, TaskTemplate> templates = new TreeMap<>();
    SortedMap<TaskName, TaskSpec> tasks = new TreeMap<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      if (!file.getKey().startsWith(root)) {
        continue;
      }
      String path = file.getKey().substring(root.length());
      String folder = path.contains("/") ? path.substring(0, path.indexOf('/')) : "";
      String rest = path.substring(folder.isEmpty() ? 0 : folder.length() + 1);
      switch (folder) {
        case "datasets" -> {
          String name = nameOf(path, rest, ".json");
          if (name != null) {
            DatasetContract contract =
                json(path, text(path, file.getValue()), DatasetContract.class);
            if (contract != null) {
              datasets.put(DatasetName.of(name), contract);
            }
          }
        }
        case "functions" -> {
          String name = nameOf(path, rest, ".json");
          if (name != null && name.contains(".")) {
            problem(path, "function names cannot have namespaces");
          } else if (name != null) {
            FunctionSpec function = json(path, text(path, file.getValue()), FunctionSpec.class);
            if (function != null) {
              functions.put(name, function);
            }
          }
        }
        case "templates" -> {
          String name = nameOf(path, rest, ".sql");
          if (name != null) {
            TaskTemplate template = template(path, text(path, file.getValue()));
            if (template != null) {
              templates.put(name, template);
            }
          }
        }
        case "tasks" -> {
          String name = nameOf(path, rest, ".sql");
          if (name != null) {
            TaskSpec task = task(path, text(path, file.getValue()));
            if (task != null) {
              tasks.put(TaskName.of(name), task);
            }
          }
        }
        default -> {
          // bundle.yaml, README.md and other files are not members
        }
      }
    }
    if (!problems.isEmpty() || manifest == null) {
      throw failure();
    }
    try {
      return new TaskBundle(
          manifest.name(),
          manifest.version(),
          manifest.domain(),
          datasets,
          functions,
          templates,
          tasks);
    } catch (IllegalArgumentException | NullPointerException e) {
      problem("bundle.yaml", e.getMessage());
      throw failure();
    }
  }

  /** A .sql file's front matter (its default when absent) and SQL, or null after a problem. */
  private record Parsed<F>(F front, String body) {}

  private <F> Parsed<F> parseSql(String path, String text, Class<F> type, F absent) {
    if (text == null) {
      return null;
    }
    FrontMatter split = FrontMatter.split(text);
    if (split.error() != null) {
      problem(path, split.error());
      return null;
    }
    F front = split.yaml() == null ? absent : yaml(path + " front matter", split.yaml(), type);
    return front == null ? null : new Parsed<>(front, split.body());
  }

  private TaskSpec task(String path, String text) {
    Parsed<TaskFrontMatter> parsed =
        parseSql(
            path,
            text,
            TaskFrontMatter.class,
            new TaskFrontMatter(null, null, null, null, null, null));
    if (parsed == null) {
      return null;
    }
    TaskFrontMatter front = parsed.front();
    if (parsed.body().isBlank()) {
      problem(path, "no SQL after the front matter");
      return null;
    }
    try {
      return new TaskSpec(
          front.output() == null ? null : DatasetName.of(front.output()),
          parsed.body(),
          front.kind(),
          front.cachePolicy(),
          front.priority(),
          front.domain(),
          null,
          front.metadata(),
          null);
    } catch (IllegalArgumentException e) {
      problem(path, e.getMessage());
      return null;
    }
  }

  private TaskTemplate template(String path, String text) {
    Parsed<TemplateFrontMatter> parsed =
        parseSql(path, text, TemplateFrontMatter.class, new TemplateFrontMatter(List.of(), null));
    if (parsed == null) {
      return null;
    }
    TemplateFrontMatter front = parsed.front();
    try {
      return new TaskTemplate(front.parameters(), parsed.body(), front.kind());
    } catch (IllegalArgumentException e) {
      problem(path, e.getMessage());
      return null;
    }
  }

  /** The member name of {@code rest} (path inside its folder), or null after reporting why not. */
  private String nameOf(String path, String rest, String extension) {
    if (!rest.endsWith(extension)) {
      problem(path, "expected a " + extension + " file");
      return null;
    }
    String name = rest.substring(0, rest.length() - extension.length()).replace('/', '.');
    if (!Identifiers.isName(name)) {
      problem(
          path,
          "'"
              + name
              + "' is not a valid name: lower-case letters, digits and '_', starting with a"
              + " letter");
      return null;
    }
    return name;
  }

  private <T> T json(String path, String text, Class<T> type) {
    if (text == null) {
      return null;
    }
    try {
      return RelspecJson.mapper().readValue(text, type);
    } catch (IOException e) {
      problem(path, describe(e));
      return null;
    }
  }

  private <T> T yaml(String path, String text, Class<T> type) {
    if (text == null) {
      return null;
    }
    try {
      T value = YAML.readValue(text, type);
      if (value == null) {
        problem(path, "is empty");
      }
      return value;
    } catch (IOException e) {
      problem(path, describe(e));
      return null;
    }
  }

  private static String describe(IOException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown field '"
          + unknown.getPropertyName()
          + "'; known fields: "
          + unknown.getKnownPropertyIds();
    }
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException processing) {
      Throwable cause = processing.getCause();
      String message =
          cause instanceof IllegalArgumentException
              ? cause.getMessage()
              : processing.getOriginalMessage();
      return processing.getLocation() == null
          ? message
          : message + " (line " + processing.getLocation().getLineNr() + ")";
    }
    return e.getMessage();
  }

  private String text(String path, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      problem(path, "is not UTF-8 text");
      return null;
    }
  }

  private SortedMap<String, byte[]> unpack(byte[] archive, Limits limits) {
    SortedMap<String, byte[]> files = new TreeMap<>();
    long total = 0;
    try {
      if (archive.length >= 4 && archive[0] == 'P' && archive[1] == 'K') {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
          for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
            if (!entry.isDirectory()) {
              total += add(files, entry.getName(), zip, limits, total);
            }
          }
        }
      } else if (archive.length >= 2
          && (archive[0] & 0xff) == 0x1f
          && (archive[1] & 0xff) == 0x8b) {
        try (TarArchiveInputStream tar =
            new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(archive)))) {
          for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            if (entry.isFile()) {
              total += add(files, entry.getName(), tar, limits, total);
            } else if (!entry.isDirectory()) {
              problem(entry.getName(), "links and special files are not allowed");
            }
          }
        }
      } else {
        problem("(archive)", "not a zip or tar.gz archive");
      }
    } catch (IOException e) {
      problem("(archive)", "cannot be read: " + e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw failure();
    }
    if (files.isEmpty()) {
      problem("(archive)", "is empty");
      throw failure();
    }
    return files;
  }

  private long add(
      SortedMap<String, byte[]> files, String name, InputStream in, Limits limits, long total)
      throws IOException {
    String path = name.startsWith("./") ? name.substring(2) : name;
    if (path.startsWith("/") || path.contains("\\") || List.of(path.split("/")).contains("..")) {
      problem(name, "absolute paths and '..' are not allowed");
      return 0;
    }
    if (files.size() >= limits.maxEntries()) {
      problem("(archive)", "has more than " + limits.maxEntries() + " files");
      throw failure();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) > 0; ) {
      bytes.write(buffer, 0, n);
      if (bytes.size() > limits.maxEntryBytes()) {
        problem(path, "is larger than " + limits.maxEntryBytes() + " bytes");
        throw failure();
      }
      if (total + bytes.size() > limits.maxTotalBytes()) {
        problem("(archive)", "expands to more than " + limits.maxTotalBytes() + " bytes");
        throw failure();
      }
    }
    if (files.put(path, bytes.toByteArray()) != null) {
      problem(path, "appears twice in the archive");
    }
    return bytes.size();
  }

  /** "" when bundle.yaml is at the top, "dir/" when everything sits in one folder. */
  private static String rootOf(SortedMap<String, byte[]> files) {
    if (files.containsKey("bundle.yaml")) {
      return "";
    }
    String first = files.firstKey();
    if (first.contains("/")) {
      String folder = first.substring(0, first.indexOf('/') + 1);
      if (files.keySet().stream().allMatch(path -> path.startsWith(folder))
          && files.containsKey(folder + "bundle.yaml")) {
        return folder;
      }
    }
    return "";
  }

  private void problem(String path, String message) {
    problems.add(new Violation(path, message));
  }

  private RelspecException failure() {
    return new RelspecException(
        CatalogErrorCode.INVALID_BUNDLE_ARCHIVE,
        problems.size() == 1
            ? problems.get(0).field() + ": " + problems.get(0).message()
            : problems.size() + " problems in the bundle archive; see violations",
        problems,
        null);
  }

  /** A text split into its optional YAML front matter and the SQL after it. */
  record FrontMatter(String yaml, String body, String error) {
    static final String OPEN = "/*---";

    static FrontMatter split(String text) {
      String stripped = text.stripLeading();
      if (!stripped.startsWith(OPEN)) {
        return new FrontMatter(null, text.strip(), null);
      }
      int end = stripped.indexOf("*/");
      if (end < 0) {
        return new FrontMatter(null, null, "front matter '/*---' is never closed with '---*/'");
      }
      String yaml = stripped.substring(OPEN.length(), end).stripTrailing();
      if (yaml.endsWith("---")) {
        yaml = yaml.substring(0, yaml.length() - 3);
      }
      return new FrontMatter(yaml, stripped.substring(end + 2).strip(), null);
    }
  }
}
