package io.relspec.bench.system;

import io.relspec.cli.api.ApiClient;
import io.relspec.cli.api.ServiceRoutes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A running Relspec under measurement: standalone (one JVM) or the distributed suite on this
 * machine (deploy/local/relspec-local: four services and two executors over RabbitMQ).
 */
abstract class Deployment implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("relspec.root", ".")).toAbsolutePath();

  abstract String name();

  /** The CLI's connection flags for this deployment. */
  abstract List<String> connection();

  abstract ApiClient api();

  /** Where the web UI is served (the scheduler's HTTP address). */
  abstract String baseUrl();

  /** The admin API token of this deployment. */
  abstract String token();

  /** Peak resident memory of the process, where one process holds the whole system. */
  abstract OptionalLong peakRssBytes() throws IOException;

  /** The Flight endpoint of each executor, the first being the one {@link #connection} names. */
  abstract List<String> flightEndpoints();

  static void awaitReady(String url, Duration limit, ProcessHandle process) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(url + ": the process exited while starting");
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(url + " was not ready within " + limit);
      }
      Thread.sleep(200);
    }
  }

  static OptionalLong peakRss(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return OptionalLong.empty();
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
      }
    }
    return OptionalLong.empty();
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Standalone: all four services in one JVM with embedded H2 and DuckDB. */
  static final class Standalone extends Deployment {
    private final Process process;
    private final String url;
    private final String flight;
    private final String token;

    Standalone(Path dataDir, List<String> properties) throws Exception {
      int http = freePort();
      int flightPort = freePort();
      List<String> command =
          new ArrayList<>(
              List.of(
                  java(),
                  "-Xmx" + System.getProperty("relspec.bench.heap", "4g"),
                  "--add-opens=java.base/java.nio=ALL-UNNAMED",
                  "--enable-native-access=ALL-UNNAMED"));
      if (Runtime.version().feature() >= 24) {
        command.add("--sun-misc-unsafe-memory-access=allow");
      }
      command.add("-Drelspec.data-dir=" + dataDir);
      command.add("-Dquarkus.http.port=" + http);
      command.add("-Drelspec.executor.flight.port=" + flightPort);
      command.add("-Dquarkus.log.level=WARN");
      command.addAll(properties);
      // For profiling, e.g. -Drelspec.bench.standalone-jvm-args=-XX:StartFlightRecording=...
      String extra = System.getProperty("relspec.bench.standalone-jvm-args", "").strip();
      if (!extra.isEmpty()) {
        command.addAll(List.of(extra.split("\\s+")));
      }
      command.addAll(
          List.of(
              "-jar", ROOT.resolve("standalone/target/quarkus-app/quarkus-run.jar").toString()));
      Files.createDirectories(dataDir);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dataDir.resolve("standalone.log").toFile())
              .start();
      url = "http://localhost:" + http;
      flight = "grpc://localhost:" + flightPort;
      awaitReady(url, Duration.ofSeconds(120), process.toHandle());
      token = Files.readString(dataDir.resolve("api-token")).strip();
    }

    @Override
    String name() {
      return "standalone";
    }

    @Override
    List<String> connection() {
      return List.of("--url", url, "--flight", flight, "--token", token);
    }

    @Override
    List<String> flightEndpoints() {
      return List.of(flight);
    }

    @Override
    ApiClient api() {
      return new ApiClient(URI.create(url), token);
    }

    @Override
    String baseUrl() {
      return url;
    }

    @Override
    String token() {
      return token;
    }

    @Override
    OptionalLong peakRssBytes() throws IOException {
      return peakRss(process.pid());
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor();
    }
  }

  /** The distributed suite as processes, through deploy/local/relspec-local. */
  static final class LocalSuite extends Deployment {
    private final Path state;
    private final String token;

    private final int executors;

    LocalSuite(Path state, int executors) throws Exception {
      this.state = state;
      this.executors = executors;
      // Fresh databases and queues: each measured deployment starts from nothing, like standalone.
      script("up", "--executors", Integer.toString(executors), "--fresh");
      token = Files.readString(state.resolve("api-token")).strip();
    }

    private void script(String... arguments) throws Exception {
      List<String> command =
          new ArrayList<>(List.of("bash", ROOT.resolve("deploy/local/relspec-local").toString()));
      command.addAll(List.of(arguments));
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      builder.environment().put("RELSPEC_LOCAL_DIR", state.toString());
      builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
      builder.environment().put("RELSPEC_LOCAL_HEAP", "2g");
      int exit = builder.start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException(
            "relspec-local " + String.join(" ", arguments) + ": " + exit);
      }
    }

    @Override
    String name() {
      return "distributed";
    }

    @Override
    List<String> connection() {
      return List.of(
          "--catalog-url", "http://localhost:8081",
          "--compiler-url", "http://localhost:8082",
          "--scheduler-url", "http://localhost:8083",
          "--url", "http://localhost:8083",
          "--flight", "grpc://localhost:8815",
          "--token", token);
    }

    @Override
    ApiClient api() {
      return new ApiClient(
          new ServiceRoutes(
              URI.create("http://localhost:8083"),
              URI.create("http://localhost:8081"),
              URI.create("http://localhost:8082"),
              URI.create("http://localhost:8083")),
          token);
    }

    @Override
    String baseUrl() {
      return "http://localhost:8083";
    }

    @Override
    String token() {
      return token;
    }

    @Override
    OptionalLong peakRssBytes() {
      return OptionalLong.empty();
    }

    @Override
    List<String> flightEndpoints() {
      // relspec-local gives executor-i the Flight port 8815 + i.
      List<String> endpoints = new ArrayList<>();
      for (int i = 0; i < executors; i++) {
        endpoints.add("grpc://localhost:" + (8815 + i));
      }
      return endpoints;
    }

    @Override
    public void close() throws Exception {
      script("down");
    }
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
