package io.relspec.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeAnatomyGeneratorTest {
  @TempDir Path dir;

  @Test
  void theSameSeedGivesByteIdenticalFilesAndTheChangedVariantTouchesOnlyItsShare()
      throws Exception {
    try (RootAllocator allocator = new RootAllocator()) {
      var base =
          new CodeAnatomyGenerator.Options(200, 3, 0.05, 0.02, CodeAnatomyGenerator.Variant.BASE);
      var first = CodeAnatomyGenerator.write(base, dir.resolve("a"), allocator);
      CodeAnatomyGenerator.write(base, dir.resolve("b"), allocator);
      for (String dataset : CodeAnatomyGenerator.DATASETS) {
        assertThat(Files.readAllBytes(dir.resolve("a").resolve(dataset + ".arrow")))
            .as(dataset)
            .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(dataset + ".arrow")));
      }
      assertThat(first.rows().get("files")).isEqualTo(200);

      var changes =
          CodeAnatomyGenerator.write(
              new CodeAnatomyGenerator.Options(
                  200, 3, 0.05, 0.02, CodeAnatomyGenerator.Variant.CHANGES),
              dir.resolve("c"),
              allocator);
      assertThat(changes.change().modified()).hasSize(10);
      assertThat(changes.change().deleted()).hasSize(4);
      assertThat(changes.change().modified())
          .doesNotContainAnyElementsOf(changes.change().deleted());
      assertThat(changes.rows().get("files")).isEqualTo(10);
      var changed =
          CodeAnatomyGenerator.write(
              new CodeAnatomyGenerator.Options(
                  200, 3, 0.05, 0.02, CodeAnatomyGenerator.Variant.CHANGED),
              dir.resolve("d"),
              allocator);
      assertThat(changed.rows().get("files")).isEqualTo(196);
      assertThat(changed.change()).isEqualTo(changes.change());
    }
  }
}
