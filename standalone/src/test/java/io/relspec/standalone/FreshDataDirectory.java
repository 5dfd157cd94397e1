package io.relspec.standalone;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Empties the standalone test data directory before the app starts, so every run begins with an
 * empty catalog and store whatever an earlier {@code mvn verify} left in target/.
 */
public class FreshDataDirectory implements QuarkusTestResourceLifecycleManager {
  static final Path DATA = Path.of("target", "relspec-test-data");

  private Path directory = DATA;

  /** {@code dir}: another directory to empty (a test profile with its own data directory). */
  @Override
  public void init(Map<String, String> initArgs) {
    if (initArgs.containsKey("dir")) {
      directory = Path.of(initArgs.get("dir"));
    }
  }

  @Override
  public Map<String, String> start() {
    if (Files.exists(directory)) {
      try (Stream<Path> paths = Files.walk(directory)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot empty " + directory, e);
      }
    }
    return Map.of();
  }

  @Override
  public void stop() {}
}
