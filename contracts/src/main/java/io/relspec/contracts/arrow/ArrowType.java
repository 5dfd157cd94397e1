package io.relspec.contracts.arrow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * An Arrow logical type, written and read as the strings data engineers know from pyarrow: {@code
 * int64}, {@code utf8}, {@code timestamp[us]}, {@code timestamp[us, tz=UTC]}, {@code
 * decimal(10,2)}, {@code list<int32>}.
 *
 * <p>{@link #parse} accepts common aliases ({@code string}, {@code bool}, {@code double}, {@code
 * decimal128(10, 2)}); {@link #toString} prints the one canonical form, so parse → print is stable.
 */
public sealed interface ArrowType
    permits ArrowType.Primitive,
        ArrowType.Timestamp,
        ArrowType.Time,
        ArrowType.Duration,
        ArrowType.Decimal,
        ArrowType.ListOf {

  @JsonCreator
  static ArrowType parse(String text) {
    return new ArrowTypeParser(text).parseWhole();
  }

  /** The canonical type string. */
  @JsonValue
  String typeString();

  enum TimeUnit {
    SECOND("s"),
    MILLISECOND("ms"),
    MICROSECOND("us"),
    NANOSECOND("ns");

    private final String symbol;

    TimeUnit(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    static TimeUnit fromSymbol(String symbol) {
      for (TimeUnit unit : values()) {
        if (unit.symbol.equals(symbol)) {
          return unit;
        }
      }
      throw new IllegalArgumentException(
          "unknown time unit '" + symbol + "': expected one of s, ms, us, ns");
    }
  }

  /** Types without parameters. */
  enum PrimitiveKind {
    NULL("null"),
    BOOL("bool"),
    INT8("int8"),
    INT16("int16"),
    INT32("int32"),
    INT64("int64"),
    UINT8("uint8"),
    UINT16("uint16"),
    UINT32("uint32"),
    UINT64("uint64"),
    FLOAT16("float16"),
    FLOAT32("float32"),
    FLOAT64("float64"),
    UTF8("utf8"),
    LARGE_UTF8("large_utf8"),
    BINARY("binary"),
    LARGE_BINARY("large_binary"),
    DATE32("date32"),
    DATE64("date64");

    private final String typeString;

    PrimitiveKind(String typeString) {
      this.typeString = typeString;
    }

    public String typeString() {
      return typeString;
    }
  }

  record Primitive(PrimitiveKind kind) implements ArrowType {
    public Primitive {
      Objects.requireNonNull(kind, "kind is null");
    }

    @Override
    public String typeString() {
      return kind.typeString();
    }

    @Override
    public String toString() {
      return typeString();
    }
  }

  /** Timestamp with a unit and an optional time zone (null = naive, wall-clock time). */
  record Timestamp(TimeUnit unit, String timezone) implements ArrowType {
    public Timestamp {
      Objects.requireNonNull(unit, "unit is null");
      if (timezone != null && timezone.isBlank()) {
        throw new IllegalArgumentException("timestamp time zone must not be blank");
      }
    }

    @Override
    public String typeString() {
      return timezone == null
          ? "timestamp[" + unit.symbol() + "]"
          : "timestamp[" + unit.symbol() + ", tz=" + timezone + "]";
    }

    @Override
    public String toString() {
      return typeString();
    }
  }

  /** Time of day: {@code time32[s|ms]} or {@code time64[us|ns]}. */
  record Time(TimeUnit unit) implements ArrowType {
    public Time {
      Objects.requireNonNull(unit, "unit is null");
    }

    public int bitWidth() {
      return unit == TimeUnit.SECOND || unit == TimeUnit.MILLISECOND ? 32 : 64;
    }

    @Override
    public String typeString() {
      return "time" + bitWidth() + "[" + unit.symbol() + "]";
    }

    @Override
    public String toString() {
      return typeString();
    }
  }

  record Duration(TimeUnit unit) implements ArrowType {
    public Duration {
      Objects.requireNonNull(unit, "unit is null");
    }

    @Override
    public String typeString() {
      return "duration[" + unit.symbol() + "]";
    }

    @Override
    public String toString() {
      return typeString();
    }
  }

  /** Decimal with precision 1–76 (above 38 it is a 256-bit decimal) and 0 ≤ scale ≤ precision. */
  record Decimal(int precision, int scale) implements ArrowType {
    public static final int MAX_PRECISION = 76;

    public Decimal {
      if (precision < 1 || precision > MAX_PRECISION) {
        throw new IllegalArgumentException(
            "decimal precision must be between 1 and " + MAX_PRECISION + ", got " + precision);
      }
      if (scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "decimal scale must be between 0 and the precision (" + precision + "), got " + scale);
      }
    }

    public int bitWidth() {
      return precision <= 38 ? 128 : 256;
    }

    @Override
    public String typeString() {
      return "decimal(" + precision + "," + scale + ")";
    }

    @Override
    public String toString() {
      return typeString();
    }
  }

  record ListOf(ArrowType element) implements ArrowType {
    public ListOf {
      Objects.requireNonNull(element, "element is null");
    }

    @Override
    public String typeString() {
      return "list<" + element.typeString() + ">";
    }

    @Override
    public String toString() {
      return typeString();
    }
  }

  static ArrowType primitive(PrimitiveKind kind) {
    return new Primitive(kind);
  }

  static String normalizeKeyword(String keyword) {
    return keyword.toLowerCase(Locale.ROOT);
  }
}
