package io.relspec.distributed;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One Relspec service app started as its own JVM from its packaged Quarkus jar. */
final class ServiceProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final Path jar;
  private final Map<String, String> environment;
  final int httpPort;

  private ServiceProcess(
      String name,
      Process process,
      Path log,
      Path jar,
      Map<String, String> environment,
      int httpPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.jar = jar;
    this.environment = Map.copyOf(environment);
    this.httpPort = httpPort;
  }

  static ServiceProcess start(String service, Map<String, String> environment, Path logDirectory)
      throws IOException {
    return startJar(
        service,
        Path.of("..", service + "-service", "app", "target", "quarkus-app", "quarkus-run.jar"),
        environment,
        logDirectory);
  }

  /** Starts a packaged Quarkus jar; its HTTP port is free and chosen here. */
  static ServiceProcess startJar(
      String service, Path quarkusRunJar, Map<String, String> environment, Path logDirectory)
      throws IOException {
    Path jar = quarkusRunJar.toAbsolutePath().normalize();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: package the apps first (./mvnw verify builds them before this module)");
    }
    Path log = logDirectory.resolve(service + ".log");
    Files.deleteIfExists(log);
    return launch(service, jar, environment, log, freePort());
  }

  private static ServiceProcess launch(
      String service, Path jar, Map<String, String> environment, Path log, int port)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED"));
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(List.of("-Xmx512m", "-jar", jar.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    builder.environment().put("RELSPEC_HTTP_PORT", Integer.toString(port));
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    return new ServiceProcess(service, builder.start(), log, jar, environment, port);
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
      List<String> lines = Files.readAllLines(log);
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

  /** Kills the process as a crash would: no shutdown hooks, nothing finished. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
  }

  /** Starts the same service again, with the same environment and HTTP port. */
  ServiceProcess restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    return launch(name, jar, environment, log, httpPort);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
