package io.relspec.standalone;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;

/**
 * A result as a multiset of rows, compared the way the differential test demands: same number of
 * columns and rows, decimals and integers exact, a floating-point value on either side within a
 * relative 1e-9 (two plans may add the same doubles in another order), everything else equal as
 * text. Rows are sorted before they are paired, on a key that rounds numbers to nine digits so that
 * rows differing only in the last digits of a double still pair up.
 */
final class ResultRows {
  private static final MathContext SORT_DIGITS = new MathContext(9);
  private static final double RELATIVE = 1e-9;

  /** One value: a number (exact or floating), text, or SQL NULL (neither). */
  record Value(BigDecimal number, boolean floating, String text) {
    static Value of(Object value) {
      if (value == null) {
        return new Value(null, false, null);
      }
      return switch (value) {
        case Double d when d.isNaN() || d.isInfinite() -> new Value(null, false, d.toString());
        case Float f when f.isNaN() || f.isInfinite() -> new Value(null, false, f.toString());
        case Double d -> new Value(new BigDecimal(d), true, null);
        case Float f -> new Value(new BigDecimal(f.doubleValue()), true, null);
        case BigDecimal d -> new Value(d, false, null);
        case BigInteger i -> new Value(new BigDecimal(i), false, null);
        case Byte b -> new Value(BigDecimal.valueOf(b), false, null);
        case Short s -> new Value(BigDecimal.valueOf(s), false, null);
        case Integer i -> new Value(BigDecimal.valueOf(i), false, null);
        case Long l -> new Value(BigDecimal.valueOf(l), false, null);
        case java.sql.Date d -> new Value(null, false, d.toLocalDate().toString());
        case LocalDate d -> new Value(null, false, d.toString());
        case java.sql.Timestamp t -> new Value(null, false, t.toLocalDateTime().toString());
        case LocalDateTime t -> new Value(null, false, t.toString());
        default -> new Value(null, false, value.toString());
      };
    }

    String sortKey() {
      if (number == null) {
        return text == null ? "z" : "t" + text;
      }
      return "n" + number.round(SORT_DIGITS).stripTrailingZeros().toPlainString();
    }

    boolean matches(Value other) {
      if (number == null || other.number == null) {
        return Objects.equals(text, other.text) && number == other.number;
      }
      if (!floating && !other.floating) {
        return number.compareTo(other.number) == 0;
      }
      double a = number.doubleValue();
      double b = other.number.doubleValue();
      double scale = Math.max(Math.abs(a), Math.abs(b));
      return Math.abs(a - b) <= RELATIVE * scale || Math.abs(a - b) < 1e-12;
    }

    @Override
    public String toString() {
      if (number == null) {
        return text == null ? "NULL" : "'" + text + "'";
      }
      return number.round(new MathContext(15)).toPlainString();
    }
  }

  private final int columns;
  private final List<List<Value>> rows;

  private ResultRows(int columns, List<List<Value>> rows) {
    this.columns = columns;
    this.rows = rows;
    rows.sort(
        Comparator.comparing((List<Value> row) -> key(row, true))
            .thenComparing(row -> key(row, false)));
  }

  static ResultRows of(ResultSet result) throws SQLException {
    int columns = result.getMetaData().getColumnCount();
    List<List<Value>> rows = new ArrayList<>();
    while (result.next()) {
      List<Value> row = new ArrayList<>(columns);
      for (int c = 1; c <= columns; c++) {
        row.add(Value.of(result.getObject(c)));
      }
      rows.add(row);
    }
    return new ResultRows(columns, rows);
  }

  static ResultRows of(FlightStream stream) {
    int columns = stream.getSchema().getFields().size();
    List<List<Value>> rows = new ArrayList<>();
    while (stream.next()) {
      List<FieldVector> vectors = stream.getRoot().getFieldVectors();
      for (int r = 0; r < stream.getRoot().getRowCount(); r++) {
        List<Value> row = new ArrayList<>(columns);
        for (FieldVector vector : vectors) {
          Object value = vector.getObject(r);
          if (vector instanceof DateDayVector && value != null) {
            value = LocalDate.ofEpochDay(((Number) value).longValue());
          } else if (vector instanceof FloatingPointVector && value instanceof Number number) {
            value = number.doubleValue();
          }
          row.add(Value.of(value));
        }
        rows.add(row);
      }
    }
    return new ResultRows(columns, rows);
  }

  /** Why {@code actual} differs from this (expected) result, or null when it matches. */
  String difference(ResultRows actual) {
    if (columns != actual.columns) {
      return "expected " + columns + " columns, got " + actual.columns;
    }
    if (rows.size() != actual.rows.size()) {
      return "expected " + rows.size() + " rows, got " + actual.rows.size();
    }
    for (int r = 0; r < rows.size(); r++) {
      List<Value> want = rows.get(r);
      List<Value> got = actual.rows.get(r);
      for (int c = 0; c < columns; c++) {
        if (!want.get(c).matches(got.get(c))) {
          return "row " + r + " (sorted) column " + (c + 1) + ": expected " + want + ", got " + got;
        }
      }
    }
    return null;
  }

  int size() {
    return rows.size();
  }

  private static String key(List<Value> row, boolean rounded) {
    StringBuilder key = new StringBuilder();
    for (Value value : row) {
      key.append(rounded ? value.sortKey() : value.toString()).append('\u0001');
    }
    return key.toString();
  }
}
