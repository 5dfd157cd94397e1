package io.relspec.standalone;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Its own data directory, emptied before the app starts: the differential corpus (171 tasks over 35
 * sources) must not meet the catalogs the other standalone tests build.
 */
public class DifferentialProfile implements QuarkusTestProfile {
  static final Path DATA = Path.of("target", "relspec-differential-data");

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("relspec.data-dir", "./" + DATA);
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(
        new TestResourceEntry(FreshDataDirectory.class, Map.of("dir", DATA.toString()), true));
  }
}
