package io.relspec.executor.store;

import io.relspec.contracts.model.DatasetName;
import java.nio.file.Path;
import org.apache.arrow.memory.RootAllocator;

/**
 * Run in its own JVM by {@link StoreCrashTest}: writes version 1 of {@code kept}, says so, then
 * starts a write far too large to finish, to be killed in the middle of it.
 */
public final class CrashingWriter {
  private CrashingWriter() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    try (RootAllocator allocator = new RootAllocator();
        DatasetStore store =
            DatasetStore.open(dataDir, new DatasetStore.Settings("512MB", 1, 2), allocator)) {
      DatasetName kept = DatasetName.of("kept");
      if (store.describe(kept).isEmpty()) {
        store.replace(TaskQuery.of(kept, "SELECT range AS n FROM range(1000)"));
      }
      System.out.println("COMMITTED " + store.describe(kept).orElseThrow().version());
      System.out.flush();
      store.replace(
          TaskQuery.of(
              kept, "SELECT range AS n, md5(range::VARCHAR) AS h FROM range(10000000000)"));
      System.out.println("FINISHED");
    }
  }
}
