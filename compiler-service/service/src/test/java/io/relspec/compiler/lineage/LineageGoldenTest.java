package io.relspec.compiler.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import io.relspec.compiler.sql.CompiledQuery;
import io.relspec.compiler.sql.Fixtures;
import io.relspec.contracts.api.ColumnLineage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Golden lineage: for each query, the inputs, the required columns with types, the file scope and
 * every output column's lineage, written as text and compared with the reviewed expectation in
 * {@code lineage-golden.txt}. After a deliberate change, regenerate with {@code
 * -Drelspec.golden.update=true} and review the diff.
 */
class LineageGoldenTest {
  private static final String RESOURCE = "/compiler/lineage-golden.txt";

  record Golden(String name, String sql, String expected) {}

  @Test
  void everyQueryHasItsReviewedLineage() throws Exception {
    List<Golden> cases = load();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
    StringBuilder regenerated = new StringBuilder();
    List<String> mismatches = new ArrayList<>();
    for (Golden golden : cases) {
      String actual = render(Fixtures.compile(golden.sql()));
      regenerated
          .append("-- case: ")
          .append(golden.name())
          .append('\n')
          .append(golden.sql())
          .append("\n-- expect:\n")
          .append(actual);
      if (!actual.equals(golden.expected())) {
        mismatches.add(golden.name() + "\nexpected:\n" + golden.expected() + "actual:\n" + actual);
      }
    }
    if (Boolean.getBoolean("relspec.golden.update")) {
      Files.writeString(
          Path.of("src/test/resources" + RESOURCE), regenerated.toString(), StandardCharsets.UTF_8);
      return;
    }
    assertThat(mismatches).isEmpty();
  }

  static String render(CompiledQuery query) {
    StringBuilder text = new StringBuilder();
    text.append("inputs: ")
        .append(
            query.logicalInputs().stream().map(Object::toString).collect(Collectors.joining(", ")))
        .append('\n');
    query
        .requiredColumns()
        .forEach(
            (dataset, columns) ->
                text.append("required ")
                    .append(dataset)
                    .append(": ")
                    .append(
                        columns.stream()
                            .map(column -> column.name() + " " + column.type())
                            .collect(Collectors.joining(", ")))
                    .append('\n'));
    text.append("file scope: ")
        .append(
            query.fileScope().partial()
                ? "partial aggregates by "
                    + query.fileScope().partialAggregate().keyInput()
                    + "."
                    + query.fileScope().partialAggregate().keyColumn()
                : query.fileScope().scopable() ? "by " + query.fileScope().fileIdColumn() : "no")
        .append(" (")
        .append(query.fileScope().reason())
        .append(")\n");
    for (ColumnLineage column : query.lineage()) {
      text.append("  ").append(column.column()).append(" <-");
      for (ColumnLineage.Origin origin : column.origins()) {
        text.append(' ')
            .append(origin.dataset())
            .append('.')
            .append(origin.column())
            .append(':')
            .append(origin.subtype());
      }
      text.append('\n');
    }
    return text.toString();
  }

  private static List<Golden> load() throws IOException {
    String text;
    try (InputStream in = LineageGoldenTest.class.getResourceAsStream(RESOURCE)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Golden> cases = new ArrayList<>();
    for (String block : text.split("(?m)^-- case: ")) {
      if (block.isBlank()) {
        continue;
      }
      String name = block.substring(0, block.indexOf('\n'));
      String rest = block.substring(block.indexOf('\n') + 1);
      int expect = rest.indexOf("-- expect:\n");
      cases.add(
          new Golden(
              name.strip(),
              rest.substring(0, expect).strip(),
              rest.substring(expect + "-- expect:\n".length())));
    }
    return cases;
  }
}
