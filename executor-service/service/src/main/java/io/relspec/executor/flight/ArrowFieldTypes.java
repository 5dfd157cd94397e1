package io.relspec.executor.flight;

import io.relspec.contracts.arrow.ArrowType;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID;
import org.apache.arrow.vector.types.pojo.Field;

/** Arrow Java's field types in Relspec's type model, to compare uploads with contracts. */
final class ArrowFieldTypes {
  private ArrowFieldTypes() {}

  /** The contract type of a field; null when the type has no place in the model (struct, map). */
  static ArrowType of(Field field) {
    org.apache.arrow.vector.types.pojo.ArrowType type = field.getType();
    String text =
        switch (type) {
          case org.apache.arrow.vector.types.pojo.ArrowType.Null ignored -> "null";
          case org.apache.arrow.vector.types.pojo.ArrowType.Bool ignored -> "bool";
          case org.apache.arrow.vector.types.pojo.ArrowType.Int integer ->
              (integer.getIsSigned() ? "int" : "uint") + integer.getBitWidth();
          case org.apache.arrow.vector.types.pojo.ArrowType.FloatingPoint floating ->
              floating.getPrecision() == FloatingPointPrecision.HALF
                  ? "float16"
                  : floating.getPrecision() == FloatingPointPrecision.SINGLE
                      ? "float32"
                      : "float64";
          case org.apache.arrow.vector.types.pojo.ArrowType.Utf8 ignored -> "utf8";
          case org.apache.arrow.vector.types.pojo.ArrowType.LargeUtf8 ignored -> "large_utf8";
          case org.apache.arrow.vector.types.pojo.ArrowType.Binary ignored -> "binary";
          case org.apache.arrow.vector.types.pojo.ArrowType.LargeBinary ignored -> "large_binary";
          case org.apache.arrow.vector.types.pojo.ArrowType.Date date ->
              date.getUnit() == DateUnit.DAY ? "date32" : "date64";
          case org.apache.arrow.vector.types.pojo.ArrowType.Timestamp timestamp ->
              "timestamp["
                  + unit(timestamp.getUnit())
                  + (timestamp.getTimezone() == null ? "" : ", tz=" + timestamp.getTimezone())
                  + "]";
          case org.apache.arrow.vector.types.pojo.ArrowType.Time time ->
              "time" + time.getBitWidth() + "[" + unit(time.getUnit()) + "]";
          case org.apache.arrow.vector.types.pojo.ArrowType.Duration duration ->
              "duration[" + unit(duration.getUnit()) + "]";
          case org.apache.arrow.vector.types.pojo.ArrowType.Decimal decimal ->
              "decimal(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
          case org.apache.arrow.vector.types.pojo.ArrowType.List ignored -> {
            ArrowType element =
                field.getChildren().isEmpty() ? null : of(field.getChildren().get(0));
            yield element == null ? null : "list<" + element.typeString() + ">";
          }
          default -> null;
        };
    if (text == null || type.getTypeID() == ArrowTypeID.NONE) {
      return null;
    }
    try {
      return ArrowType.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String unit(org.apache.arrow.vector.types.TimeUnit unit) {
    return switch (unit) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }
}
