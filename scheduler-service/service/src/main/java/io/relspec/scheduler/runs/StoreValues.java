package io.relspec.scheduler.runs;

import com.fasterxml.jackson.core.type.TypeReference;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.TreeMap;

/** Column values the run stores share: nullable longs, input versions as JSON, bounded text. */
final class StoreValues {
  private StoreValues() {}

  static final TypeReference<Map<String, Long>> VERSIONS = new TypeReference<>() {};

  static Map<DatasetName, Long> versions(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    Map<DatasetName, Long> result = new TreeMap<>();
    try {
      RelspecJson.mapper()
          .readValue(json, VERSIONS)
          .forEach((name, version) -> result.put(DatasetName.of(name), version));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("unreadable input versions: " + json, e);
    }
    return result;
  }

  static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  static Long getLong(ResultSet rows, int index) throws SQLException {
    long value = rows.getLong(index);
    return rows.wasNull() ? null : value;
  }

  static String truncate(String text) {
    return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
  }
}
