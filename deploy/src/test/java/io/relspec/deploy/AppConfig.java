package io.relspec.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A service app's application.properties, with {@code ${ENV:default}} read as its default. */
record AppConfig(String service, Properties properties) {
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{([A-Z0-9_]+):([^}]*)}");
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([a-z0-9.-]+)(?::([^}]*))?}");

  static AppConfig of(String service) throws IOException {
    Path file =
        Path.of(
            "..",
            service + "-service",
            "app",
            "src",
            "main",
            "resources",
            "application.properties");
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    }
    return new AppConfig(service, properties);
  }

  /** The value a property has when its environment variable is not set. */
  String defaultOf(String key) {
    String raw = properties.getProperty(key);
    if (raw == null) {
      throw new IllegalArgumentException(service + " has no property " + key);
    }
    return resolve(raw);
  }

  /** The environment variable a property reads, e.g. RELSPEC_HTTP_PORT for quarkus.http.port. */
  String environmentVariableOf(String key) {
    Matcher matcher = ENV_DEFAULT.matcher(properties.getProperty(key, ""));
    if (!matcher.find()) {
      throw new IllegalArgumentException(service + ": " + key + " reads no environment variable");
    }
    return matcher.group(1);
  }

  private String resolve(String raw) {
    String value =
        ENV_DEFAULT.matcher(raw).replaceAll(match -> Matcher.quoteReplacement(match.group(2)));
    Matcher reference = REFERENCE.matcher(value);
    StringBuilder resolved = new StringBuilder();
    while (reference.find()) {
      String referenced = properties.getProperty(reference.group(1));
      String replacement =
          referenced != null
              ? resolve(referenced)
              : reference.group(2) == null ? "" : reference.group(2);
      reference.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
    }
    reference.appendTail(resolved);
    return resolved.toString();
  }
}
