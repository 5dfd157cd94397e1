package io.relspec.executor.store;

import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.arrow.DuckDbTypeNames;
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

  /** The DuckDB type a result column is cast to so it matches the plan's Arrow type. */
  public static String toDuckDb(ArrowType type) {
    return DuckDbTypeNames.of(type);
  }

  /** Bytes per value of a fixed-width DuckDB column, or -1 for variable-width ones. */
  static int fixedWidth(String duckDbType) {
    String type = duckDbType.trim().toUpperCase(Locale.ROOT);
    if (type.startsWith("DECIMAL")) {
      return 16;
    }
    return switch (type) {
      case "BOOLEAN", "TINYINT", "UTINYINT" -> 1;
      case "SMALLINT", "USMALLINT" -> 2;
      case "INTEGER", "UINTEGER", "FLOAT", "DATE" -> 4;
      case "BIGINT",
          "UBIGINT",
          "DOUBLE",
          "TIME",
          "TIMESTAMP",
          "TIMESTAMP_S",
          "TIMESTAMP_MS",
          "TIMESTAMP_NS",
          "TIMESTAMP WITH TIME ZONE" ->
          8;
      case "HUGEINT", "UHUGEINT", "INTERVAL", "UUID" -> 16;
      default -> -1;
    };
  }
}
