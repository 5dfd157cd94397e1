package io.relspec.executor.flightsql;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/** An open prepared statement: its SQL, pin, result schema and bound parameters. */
final class PreparedStatementState {
  private final String sql;
  private final QueryNames.Pin pin;
  private final Schema schema;
  private final int parameterCount;
  private volatile List<Object> values = List.of();

  PreparedStatementState(String sql, QueryNames.Pin pin, Schema schema, int parameterCount) {
    this.sql = sql;
    this.pin = pin;
    this.schema = schema;
    this.parameterCount = parameterCount;
  }

  String sql() {
    return sql;
  }

  QueryNames.Pin pin() {
    return pin;
  }

  Schema schema() {
    return schema;
  }

  int parameterCount() {
    return parameterCount;
  }

  List<Object> values() {
    return values;
  }

  void bind(List<Object> bound) {
    values = java.util.Collections.unmodifiableList(new ArrayList<>(bound));
  }
}
