package io.relspec.standalone;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP endpoint standing in for Marquez's {@code POST /api/v1/lineage}: it keeps every event it
 * accepted, in arrival order, and answers 500 while {@link #failing} is set.
 */
public class MarquezStandIn implements QuarkusTestResourceLifecycleManager {
  static final AtomicBoolean failing = new AtomicBoolean(true);
  static final AtomicInteger refused = new AtomicInteger();
  private static final List<String> accepted = new ArrayList<>();
  private HttpServer server;

  static synchronized List<String> accepted() {
    return List.copyOf(accepted);
  }

  private static synchronized void accept(String event) {
    accepted.add(event);
  }

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/api/v1/lineage",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          int status;
          if (!"POST".equals(exchange.getRequestMethod())) {
            status = 405;
          } else if (failing.get()) {
            refused.incrementAndGet();
            status = 500;
          } else {
            accept(body);
            status = 201;
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    return Map.of(
        "relspec.openlineage.url",
        "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/lineage",
        "relspec.openlineage.poll-interval",
        "200ms",
        "relspec.openlineage.backoff-max",
        "1s");
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
