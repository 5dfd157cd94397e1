package io.relspec.contracts.spi;

import static org.assertj.core.api.Assertions.assertThat;

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
        .extracting(TaskBundle::name)
        .containsExactly("alpha", "zeta");
  }
}
