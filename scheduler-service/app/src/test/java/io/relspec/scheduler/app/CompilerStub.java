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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The compiler's plan-catalog endpoint serving catalogs the tests put here, so the scheduler app is
 * tested alone against the real broker and database (the whole chain is the distributed suite).
 */
public class CompilerStub implements QuarkusTestResourceLifecycleManager {
  private static final Map<String, String> CATALOGS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> REQUESTS = new ConcurrentHashMap<>();
  private static final Map<String, Failures> FAILURES = new ConcurrentHashMap<>();
  private HttpServer server;

  static void serve(PlanCatalog catalog) {
    CATALOGS.put(catalog.id(), RelspecJson.write(catalog));
  }

  /** The next {@code count} requests for plan catalog {@code id} are answered {@code status}. */
  static void failNext(String id, int count, int status) {
    FAILURES.put(id, new Failures(new AtomicInteger(count), status));
  }

  /** How many requests for plan catalog {@code id} arrived so far. */
  static int requests(String id) {
    AtomicInteger count = REQUESTS.get(id);
    return count == null ? 0 : count.get();
  }

  private record Failures(AtomicInteger left, int status) {}

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
          REQUESTS.computeIfAbsent(id, ignored -> new AtomicInteger()).incrementAndGet();
          Failures failures = FAILURES.get(id);
          boolean fail = failures != null && failures.left().getAndDecrement() > 0;
          String json = fail ? null : CATALOGS.get(id);
          int status = fail ? failures.status() : json == null ? 404 : 200;
          byte[] body =
              (fail
                      ? "{\"code\":\"STUB_FAILURE\",\"detail\":\"told to fail\"}"
                      : json == null
                          ? "{\"code\":\"PLAN_CATALOG_NOT_FOUND\",\"detail\":\"no " + id + "\"}"
                          : json)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
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
