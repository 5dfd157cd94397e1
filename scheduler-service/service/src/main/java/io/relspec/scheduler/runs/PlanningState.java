package io.relspec.scheduler.runs;

import io.relspec.contracts.model.DatasetName;
import java.util.Map;
import java.util.Set;

/**
 * What incremental planning knows besides the catalog: the current materialization of every task
 * output, the current version of every source, and which files of a source changed between two of
 * its versions.
 */
public record PlanningState(
    Map<DatasetName, Materialization> materializations,
    Map<DatasetName, Long> sourceVersions,
    SourceChanges sourceChanges) {

  /** Files of a source changed after one version up to and including another. */
  @FunctionalInterface
  public interface SourceChanges {
    /**
     * @param fromExclusive the version a materialization was built from (null: unknown)
     */
    FileChanges between(DatasetName source, Long fromExclusive, long toInclusive);
  }

  /** Either the whole dataset may have changed, or exactly these file ids (changed or removed). */
  public record FileChanges(boolean whole, Set<String> files) {
    public static final FileChanges WHOLE = new FileChanges(true, Set.of());

    public FileChanges {
      files = whole ? Set.of() : Set.copyOf(files);
    }
  }

  public static PlanningState empty() {
    return new PlanningState(Map.of(), Map.of(), (source, from, to) -> FileChanges.WHOLE);
  }
}
