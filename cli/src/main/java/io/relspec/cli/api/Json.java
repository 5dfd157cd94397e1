package io.relspec.cli.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.relspec.contracts.messaging.RelspecJson;

/** The one JSON mapper of the CLI. */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  public static JsonNode read(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the server answered with invalid JSON: " + e.getMessage());
    }
  }

  /**
   * Reads an answer into one of the API's records with the services' own conventions ({@link
   * RelspecJson}: instants as text, unknown fields from a newer server ignored).
   */
  public static <T> T read(String text, Class<T> type) {
    try {
      return RelspecJson.mapper().readValue(text, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "the server's answer is not a " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  static JsonNode readOrNull(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private Json() {}
}
