package io.relspec.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.executor.sql.NameBinding;
import io.relspec.executor.sql.PartialAggregation;
import io.relspec.executor.sql.SelectStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Partial aggregates on SQL nobody here wrote: every TPC-H, TPC-DS and faithfulness query of the
 * differential corpus that the executor can split is split, keyed by the first column of the first
 * table its FROM names (any per-row key must do: the partials are merged over all its values), and
 * the final query over the partials must return what the query returns on DuckDB. The partial query
 * is bound as the executor binds it ({@code tpch.lineitem} becomes the one view {@code
 * "tpch.lineitem"}).
 */
class PartialAggregationCorpusTest {
  @Test
  void theFinalQueryOverPartialsMatchesDuckDbOnTheCorpus() throws Exception {
    try (DifferentialCorpus corpus = DifferentialCorpus.generate(0.01)) {
      Connection oracle = corpus.oracle();
      Map<String, String> tables = corpus.tables();
      try (Statement statement = oracle.createStatement()) {
        for (Map.Entry<String, String> table : tables.entrySet()) {
          if (table.getKey().contains(".")) {
            statement.execute(
                "CREATE TEMP VIEW \"" + table.getKey() + "\" AS SELECT * FROM " + table.getValue());
          }
        }
      }
      Set<String> bound = tables.keySet();
      Map<String, String> refused = new TreeMap<>();
      List<String> split = new ArrayList<>();
      List<String> mismatches = new ArrayList<>();
      for (Map.Entry<String, String> task : corpus.tasks().entrySet()) {
        String sql = task.getValue();
        String keyTable = firstTable(oracle, sql);
        if (keyTable == null || !tables.containsKey(keyTable.toLowerCase())) {
          refused.put(task.getKey(), "no table in FROM");
          continue;
        }
        String keyColumn = firstColumn(oracle, tables.get(keyTable.toLowerCase()));
        PartialAggregation aggregation;
        try {
          aggregation = PartialAggregation.of(oracle, sql, keyTable, keyColumn);
        } catch (PartialAggregation.Unsupported e) {
          refused.put(task.getKey(), e.getMessage());
          continue;
        }
        split.add(task.getKey());
        String partial =
            NameBinding.bind(
                SelectStatement.parse(oracle, aggregation.partialSql()), bound, task.getKey());
        try (Statement statement = oracle.createStatement()) {
          statement.execute(
              "CREATE OR REPLACE TEMP TABLE \"relspec:partials\" AS SELECT * FROM ("
                  + partial
                  + ")");
          ResultRows actual;
          try (ResultSet rows = statement.executeQuery(aggregation.finalSql())) {
            actual = ResultRows.of(rows);
          }
          String difference = corpus.expected(task.getKey()).difference(actual);
          if (difference != null) {
            mismatches.add(task.getKey() + ": " + difference + "\n" + aggregation.finalSql());
          }
        }
      }
      System.out.printf(
          "partial aggregates: %d of %d corpus queries split and checked, %d refused%n  split: %s%n",
          split.size(), corpus.tasks().size(), refused.size(), split);
      Map<String, Integer> reasons = new TreeMap<>();
      refused
          .values()
          .forEach(reason -> reasons.merge(reason.replaceAll("[0-9]+", "N"), 1, Integer::sum));
      reasons.forEach((reason, count) -> System.out.printf("  refused %3d: %s%n", count, reason));
      assertThat(mismatches).isEmpty();
      // TPC-H q01 and q06 are the classic shapes: one aggregation over lineitem.
      assertThat(split).contains("tpch.q01", "tpch.q06");
      assertThat(split.size()).as("queries split: " + split).isGreaterThanOrEqualTo(10);
    }
  }

  /** The first table the outermost FROM names (left-most in its joins), as written. */
  private static String firstTable(Connection oracle, String sql) throws Exception {
    JsonNode tree;
    try (PreparedStatement statement =
        oracle.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      statement.setString(1, sql);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        tree = RelspecJson.mapper().readTree(rows.getString(1));
      }
    }
    JsonNode from = tree.path("statements").path(0).path("node").path("from_table");
    while ("JOIN".equals(from.path("type").asText())) {
      from = from.path("left");
    }
    if (!"BASE_TABLE".equals(from.path("type").asText())) {
      return null;
    }
    List<String> path = new ArrayList<>();
    from.path("qualified_name").path("path").forEach(part -> path.add(part.asText()));
    return path.isEmpty() ? from.path("table_name").asText() : String.join(".", path);
  }

  private static String firstColumn(Connection oracle, String table) throws Exception {
    try (Statement statement = oracle.createStatement();
        ResultSet rows = statement.executeQuery("DESCRIBE " + table)) {
      rows.next();
      return rows.getString("column_name");
    }
  }
}
