package io.relspec.platform.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.relspec.contracts.model.TaskName;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ContractsReflectionTest {
  /**
   * Every record and enum of the contracts module that goes over the wire (all packages but spi,
   * the extension-pack discovery, and duckdb, the executor's dialect helpers) is registered, itself
   * or as a nested type.
   */
  @Test
  void everyContractRecordAndEnumIsRegisteredForReflection() throws Exception {
    Set<Class<?>> registered =
        Set.of(ContractsReflection.class.getAnnotation(RegisterForReflection.class).targets());
    List<Class<?>> bound =
        contractClasses().stream()
            .filter(c -> c.isRecord() || c.isEnum())
            .filter(c -> !c.getPackageName().endsWith(".spi"))
            .filter(c -> !c.getPackageName().endsWith(".duckdb"))
            .toList();
    assertThat(bound).hasSizeGreaterThan(30);
    List<String> missing =
        bound.stream()
            .filter(type -> !covered(type, registered))
            .map(Class::getName)
            .sorted()
            .toList();
    assertThat(missing).as("add these to ContractsReflection").isEmpty();
  }

  private static boolean covered(Class<?> type, Set<Class<?>> registered) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (registered.contains(c)) {
        return true;
      }
    }
    return false;
  }

  private static List<Class<?>> contractClasses()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path location =
        Path.of(TaskName.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(location)) {
      names.addAll(classNames(location));
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        names.addAll(classNames(jar.getPath("/")));
      }
    }
    List<Class<?>> classes = new ArrayList<>();
    for (String name : names) {
      classes.add(Class.forName(name, false, TaskName.class.getClassLoader()));
    }
    return classes;
  }

  private static List<String> classNames(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve("io/relspec/contracts"))) {
      return files
          .map(root::relativize)
          .map(Path::toString)
          .filter(name -> name.endsWith(".class") && !name.contains("package-info"))
          .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
          .collect(Collectors.toList());
    }
  }
}
