package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Classes do one thing: a source file under {@code src/main} longer than 400 lines says at its top
 * why it is (a sentence starting "Over 400 lines on purpose"), so a class that grows past it is
 * either split or explained in review.
 */
class SourceShapeTest {
  private static final int LIMIT = 400;
  private static final String REASON = "Over 400 lines on purpose";

  @Test
  void everyLongSourceFileSaysWhy() throws IOException {
    List<Path> sources = new ArrayList<>();
    Files.walkFileTree(
        Path.of(".."),
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            return name.equals("target") || name.startsWith(".") && !name.equals("..")
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            String path = file.toString().replace('\\', '/');
            if (path.contains("/src/main/java/") && path.endsWith(".java")) {
              sources.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    assertThat(sources).hasSizeGreaterThan(200);
    List<String> unexplained = new ArrayList<>();
    for (Path source : sources) {
      List<String> lines = Files.readAllLines(source);
      if (lines.size() > LIMIT) {
        String text = String.join("\n", lines);
        int declaration = text.indexOf("\nclass ");
        for (String start : List.of("\npublic ", "\nfinal ", "\n@")) {
          int at = text.indexOf(start);
          if (at >= 0 && (declaration < 0 || at < declaration)) {
            declaration = at;
          }
        }
        String top = declaration < 0 ? text : text.substring(0, declaration);
        if (!top.replaceAll("\\s*\\n\\s*\\*\\s*", " ").contains(REASON)) {
          unexplained.add(source.normalize() + " (" + lines.size() + " lines)");
        }
      }
    }
    assertThat(unexplained).as("long sources without a reason at their top").isEmpty();
  }
}
