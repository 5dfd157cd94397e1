package io.relspec.contracts.spi;

import io.relspec.contracts.spec.TaskBundle;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Discovers extension packs in deterministic order: by bundle name. */
public final class TaskBundleProviders {
  private TaskBundleProviders() {}

  /** A bundle and the provider class that contributed it. */
  public record Discovered(TaskBundle bundle, String provider) {}

  /**
   * Every pack on the class path, sorted by bundle name.
   *
   * @throws IllegalStateException when two providers contribute bundles of the same name, naming
   *     both
   */
  public static List<Discovered> discover(ClassLoader classLoader) {
    TreeMap<String, Discovered> byName = new TreeMap<>();
    ServiceLoader.load(TaskBundleProvider.class, classLoader).stream()
        .sorted(Comparator.comparing(provider -> provider.type().getName()))
        .forEach(
            provider -> {
              TaskBundle bundle = provider.get().bundle();
              Discovered found = new Discovered(bundle, provider.type().getName());
              Discovered previous = byName.putIfAbsent(bundle.name(), found);
              if (previous != null) {
                throw new IllegalStateException(
                    "bundle '"
                        + bundle.name()
                        + "' is provided twice, by "
                        + previous.provider()
                        + " and by "
                        + found.provider()
                        + "; remove one of the two jars from the class path");
              }
            });
    return List.copyOf(byName.values());
  }
}
