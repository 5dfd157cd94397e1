package io.relspec.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders a kustomize overlay with the real kustomize: {@code kubectl kustomize} (kustomize v5 is
 * built into kubectl ≥ 1.27) or a standalone {@code kustomize build}.
 */
final class Kustomize {
  static final Path K8S = Path.of("k8s").toAbsolutePath();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Kustomize() {}

  /** The rendered objects of {@code overlays/<name>}. */
  static List<JsonNode> render(String overlay) throws IOException, InterruptedException {
    Path tree = K8S;
    if (overlay.equals("prod")) {
      tree = withProductionSecrets();
    }
    String yaml = run(tree.resolve("overlays").resolve(overlay));
    List<JsonNode> objects = new ArrayList<>();
    try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode object = documents.next();
        if (object != null && !object.isEmpty()) {
          objects.add(object);
        }
      }
    }
    return objects;
  }

  /**
   * prod reads its credentials from secrets/*.env, which are never committed: render a copy of the
   * tree where each is made from its .env.example with fresh random values, as an operator would.
   */
  private static Path withProductionSecrets() throws IOException {
    Path copy = Files.createTempDirectory("relspec-k8s");
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(K8S.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    Path secrets = copy.resolve("overlays/prod/secrets");
    try (Stream<Path> examples = Files.list(secrets)) {
      for (Path example : examples.filter(p -> p.toString().endsWith(".env.example")).toList()) {
        String name = example.getFileName().toString();
        String filled =
            Files.readString(example)
                .lines()
                .map(Kustomize::fill)
                .reduce("", (a, b) -> a + b + "\n");
        Files.writeString(
            secrets.resolve(name.substring(0, name.length() - ".example".length())), filled);
      }
    }
    return copy;
  }

  private static String fill(String line) {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    return line.replaceAll("REPLACE-[A-Za-z0-9-]*", HexFormat.of().formatHex(random));
  }

  private static String run(Path overlay) throws IOException, InterruptedException {
    List<String> command = renderer();
    command.add(overlay.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + err);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static List<String> renderer() {
    if (onPath("kubectl")) {
      return new ArrayList<>(List.of("kubectl", "kustomize"));
    }
    if (onPath("kustomize")) {
      return new ArrayList<>(List.of("kustomize", "build"));
    }
    throw new IllegalStateException(
        "rendering the manifests needs kubectl (≥ 1.27) or kustomize (v5) on the PATH");
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(java.io.File.pathSeparator))
        .anyMatch(directory -> Files.isExecutable(Path.of(directory, program)));
  }
}
