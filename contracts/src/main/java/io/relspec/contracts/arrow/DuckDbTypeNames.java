package io.relspec.contracts.arrow;

/**
 * The DuckDB column type that holds each Arrow type. Shared by the executor (casting results to a
 * plan's output schema) and the CLI (casting an uploaded file to a dataset contract).
 */
public final class DuckDbTypeNames {
  public static String of(ArrowType type) {
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
      case ArrowType.ListOf list -> of(list.element()) + "[]";
    };
  }

  private DuckDbTypeNames() {}
}
