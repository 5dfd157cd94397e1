package io.relspec.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
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

      // The global dimension comes with full data sets, never with an upload of changed files.
      assertThat(first.rows()).containsEntry("external_symbols", 40L);
      assertThat(changed.rows()).containsKey("external_symbols");
      assertThat(changes.rows()).doesNotContainKey("external_symbols");
      assertThat(dir.resolve("c").resolve("external_symbols.arrow")).doesNotExist();
    }
  }

  @Test
  void resolvingANameCostsABoundedNumberOfCandidatesWhateverTheFileCount() throws Exception {
    // Ten times the files: a reference still meets about as many same-named definitions, so a
    // join of references with definitions by name grows linearly, not with the square.
    Resolution small = resolution(500);
    Resolution large = resolution(5_000);
    assertThat(large.candidatesPerReference())
        .as("candidates per reference at 5,000 vs 500 files")
        .isLessThan(small.candidatesPerReference() * 1.25);
    assertThat(small.candidatesPerReference()).isBetween(1.0, 20.0);
    // Most references to project code find a definition (and most of those in their package).
    assertThat(large.resolvedShare()).isGreaterThan(0.5);
  }

  private record Resolution(double candidatesPerReference, double resolvedShare) {}

  private Resolution resolution(int files) throws Exception {
    Path out = dir.resolve("scale-" + files);
    try (RootAllocator allocator = new RootAllocator()) {
      CodeAnatomyGenerator.write(
          new CodeAnatomyGenerator.Options(files, 42, 0, 0, CodeAnatomyGenerator.Variant.BASE),
          out,
          allocator);
      Map<String, Integer> definitions = new HashMap<>();
      strings(
          out.resolve("cst_definitions.arrow"),
          "def_name",
          allocator,
          name -> definitions.merge(name, 1, Integer::sum));
      long[] references = new long[3];
      strings(
          out.resolve("cst_references.arrow"),
          "ref_name",
          allocator,
          name -> {
            if (name.startsWith("ext_")) {
              return;
            }
            int candidates = definitions.getOrDefault(name, 0);
            references[0]++;
            references[1] += candidates;
            references[2] += candidates > 0 ? 1 : 0;
          });
      return new Resolution(
          (double) references[1] / references[0], (double) references[2] / references[0]);
    }
  }

  private static void strings(
      Path file, String column, RootAllocator allocator, Consumer<String> each) throws Exception {
    try (var channel = Files.newByteChannel(file);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
      while (reader.loadNextBatch()) {
        VarCharVector vector = (VarCharVector) reader.getVectorSchemaRoot().getVector(column);
        for (int row = 0; row < vector.getValueCount(); row++) {
          each.accept(vector.getObject(row).toString());
        }
      }
    }
  }
}
