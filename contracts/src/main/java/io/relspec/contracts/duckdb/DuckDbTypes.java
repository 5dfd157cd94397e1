package io.relspec.contracts.duckdb;

import io.relspec.contracts.arrow.ArrowType;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DuckDB column types and Relspec's Arrow type model, both ways: the executor casts results to a
 * plan's output schema and reads stored columns back, the compiler declares function parameters,
 * the CLI casts an uploaded file to a dataset contract.
 */
public final class DuckDbTypes {
  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

  private DuckDbTypes() {}

  /** The DuckDB column type that holds values of an Arrow type. */
  public static String toDuckDb(ArrowType type) {
    return switch (type) {
      case ArrowType.Primitive primitive ->
          switch (primitive.kind()) {
            case NULL -> "INTEGER";
            case BOOL -> "BOOLEAN";
            case INT8 -> "TINYINT";
            case INT16 -> "SMALLINT";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case UINT8 -> "UTINYINT";
            case UINT16 -> "USMALLINT";
            case UINT32 -> "UINTEGER";
            case UINT64 -> "UBIGINT";
            case FLOAT16, FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case UTF8, LARGE_UTF8 -> "VARCHAR";
            case BINARY, LARGE_BINARY -> "BLOB";
            case DATE32, DATE64 -> "DATE";
          };
      case ArrowType.Timestamp timestamp ->
          timestamp.timezone() != null
              ? "TIMESTAMP WITH TIME ZONE"
              : switch (timestamp.unit()) {
                case SECOND -> "TIMESTAMP_S";
                case MILLISECOND -> "TIMESTAMP_MS";
                case MICROSECOND -> "TIMESTAMP";
                case NANOSECOND -> "TIMESTAMP_NS";
              };
      case ArrowType.Time ignored -> "TIME";
      case ArrowType.Duration ignored -> "INTERVAL";
      case ArrowType.Decimal decimal ->
          "DECIMAL(" + decimal.precision() + ", " + decimal.scale() + ")";
      case ArrowType.ListOf list -> toDuckDb(list.element()) + "[]";
    };
  }

  /** The Arrow type of a DuckDB column type as DESCRIBE prints it. */
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

  /** Bytes per value of a fixed-width DuckDB column, or -1 for variable-width ones. */
  public static int fixedWidth(String duckDbType) {
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
