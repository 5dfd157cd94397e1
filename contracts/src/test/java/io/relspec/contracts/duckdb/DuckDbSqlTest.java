package io.relspec.contracts.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.contracts.arrow.ArrowType;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DuckDbSqlTest {
  @Test
  void identifiersAndLiteralsDoubleTheirQuotes() {
    assertThat(DuckDbSql.quote("orders")).isEqualTo("\"orders\"");
    assertThat(DuckDbSql.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(DuckDbSql.literal("it's")).isEqualTo("'it''s'");
  }

  @Test
  void theErrorTypeIsReadFromTheMessagePrefixDuckDbWrites() {
    // Messages as DuckDB 2.0 writes them (the executor's store test provokes a real one).
    assertThat(
            DuckDbError.typeOf(
                new SQLException(
                    "Out of Memory Error: failed to pin block of size 256.0 KiB (19.0 MiB/19.0 MiB"
                        + " used)")))
        .isEqualTo(DuckDbError.Type.OUT_OF_MEMORY);
    assertThat(DuckDbError.typeOf("Catalog Error: Table with name nope does not exist!"))
        .isEqualTo(DuckDbError.Type.CATALOG);
    assertThat(DuckDbError.typeOf("INTERRUPT Error: Interrupted!"))
        .isEqualTo(DuckDbError.Type.INTERRUPT);
    assertThat(DuckDbError.typeOf("Interrupt Error: Interrupted!"))
        .isEqualTo(DuckDbError.Type.INTERRUPT);
    // A message that mentions memory, or a wrapped cause, is read by its type only.
    assertThat(
            DuckDbError.typeOf(
                "Binder Error: Referenced column \"Out of Memory Error: x\" not found"))
        .isEqualTo(DuckDbError.Type.BINDER);
    assertThat(
            DuckDbError.typeOf(
                new IllegalStateException(
                    "wrapped", new SQLException("Out of Memory Error: could not allocate"))))
        .isEqualTo(DuckDbError.Type.OUT_OF_MEMORY);
    assertThat(DuckDbError.typeOf("the query used Out of Memory Error: words"))
        .isEqualTo(DuckDbError.Type.OTHER);
    assertThat(DuckDbError.typeOf((String) null)).isEqualTo(DuckDbError.Type.OTHER);
  }

  @Test
  void typesMapBothWaysForEveryTypeDescribePrints() {
    for (String arrow :
        new String[] {
          "bool",
          "int8",
          "int16",
          "int32",
          "int64",
          "uint8",
          "uint16",
          "uint32",
          "uint64",
          "float32",
          "float64",
          "utf8",
          "binary",
          "date32",
          "time64[us]",
          "timestamp[us]",
          "timestamp[s]",
          "timestamp[ms]",
          "timestamp[ns]",
          "decimal(12,2)"
        }) {
      ArrowType type = ArrowType.parse(arrow);
      assertThat(DuckDbTypes.toArrow(DuckDbTypes.toDuckDb(type))).as(arrow).isEqualTo(type);
    }
    assertThat(DuckDbTypes.toArrow("INTEGER[]").toString()).isEqualTo("list<int32>");
    assertThat(DuckDbTypes.fixedWidth("DECIMAL(12, 2)")).isEqualTo(16);
    assertThat(DuckDbTypes.fixedWidth("VARCHAR")).isEqualTo(-1);
  }
}
