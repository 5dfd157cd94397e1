package io.relspec.standalone;

import io.relspec.scheduler.lineage.LineageSink;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * In the distributed suite OpenLineage events go to the {@code relspec.lineage} exchange; in one
 * JVM there is no broker, so they are appended, one JSON document per line, to {@code
 * <data-dir>/lineage/openlineage.jsonl} (and forwarded over HTTP when {@code
 * relspec.openlineage.url} is set, as in the distributed suite).
 */
@ApplicationScoped
public class JsonLinesLineageSink implements LineageSink {
  private final Path file;

  public JsonLinesLineageSink(@ConfigProperty(name = "relspec.data-dir") Path dataDir) {
    this.file = dataDir.resolve("lineage").resolve("openlineage.jsonl");
  }

  /** Appends the events and syncs the file; the relay marks them published once this returns. */
  @Override
  public synchronized void publish(List<Published> events) throws IOException {
    // Checked first: createDirectories on an existing folder throws and catches inside, per batch.
    if (!Files.isDirectory(file.getParent())) {
      Files.createDirectories(file.getParent());
    }
    StringBuilder lines = new StringBuilder();
    for (Published event : events) {
      lines.append(event.payload().replace('\n', ' ')).append('\n');
    }
    try (OutputStream out =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.DSYNC)) {
      out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  public Path file() {
    return file;
  }
}
