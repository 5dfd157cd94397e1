package io.relspec.compiler.app;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.TaskSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The catalog's snapshot endpoint, serving one fixed snapshot, so the compiler app can be tested
 * alone against the real broker (the whole chain with the real catalog is the distributed suite).
 */
public class CatalogStub implements QuarkusTestResourceLifecycleManager {
  static final String SNAPSHOT_ID = "compiler-app-test-snapshot";

  /** What the history endpoint names as the newest snapshot; none (an empty history) if null. */
  static volatile String newest;

  private HttpServer server;

  static CatalogSnapshot snapshot() {
    return new CatalogSnapshot(
        SNAPSHOT_ID,
        null,
        Instant.parse("2026-11-21T00:00:00Z"),
        Map.of(
            DatasetName.of("raw.events"),
            new DatasetContract(
                new ArrowSchema(
                    List.of(
                        ArrowField.of("file_id", "utf8", false),
                        ArrowField.of("kind", "utf8", true),
                        ArrowField.of("size", "int64", true))),
                "file_id",
                null,
                null)),
        Map.of(),
        Map.of(),
        Map.of(
            TaskName.of("event_sizes"),
            new TaskSpec(
                DatasetName.of("event_sizes"),
                "SELECT file_id, kind, SUM(size) AS total FROM raw.events GROUP BY file_id, kind",
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            TaskName.of("broken"),
            new TaskSpec(
                DatasetName.of("broken"),
                "SELECT nope FROM raw.events",
                null,
                null,
                null,
                null,
                null,
                null,
                null)),
        Map.of());
  }

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    byte[] body = RelspecJson.write(snapshot()).getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/api/v1/snapshots/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          boolean known = path.endsWith("/" + SNAPSHOT_ID) || path.endsWith("/latest");
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(known ? 200 : 404, known ? body.length : -1);
          if (known) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.createContext(
        "/api/v1/snapshots",
        exchange -> {
          String current = newest;
          byte[] history =
              (current == null
                      ? "[]"
                      : "[{\"id\":\"" + current + "\",\"createdAt\":\"2026-11-21T00:00:00Z\"}]")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, history.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(history);
          }
          exchange.close();
        });
    server.start();
    return Map.of(
        "relspec.compiler.catalog-url", "http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
