package io.relspec.standalone;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * In the distributed suite OpenLineage events go to the {@code relspec.lineage} exchange; in one
 * JVM there is no broker, so they are appended, one JSON document per line, to {@code
 * <data-dir>/lineage/openlineage.jsonl} (and forwarded over HTTP when {@code
 * relspec.openlineage.url} is set, as in the distributed suite).
 */
@ApplicationScoped
public class LineageFileLog {
  private final Path file;

  public LineageFileLog(@ConfigProperty(name = "relspec.data-dir") Path dataDir) {
    this.file = dataDir.resolve("lineage").resolve("openlineage.jsonl");
  }

  /** Appends one event; the scheduler marks it published once this returns. */
  @Incoming("openlineage")
  public synchronized void append(String event) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          event.replace('\n', ' ') + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  public Path file() {
    return file;
  }
}
