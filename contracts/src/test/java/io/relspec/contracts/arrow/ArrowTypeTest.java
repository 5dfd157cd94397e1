package io.relspec.contracts.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.contracts.messaging.RelspecJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ArrowTypeTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint64",
        "float16",
        "float32",
        "float64",
        "utf8",
        "large_utf8",
        "binary",
        "large_binary",
        "date32",
        "date64",
        "timestamp[s]",
        "timestamp[ms]",
        "timestamp[us]",
        "timestamp[ns]",
        "timestamp[us, tz=UTC]",
        "timestamp[ms, tz=Europe/Paris]",
        "time32[s]",
        "time32[ms]",
        "time64[us]",
        "time64[ns]",
        "duration[ms]",
        "decimal(10,2)",
        "decimal(38,0)",
        "decimal(76,10)",
        "list<int64>",
        "list<list<utf8>>",
        "list<timestamp[us]>"
      })
  void canonicalStringsRoundTrip(String text) {
    assertThat(ArrowType.parse(text).typeString()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "string|utf8",
        "boolean|bool",
        "double|float64",
        "INT64|int64",
        "decimal128(10, 2)|decimal(10,2)",
        "decimal256(40, 3)|decimal(40,3)",
        "date32[day]|date32",
        "list<item: int32>|list<int32>",
        "timestamp[us,tz=UTC]|timestamp[us, tz=UTC]"
      })
  void aliasesParseToTheCanonicalForm(String alias, String canonical) {
    assertThat(ArrowType.parse(alias).typeString()).isEqualTo(canonical);
  }

  @Test
  void decimalKnowsItsWidth() {
    assertThat(((ArrowType.Decimal) ArrowType.parse("decimal(38,2)")).bitWidth()).isEqualTo(128);
    assertThat(((ArrowType.Decimal) ArrowType.parse("decimal(39,2)")).bitWidth()).isEqualTo(256);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "int65|unknown Arrow type 'int65'",
        "decimal(10,11)|decimal scale must be between 0 and the precision (10), got 11",
        "decimal(0,0)|decimal precision must be between 1 and 76",
        "timestamp[h]|unknown time unit 'h'",
        "time32[us]|time32 cannot have unit us",
        "list<int64|expected '>'",
        "int64 extra|unexpected 'extra'",
        "|expected a type name"
      })
  void badTypeStringsFailWithAReason(String text, String reason) {
    assertThatThrownBy(() -> ArrowType.parse(text == null ? "" : text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void fieldSerializesTypeAsItsString() {
    ArrowField field = ArrowField.of("amount", "decimal128(10, 2)", true);
    String json = RelspecJson.write(field);
    assertThat(json)
        .isEqualTo(
            "{\"metadata\":{},\"name\":\"amount\",\"nullable\":true,\"type\":\"decimal(10,2)\"}");
    assertThat(RelspecJson.read(json, ArrowField.class)).isEqualTo(field);
  }

  @Test
  void schemaRejectsDuplicateFieldNames() {
    assertThatThrownBy(
            () ->
                new ArrowSchema(
                    java.util.List.of(
                        ArrowField.of("a", "int64", true), ArrowField.of("a", "utf8", true))))
        .hasMessageContaining("duplicate field name 'a'");
  }

  @Test
  void schemaRejectsNamesThatDifferOnlyInCaseNamingBoth() {
    assertThatThrownBy(
            () ->
                new ArrowSchema(
                    java.util.List.of(
                        ArrowField.of("a", "int64", true), ArrowField.of("A", "utf8", true))))
        .hasMessageContaining("fields 'a' and 'A' differ only in case");
  }

  @Test
  void aFieldNameIsOneQuotableIdentifier() {
    assertThat(ArrowField.of("count(*) of x", "int64", true).name()).isEqualTo("count(*) of x");
    assertThatThrownBy(() -> ArrowField.of("a\"b", "int64", true))
        .hasMessageContaining("double quote");
    assertThatThrownBy(() -> ArrowField.of("a\nb", "int64", true))
        .hasMessageContaining("control character");
    assertThatThrownBy(() -> ArrowField.of("x".repeat(256), "int64", true))
        .hasMessageContaining("limit is 255");
  }
}
