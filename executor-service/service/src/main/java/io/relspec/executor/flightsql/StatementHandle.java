package io.relspec.executor.flightsql;

import com.google.protobuf.ByteString;
import io.relspec.contracts.messaging.RelspecJson;
import java.io.IOException;
import org.apache.arrow.flight.CallStatus;

/** A statement's SQL and pin, carried in its ticket so any call can run it. */
record StatementHandle(String sql, String run, String snapshot) {
  QueryNames.Pin pin() {
    return new QueryNames.Pin(run, snapshot);
  }

  /** JSON built as a tree: no reflection over this record (native images). */
  byte[] encode() {
    com.fasterxml.jackson.databind.node.ObjectNode json = RelspecJson.mapper().createObjectNode();
    json.put("sql", sql);
    json.put("run", run);
    json.put("snapshot", snapshot);
    try {
      return RelspecJson.mapper().writeValueAsBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a statement handle", e);
    }
  }

  static StatementHandle decode(ByteString bytes) {
    try {
      com.fasterxml.jackson.databind.JsonNode json =
          RelspecJson.mapper().readTree(bytes.toByteArray());
      if (json == null || !json.path("sql").isTextual()) {
        throw new IOException("no SQL");
      }
      return new StatementHandle(
          json.path("sql").asText(), text(json.get("run")), text(json.get("snapshot")));
    } catch (IOException e) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("the statement ticket is not one this server issued")
          .toRuntimeException();
    }
  }

  private static String text(com.fasterxml.jackson.databind.JsonNode node) {
    return node == null || !node.isTextual() ? null : node.asText();
  }
}
