package io.relspec.distributed;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Relspec service app started as its own JVM by {@code deploy/local/relspec-local} (the same
 * script that runs the suite on a developer's machine): started, stopped gracefully or killed as a
 * crash would, and restarted through it.
 */
final class ServiceProcess implements AutoCloseable {
  private static final Path SCRIPT =
      Path.of("..", "deploy", "local", "relspec-local").toAbsolutePath().normalize();

  private final String name;
  private final List<String> target;
  private final Path directory;
  private final Map<String, String> environment;
  private final ProcessHandle process;
  final int httpPort;

  private ServiceProcess(
      String name,
      List<String> target,
      Path directory,
      Map<String, String> environment,
      ProcessHandle process,
      int httpPort) {
    this.name = name;
    this.target = List.copyOf(target);
    this.directory = directory;
    this.environment = Map.copyOf(environment);
    this.process = process;
    this.httpPort = httpPort;
  }

  /** Starts a service's packaged app; its HTTP port is free and chosen here. */
  static ServiceProcess start(String service, Map<String, String> environment, Path logDirectory)
      throws IOException {
    return start(service, service, environment, logDirectory);
  }

  /** Starts a service's packaged app under its own name (a second executor, say). */
  static ServiceProcess start(
      String name, String service, Map<String, String> environment, Path logDirectory)
      throws IOException {
    return fresh(name, List.of(service), environment, logDirectory);
  }

  /** Starts a packaged Quarkus jar; its HTTP port is free and chosen here. */
  static ServiceProcess startJar(
      String name, Path quarkusRunJar, Map<String, String> environment, Path logDirectory)
      throws IOException {
    return fresh(
        name,
        List.of("--jar", quarkusRunJar.toAbsolutePath().normalize().toString()),
        environment,
        logDirectory);
  }

  private static ServiceProcess fresh(
      String name, List<String> target, Map<String, String> environment, Path logDirectory)
      throws IOException {
    Path directory = logDirectory.toAbsolutePath();
    Files.deleteIfExists(directory.resolve(name + ".log"));
    return launch(name, target, directory, environment, freePort());
  }

  private static ServiceProcess launch(
      String name, List<String> target, Path directory, Map<String, String> environment, int port)
      throws IOException {
    List<String> arguments = new ArrayList<>(List.of("start", name));
    arguments.addAll(target);
    arguments.addAll(List.of("--port", Integer.toString(port)));
    String out = script(directory, environment, arguments);
    long pid = Long.parseLong(out.trim().split("\\s+")[0]);
    ProcessHandle process =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new IllegalStateException(name + " exited at once: " + out));
    return new ServiceProcess(name, target, directory, environment, process, port);
  }

  /** Runs relspec-local with the test's JDK and state directory; fails with its output. */
  private static String script(
      Path directory, Map<String, String> environment, List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    builder.environment().put("RELSPEC_LOCAL_DIR", directory.toString());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("RELSPEC_LOCAL_HEAP", "512m");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "relspec-local " + String.join(" ", arguments) + ": " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: relspec-local " + arguments, e);
    }
    return out;
  }

  /** Waits until /q/health/ready says UP, failing with the log tail if the process dies. */
  ServiceProcess awaitReady() {
    org.awaitility.Awaitility.await("ready: " + baseUrl())
        .atMost(java.time.Duration.ofSeconds(90))
        .pollInterval(java.time.Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              org.assertj.core.api.Assertions.assertThat(isAlive()).as(logTail()).isTrue();
              io.restassured.RestAssured.given()
                  .when()
                  .get(baseUrl() + "/q/health/ready")
                  .then()
                  .statusCode(200)
                  .body("status", org.hamcrest.Matchers.equalTo("UP"));
            });
    return this;
  }

  String baseUrl() {
    return "http://localhost:" + httpPort;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(directory.resolve(name + ".log"));
      return name
          + " log (last lines):\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return name + " log unreadable: " + e.getMessage();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Kills the process as a crash would: SIGKILL, no shutdown hooks, nothing finished. */
  void kill() throws IOException {
    script(directory, environment, List.of("stop", name, "--kill"));
  }

  /** Starts the same service again, with the same environment and HTTP port. */
  ServiceProcess restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    return launch(name, target, directory, environment, httpPort);
  }

  /**
   * Stops the process gracefully: SIGTERM, then SIGKILL if it has not exited within the timeout
   * (the script then says so in what this returns).
   */
  String stop(int timeoutSeconds) throws IOException {
    return script(
        directory,
        environment,
        List.of("stop", name, "--timeout", Integer.toString(timeoutSeconds)));
  }

  @Override
  public void close() throws IOException {
    stop(20);
  }
}
