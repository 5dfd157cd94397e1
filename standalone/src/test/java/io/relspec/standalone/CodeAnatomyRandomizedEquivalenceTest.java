package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.cli.examples.CodeAnatomyGenerator;
import io.relspec.executor.ExecutorNode;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARCHITECTURE §6.3 under a random sequence of changes: a seeded sequence of 20 steps on the
 * code-anatomy example (files changed, deleted, restored; a task's SQL changed; a task added or
 * removed), each followed by an incremental run whose outputs must equal, row by row, those of a
 * full run over the same inputs. A failure names the seed and the step; rerun a seed with {@code
 * -Drelspec.randomized.seed=N}.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDataDirectory.class, restrictToAnnotatedClass = true)
class CodeAnatomyRandomizedEquivalenceTest {
  private static final int FILES = 40;
  private static final int STEPS = 20;
  private static final long BASE_SEED = 11;

  /** Edits that keep a task valid and change what it computes, applied and reverted in turn. */
  private static final List<Edit> EDITS =
      List.of(
          new Edit(
              "tasks/line_stats.sql", "MAX(indent) AS max_indent", "MAX(indent) + 1 AS max_indent"),
          new Edit("tasks/hotspots.sql", "2 * f.calls", "3 * f.calls"),
          new Edit(
              "tasks/symbol_popularity.sql",
              "occ_role = 'ref' THEN 1 ELSE 0 END) AS references_count",
              "occ_role = 'ref' THEN 2 ELSE 0 END) AS references_count"));

  /** Tasks a step may add (and a later step remove). */
  private static final List<String> EXTRA_TASKS =
      List.of(
          "SELECT file_id, COUNT(*) AS n FROM definitions GROUP BY file_id\n",
          "SELECT def_kind, COUNT(*) AS n FROM definitions GROUP BY def_kind\n",
          "SELECT x.symbol_kind, COUNT(*) AS uses, MIN(r.line_no) AS first_line,"
              + " AVG(r.line_no) AS mean_line FROM references_norm AS r"
              + " JOIN external_symbols AS x ON x.symbol_name = r.ref_name"
              + " GROUP BY x.symbol_kind HAVING COUNT(*) > 1\n",
          "SELECT m.file_id, m.calls, h.hotspot_rank FROM file_metrics AS m"
              + " JOIN hotspots AS h ON h.file_id = m.file_id\n");

  private record Edit(String file, String from, String to) {}

  @Inject ExecutorNode executor;

  @TempDir Path work;

  @Test
  void incrementalRunsMatchFullRunsAfterEveryStepOfARandomSequence() throws Exception {
    long seed = Long.getLong("relspec.randomized.seed", 20261206L);
    Random random = new Random(seed);
    StandaloneHarness harness = new StandaloneHarness(executor.flightUri());
    Path bundle = work.resolve("code-anatomy");
    StandaloneHarness.copy(Path.of("..", "examples", "code-anatomy"), bundle);
    harness.cli("bundle", "push", bundle.toString());
    Path base = work.resolve("base");
    StandaloneHarness.generate(base, FILES, BASE_SEED, CodeAnatomyGenerator.Variant.BASE, 0, 0);
    harness.cli("data", "put", "--dir", base.toString());
    assertThat(harness.cli("run", "--full", "--wait")).contains("SUCCEEDED");

    boolean[] edited = new boolean[EDITS.size()];
    List<String> extras = new ArrayList<>();
    TreeSet<String> deleted = new TreeSet<>();
    List<String> done = new ArrayList<>();
    for (int step = 1; step <= STEPS; step++) {
      String what;
      int kind = random.nextInt(6);
      switch (kind) {
        case 0, 1 -> {
          double share = 0.05 + random.nextInt(4) * 0.05;
          long changeSeed = random.nextLong();
          Path changes = work.resolve("changes-" + step);
          CodeAnatomyGenerator.Change change =
              StandaloneHarness.generate(
                  changes, FILES, changeSeed, CodeAnatomyGenerator.Variant.CHANGES, share, 0);
          harness.cli("data", "put", "--dir", changes.toString());
          deleted.removeAll(change.modified());
          what = "changed " + change.modified().size() + " files (seed " + changeSeed + ")";
        }
        case 2 -> {
          List<String> present = new ArrayList<>();
          for (int f = 0; f < FILES; f++) {
            String id = CodeAnatomyGenerator.fileId(f);
            if (!deleted.contains(id)) {
              present.add(id);
            }
          }
          List<String> gone = new ArrayList<>();
          for (int i = 0; i < 1 + random.nextInt(3) && present.size() > 5; i++) {
            gone.add(present.remove(random.nextInt(present.size())));
          }
          Path list = work.resolve("deleted-" + step + ".txt");
          Files.write(list, gone);
          for (String dataset : CodeAnatomyGenerator.DATASETS) {
            harness.cli("data", "delete-files", dataset, "--from", list.toString());
          }
          deleted.addAll(gone);
          what = "deleted files " + gone;
        }
        case 3 -> {
          harness.cli("data", "put", "--dir", base.toString());
          what = "restored every file to its first content (" + deleted.size() + " deleted back)";
          deleted.clear();
        }
        case 4 -> {
          int which = random.nextInt(EDITS.size());
          Edit edit = EDITS.get(which);
          Path file = bundle.resolve(edit.file());
          if (edited[which]) {
            StandaloneHarness.edit(file, edit.to(), edit.from());
          } else {
            StandaloneHarness.edit(file, edit.from(), edit.to());
          }
          edited[which] = !edited[which];
          harness.cli("bundle", "push", bundle.toString());
          what = (edited[which] ? "edited " : "reverted ") + edit.file();
        }
        default -> {
          if (!extras.isEmpty() && (extras.size() == EXTRA_TASKS.size() || random.nextBoolean())) {
            String name = extras.remove(random.nextInt(extras.size()));
            Files.delete(bundle.resolve("tasks").resolve(name + ".sql"));
            what = "removed task " + name;
          } else {
            int free = 0;
            while (extras.contains("extra_" + free)) {
              free++;
            }
            String name = "extra_" + free;
            Files.writeString(
                bundle.resolve("tasks").resolve(name + ".sql"), EXTRA_TASKS.get(free));
            extras.add(name);
            what = "added task " + name;
          }
          harness.cli("bundle", "push", bundle.toString());
        }
      }
      done.add(step + ". " + what);
      String context = "seed " + seed + ", step " + step + " (" + what + "); steps so far: " + done;
      assertThat(harness.cli("run", "--incremental", "--wait")).as(context).contains("SUCCEEDED");
      Map<String, List<String>> incremental = harness.snapshot();
      assertThat(harness.cli("run", "--full", "--wait")).as(context).contains("SUCCEEDED");
      Map<String, List<String>> full = harness.snapshot();
      assertThat(incremental.keySet()).as(context).isEqualTo(full.keySet());
      for (String output : full.keySet()) {
        assertThat(incremental.get(output))
            .as("%s: %s after the incremental run vs a full run", context, output)
            .containsExactlyElementsOf(full.get(output));
      }
    }
    assertThat(done).hasSize(STEPS);
    System.out.println("randomized equivalence held for seed " + seed + ": " + done);
  }
}
