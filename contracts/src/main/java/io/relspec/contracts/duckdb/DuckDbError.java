package io.relspec.contracts.duckdb;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The type of a DuckDB error. DuckDB's JDBC driver throws plain {@link SQLException}s, without a
 * SQL state or a subclass (measured with duckdb_jdbc 2.0.0.1: state null, code 0); the type is the
 * first words of the message, {@code "<type> Error: …"}, written from DuckDB's {@code
 * ExceptionType} table. This reads that prefix exactly, so a message that merely mentions memory is
 * not taken for an out-of-memory error.
 */
public final class DuckDbError {
  /** The DuckDB exception types Relspec acts on; every other one is {@link #OTHER}. */
  public enum Type {
    OUT_OF_MEMORY("Out of Memory"),
    INTERRUPT("INTERRUPT"),
    CATALOG("Catalog"),
    BINDER("Binder"),
    PARSER("Parser"),
    CONVERSION("Conversion"),
    OUT_OF_RANGE("Out of Range"),
    INVALID_INPUT("Invalid Input"),
    CONSTRAINT("Constraint"),
    IO("IO"),
    PERMISSION("Permission"),
    INTERNAL("INTERNAL"),
    FATAL("FATAL"),
    OTHER("");

    private final String text;

    Type(String text) {
      this.text = text;
    }

    /** The type's name as DuckDB writes it before {@code " Error: "}. */
    public String text() {
      return text;
    }
  }

  private static final String SUFFIX = " Error: ";
  private static final Map<String, Type> BY_TEXT =
      Stream.of(Type.values())
          .filter(type -> type != Type.OTHER)
          .collect(Collectors.toUnmodifiableMap(Type::text, Function.identity()));

  private DuckDbError() {}

  /** The type of the first DuckDB error in the exception or its causes, else {@link Type#OTHER}. */
  public static Type typeOf(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException) {
        Type type = typeOf(cause.getMessage());
        if (type != Type.OTHER) {
          return type;
        }
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Type.OTHER;
  }

  /** The type named at the start of a DuckDB error message, else {@link Type#OTHER}. */
  public static Type typeOf(String message) {
    if (message == null) {
      return Type.OTHER;
    }
    int end = message.indexOf(SUFFIX);
    if (end <= 0) {
      return Type.OTHER;
    }
    Type type = BY_TEXT.get(message.substring(0, end));
    if (type == null) {
      // DuckDB has changed the case of a few names between releases (INTERRUPT, INTERNAL).
      String lower = message.substring(0, end).toLowerCase(Locale.ROOT);
      type =
          BY_TEXT.entrySet().stream()
              .filter(entry -> entry.getKey().toLowerCase(Locale.ROOT).equals(lower))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(Type.OTHER);
    }
    return type;
  }
}
