package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation a newcomer reads stays true to the code: the README's tour names classes that
 * exist, and every link between README.md, ARCHITECTURE.md and docs/ reaches a file and, where it
 * names one, a heading of that file.
 */
class DocumentationTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern CODE = Pattern.compile("`([A-Za-z0-9_/.]+)`");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void theTourNamesClassesThatExist() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int start = readme.indexOf("## A tour");
    assertThat(start).as("README has a tour").isPositive();
    String tour = readme.substring(start, readme.indexOf("\n## ", start + 1));
    Set<String> sources = sourceFiles();
    List<String> named = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Matcher code = CODE.matcher(tour);
    while (code.find()) {
      String text = code.group(1);
      String name = text.contains(".") ? text.substring(0, text.indexOf('.')) : text;
      String last = name.substring(name.lastIndexOf('/') + 1);
      if (last.isEmpty() || !Character.isUpperCase(last.charAt(0))) {
        continue; // a package, a path or a dataset name, not a class
      }
      named.add(name);
      boolean found =
          sources.stream()
              .anyMatch(
                  source ->
                      source.endsWith("/" + name + ".java")
                          || (!name.contains("/") && source.endsWith("/" + last + ".java")));
      if (!found) {
        missing.add(text);
      }
    }
    assertThat(named).as("classes the tour names").hasSizeGreaterThan(20);
    assertThat(missing).as("classes the tour names that do not exist").isEmpty();
  }

  @Test
  void linksBetweenTheDocumentsReachTheirFilesAndHeadings() throws IOException {
    List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    documents.add(ROOT.resolve("ARCHITECTURE.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    List<String> broken = new ArrayList<>();
    for (Path document : documents) {
      Matcher link = LINK.matcher(Files.readString(document));
      while (link.find()) {
        String target = link.group(1);
        if (target.contains("://") || target.startsWith("mailto:")) {
          continue;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(document) + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(ROOT.relativize(document) + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(documents).hasSizeGreaterThan(5);
    assertThat(broken).as("broken links").isEmpty();
  }

  /** GitHub's anchors of a Markdown file's headings. */
  private static Set<String> anchors(Path file) {
    Set<String> anchors = new HashSet<>();
    try {
      boolean fenced = false;
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("```")) {
          fenced = !fenced;
        }
        if (!fenced && line.startsWith("#")) {
          String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
          anchors.add(title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return anchors;
  }

  private static Set<String> sourceFiles() throws IOException {
    Set<String> files = new HashSet<>();
    try (Stream<Path> all = Files.walk(ROOT)) {
      all.map(path -> path.toString().replace('\\', '/'))
          .filter(path -> path.contains("/src/main/java/") && path.endsWith(".java"))
          .filter(path -> !path.contains("/target/") && !path.contains("/node_modules/"))
          .forEach(files::add);
    }
    return files;
  }
}
