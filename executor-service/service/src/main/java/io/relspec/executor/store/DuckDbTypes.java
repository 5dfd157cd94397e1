package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowType;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps DuckDB column types (as DESCRIBE prints them) to the Arrow type model. */
public final class DuckDbTypes {
  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

  private DuckDbTypes() {}

  public static ArrowType toArrow(String duckDbType) {
    String type = duckDbType.trim().toUpperCase(Locale.ROOT);
    if (type.endsWith("[]")) {
      return new ArrowType.ListOf(toArrow(type.substring(0, type.length() - 2)));
    }
    Matcher decimal = DECIMAL.matcher(type);
    if (decimal.matches()) {
      return new ArrowType.Decimal(
          Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
    }
    String arrow =
        switch (type) {
          case "BOOLEAN" -> "bool";
          case "TINYINT" -> "int8";
          case "SMALLINT" -> "int16";
          case "INTEGER" -> "int32";
          case "BIGINT" -> "int64";
          case "UTINYINT" -> "uint8";
          case "USMALLINT" -> "uint16";
          case "UINTEGER" -> "uint32";
          case "UBIGINT" -> "uint64";
          case "HUGEINT" -> "decimal(38,0)";
          case "FLOAT" -> "float32";
          case "DOUBLE" -> "float64";
          case "VARCHAR" -> "utf8";
          case "BLOB" -> "binary";
          case "DATE" -> "date32";
          case "TIME" -> "time64[us]";
          case "TIMESTAMP" -> "timestamp[us]";
          case "TIMESTAMP_S" -> "timestamp[s]";
          case "TIMESTAMP_MS" -> "timestamp[ms]";
          case "TIMESTAMP_NS" -> "timestamp[ns]";
          case "TIMESTAMP WITH TIME ZONE" -> "timestamp[us, tz=UTC]";
          case "\"NULL\"", "NULL" -> "null";
          default ->
              throw new IllegalArgumentException(
                  "DuckDB type " + duckDbType + " has no Arrow mapping in Relspec");
        };
    return ArrowType.parse(arrow);
  }
}
