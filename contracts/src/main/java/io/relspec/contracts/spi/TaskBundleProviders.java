package io.relspec.contracts.spi;

import io.relspec.contracts.spec.TaskBundle;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** Discovers extension packs in deterministic order: by bundle name, then version. */
public final class TaskBundleProviders {
  private TaskBundleProviders() {}

  public static List<TaskBundle> discover(ClassLoader classLoader) {
    return ServiceLoader.load(TaskBundleProvider.class, classLoader).stream()
        .map(provider -> provider.get().bundle())
        .sorted(Comparator.comparing(TaskBundle::name).thenComparing(TaskBundle::version))
        .toList();
  }
}
