package io.relspec.contracts.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.contracts.spec.TaskSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskBundleProvidersTest {

  /** Registered in src/test/resources/META-INF/services; listed there before {@link Alpha}. */
  public static final class Zeta implements TaskBundleProvider {
    @Override
    public TaskBundle bundle() {
      return new TaskBundle(
          "zeta",
          "1.0",
          "test",
          null,
          null,
          null,
          Map.of(TaskName.of("z"), TaskSpec.compute(DatasetName.of("z"), "SELECT 1 AS one")));
    }
  }

  public static final class Alpha implements TaskBundleProvider {
    @Override
    public TaskBundle bundle() {
      return new TaskBundle("alpha", "2.1", "test", null, null, null, null);
    }
  }

  @Test
  void providersAreDiscoveredInBundleNameOrder() {
    assertThat(TaskBundleProviders.discover(getClass().getClassLoader()))
        .extracting(found -> found.bundle().name(), TaskBundleProviders.Discovered::provider)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("alpha", Alpha.class.getName()),
            org.assertj.core.groups.Tuple.tuple("zeta", Zeta.class.getName()));
  }

  /** A second provider of "alpha", visible only through {@link #withDuplicate}. */
  public static final class AlphaAgain implements TaskBundleProvider {
    @Override
    public TaskBundle bundle() {
      return new TaskBundle("alpha", "9.9", "other", null, null, null, null);
    }
  }

  @Test
  void aDuplicateBundleNameNamesBothProviders() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("packs");
    java.nio.file.Path services =
        dir.resolve("META-INF/services/" + TaskBundleProvider.class.getName());
    java.nio.file.Files.createDirectories(services.getParent());
    java.nio.file.Files.writeString(services, AlphaAgain.class.getName() + "\n");
    try (java.net.URLClassLoader withDuplicate =
        new java.net.URLClassLoader(
            new java.net.URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> TaskBundleProviders.discover(withDuplicate))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("bundle 'alpha' is provided twice")
          .hasMessageContaining(Alpha.class.getName())
          .hasMessageContaining(AlphaAgain.class.getName());
    }
  }
}
