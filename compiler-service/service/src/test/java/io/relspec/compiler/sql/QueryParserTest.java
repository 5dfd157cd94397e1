package io.relspec.compiler.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.contracts.model.DatasetName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParserTest {
  private final QueryParser parser = new QueryParser();

  @Test
  void joinsSubqueriesAndFiltersAllCountAsInputs() throws Exception {
    ParsedQuery query =
        parser.parse(
            "SELECT d.name FROM cst_defs d JOIN files f ON d.file_id = f.file_id "
                + "WHERE d.file_id IN (SELECT file_id FROM changed_files) "
                + "AND EXISTS (SELECT 1 FROM diagnostics x WHERE x.file_id = d.file_id)");
    assertThat(query.tables())
        .containsExactly(
            DatasetName.of("changed_files"),
            DatasetName.of("cst_defs"),
            DatasetName.of("diagnostics"),
            DatasetName.of("files"));
  }

  @Test
  void cteNamesAreNotInputsButWhatTheyReadIs() throws Exception {
    ParsedQuery query =
        parser.parse(
            "WITH recent AS (SELECT * FROM events) SELECT * FROM recent r JOIN users u ON r.uid = u.id");
    assertThat(query.tables()).containsExactly(DatasetName.of("events"), DatasetName.of("users"));
  }

  @Test
  void fingerprintIgnoresWhitespaceCommentsAndKeywordCase() throws Exception {
    String a =
        parser.parse("SELECT id, amount FROM orders WHERE amount > 10").fingerprint().value();
    String b =
        parser
            .parse("select   id,\n  amount -- the money\nFROM orders\nwhere amount > 10 /* big */")
            .fingerprint()
            .value();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void fingerprintChangesWithALiteral() throws Exception {
    assertThat(parser.parse("SELECT id FROM orders WHERE amount > 10").fingerprint())
        .isNotEqualTo(parser.parse("SELECT id FROM orders WHERE amount > 11").fingerprint());
  }

  @Test
  void fingerprintIsPinnedAcrossRunsAndJvms() throws Exception {
    // Golden value: a change here means every stored materialization would be re-run.
    assertThat(parser.parse("SELECT id FROM orders WHERE amount > 10").fingerprint().value())
        .isEqualTo("b819dddfdb9aa65a92aacd36363c1b8695a5e887f8516b8891a09486aead3392");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DELETE FROM orders",
        "INSERT INTO orders VALUES (1)",
        "UPDATE orders SET amount = 0",
        "DROP TABLE orders",
        "CREATE TABLE x AS SELECT 1"
      })
  void anythingButAQueryIsRefused(String sql) {
    assertThatThrownBy(() -> parser.parse(sql))
        .isInstanceOfSatisfying(
            SqlCompileException.class,
            e ->
                assertThat(e.code())
                    .isIn(CompilerErrorCode.NOT_A_QUERY, CompilerErrorCode.SQL_PARSE_ERROR));
  }

  @Test
  void parseErrorsCarryPositionAndOnlyTheFirstLine() {
    assertThatThrownBy(() -> parser.parse("SELECT id\nFORM orders"))
        .isInstanceOfSatisfying(
            SqlCompileException.class,
            e -> {
              assertThat(e.code()).isEqualTo(CompilerErrorCode.SQL_PARSE_ERROR);
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.getMessage()).doesNotContain("\n");
            });
  }

  @Test
  void duckDbSqlIsRegeneratedNotCopied() throws Exception {
    ParsedQuery query = parser.parse("select id from orders /* comment */ where amount > 10");
    assertThat(query.duckDbSql()).doesNotContain("comment").contains("FROM").contains("\"orders\"");
  }
}
