package io.relspec.scheduler.app;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.contracts.messaging.RelspecJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiler's plan-catalog endpoint serving catalogs the tests put here, so the scheduler app is
 * tested alone against the real broker and database (the whole chain is the distributed suite).
 */
public class CompilerStub implements QuarkusTestResourceLifecycleManager {
  private static final Map<String, String> CATALOGS = new ConcurrentHashMap<>();
  private HttpServer server;

  static void serve(PlanCatalog catalog) {
    CATALOGS.put(catalog.id(), RelspecJson.write(catalog));
  }

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext(
        "/api/v1/plan-catalogs/",
        exchange -> {
          String id =
              exchange.getRequestURI().getPath().substring("/api/v1/plan-catalogs/".length());
          String json = CATALOGS.get(id);
          byte[] body =
              (json == null
                      ? "{\"code\":\"PLAN_CATALOG_NOT_FOUND\",\"detail\":\"no " + id + "\"}"
                      : json)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(json == null ? 404 : 200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return Map.of(
        "relspec.scheduler.compiler-url", "http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
