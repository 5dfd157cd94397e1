package io.relspec.contracts.arrow;

import io.relspec.contracts.arrow.ArrowType.PrimitiveKind;
import io.relspec.contracts.arrow.ArrowType.TimeUnit;
import java.util.Map;

/** Recursive-descent parser for {@link ArrowType} strings. Errors name the offending position. */
final class ArrowTypeParser {
  private static final int MAX_LENGTH = 1_000;

  private static final Map<String, PrimitiveKind> PRIMITIVES =
      Map.ofEntries(
          Map.entry("null", PrimitiveKind.NULL),
          Map.entry("bool", PrimitiveKind.BOOL),
          Map.entry("boolean", PrimitiveKind.BOOL),
          Map.entry("int8", PrimitiveKind.INT8),
          Map.entry("int16", PrimitiveKind.INT16),
          Map.entry("int32", PrimitiveKind.INT32),
          Map.entry("int64", PrimitiveKind.INT64),
          Map.entry("uint8", PrimitiveKind.UINT8),
          Map.entry("uint16", PrimitiveKind.UINT16),
          Map.entry("uint32", PrimitiveKind.UINT32),
          Map.entry("uint64", PrimitiveKind.UINT64),
          Map.entry("float16", PrimitiveKind.FLOAT16),
          Map.entry("halffloat", PrimitiveKind.FLOAT16),
          Map.entry("float32", PrimitiveKind.FLOAT32),
          Map.entry("float", PrimitiveKind.FLOAT32),
          Map.entry("float64", PrimitiveKind.FLOAT64),
          Map.entry("double", PrimitiveKind.FLOAT64),
          Map.entry("utf8", PrimitiveKind.UTF8),
          Map.entry("string", PrimitiveKind.UTF8),
          Map.entry("large_utf8", PrimitiveKind.LARGE_UTF8),
          Map.entry("large_string", PrimitiveKind.LARGE_UTF8),
          Map.entry("binary", PrimitiveKind.BINARY),
          Map.entry("large_binary", PrimitiveKind.LARGE_BINARY),
          Map.entry("date32", PrimitiveKind.DATE32),
          Map.entry("date32[day]", PrimitiveKind.DATE32),
          Map.entry("date64", PrimitiveKind.DATE64),
          Map.entry("date64[ms]", PrimitiveKind.DATE64));

  private final String text;
  private int position;

  ArrowTypeParser(String text) {
    if (text == null) {
      throw new IllegalArgumentException("Arrow type string is null");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "Arrow type string is longer than " + MAX_LENGTH + " characters");
    }
    this.text = text;
  }

  ArrowType parseWhole() {
    ArrowType type = parseType();
    skipSpaces();
    if (position != text.length()) {
      throw error("unexpected '" + text.substring(position) + "'");
    }
    return type;
  }

  private ArrowType parseType() {
    skipSpaces();
    String word = ArrowType.normalizeKeyword(readWord());
    if (word.isEmpty()) {
      throw error("expected a type name");
    }
    switch (word) {
      case "timestamp" -> {
        expect('[');
        TimeUnit unit = TimeUnit.fromSymbol(readWord());
        String timezone = null;
        skipSpaces();
        if (peek() == ',') {
          position++;
          skipSpaces();
          String key = readWord();
          if (!key.equals("tz")) {
            throw error("expected 'tz=' in timestamp type");
          }
          expect('=');
          int start = position;
          while (position < text.length() && text.charAt(position) != ']') {
            position++;
          }
          timezone = text.substring(start, position).trim();
        }
        expect(']');
        return new ArrowType.Timestamp(unit, timezone);
      }
      case "time32", "time64" -> {
        expect('[');
        TimeUnit unit = TimeUnit.fromSymbol(readWord());
        expect(']');
        ArrowType.Time time = new ArrowType.Time(unit);
        if (!word.equals("time" + time.bitWidth())) {
          throw error(word + " cannot have unit " + unit.symbol());
        }
        return time;
      }
      case "duration" -> {
        expect('[');
        TimeUnit unit = TimeUnit.fromSymbol(readWord());
        expect(']');
        return new ArrowType.Duration(unit);
      }
      case "decimal", "decimal128", "decimal256" -> {
        expect('(');
        int precision = readInt();
        expect(',');
        int scale = readInt();
        expect(')');
        return new ArrowType.Decimal(precision, scale);
      }
      case "list" -> {
        expect('<');
        skipSpaces();
        // pyarrow prints list<item: int64>; accept and drop the field name.
        int save = position;
        String maybeName = readWord();
        skipSpaces();
        if (!maybeName.isEmpty() && peek() == ':') {
          position++;
        } else {
          position = save;
        }
        ArrowType element = parseType();
        expect('>');
        return new ArrowType.ListOf(element);
      }
      default -> {
        skipSpaces();
        if (peek() == '[') {
          // date32[day] / date64[ms]
          int close = text.indexOf(']', position);
          if (close > 0) {
            String withUnit = word + text.substring(position, close + 1).replace(" ", "");
            PrimitiveKind kind = PRIMITIVES.get(withUnit);
            if (kind != null) {
              position = close + 1;
              return ArrowType.primitive(kind);
            }
          }
        }
        PrimitiveKind kind = PRIMITIVES.get(word);
        if (kind == null) {
          throw error("unknown Arrow type '" + word + "'");
        }
        return ArrowType.primitive(kind);
      }
    }
  }

  private String readWord() {
    skipSpaces();
    int start = position;
    while (position < text.length()
        && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
      position++;
    }
    return text.substring(start, position);
  }

  private int readInt() {
    String digits = readWord();
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw error("expected a number, got '" + digits + "'");
    }
  }

  private void expect(char expected) {
    skipSpaces();
    if (peek() != expected) {
      throw error("expected '" + expected + "'");
    }
    position++;
  }

  private char peek() {
    return position < text.length() ? text.charAt(position) : '\0';
  }

  private void skipSpaces() {
    while (position < text.length() && text.charAt(position) == ' ') {
      position++;
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException(
        "invalid Arrow type '" + text + "' at position " + position + ": " + message);
  }
}
