package io.relspec.executor.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.executor.store.SqlRefusedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One SELECT as DuckDB's own parser reads it ({@code json_serialize_sql}): the executor's judge of
 * "exactly one SELECT" and of which tables the statement reads. Table references are collected with
 * CTE scoping (a name a {@code WITH} defines is not a table inside that {@code WITH}) and with
 * their position in the text, so that a name can be mapped where DuckDB itself found it.
 *
 * <p>Only the facts are kept, not DuckDB's tree, so a parsed statement is small enough to remember.
 */
public final class SelectStatement {
  /** A table the statement names: its dotted path as written and its place in the UTF-8 text. */
  public record TableReference(List<String> path, int byteOffset, int byteLength) {
    /** The name lower-cased and joined with dots: how it compares with dataset names. */
    public String name() {
      return String.join(".", path).toLowerCase(Locale.ROOT);
    }
  }

  private final String sql;
  private final List<TableReference> tables;
  private final List<String> tableFunctions;
  private final int joins;
  private final int subqueries;
  private final int ctes;
  private final int columns;

  private SelectStatement(String sql, Walk walk, int columns) {
    this.sql = sql;
    this.tables = List.copyOf(walk.tables);
    this.tableFunctions = List.copyOf(walk.functions);
    this.joins = walk.joins;
    this.subqueries = walk.subqueries;
    this.ctes = walk.ctes;
    this.columns = columns;
  }

  /**
   * Parses {@code sql} with DuckDB's parser on {@code connection}.
   *
   * @throws SqlRefusedException unless it is exactly one SELECT statement
   */
  public static SelectStatement parse(Connection connection, String sql)
      throws SQLException, SqlRefusedException {
    JsonNode result;
    try (PreparedStatement check =
        connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      check.setString(1, sql);
      try (ResultSet rows = check.executeQuery()) {
        rows.next();
        result = RelspecJson.mapper().readTree(rows.getString(1));
      }
    } catch (JsonProcessingException e) {
      throw new SqlRefusedException("cannot check the statement: " + e.getOriginalMessage());
    }
    if (result.path("error").asBoolean(true)) {
      throw new SqlRefusedException(
          "only a single SELECT may run on an executor: "
              + firstLine(result.path("error_message").asText("not a SELECT statement")));
    }
    JsonNode statements = result.path("statements");
    if (statements.size() != 1) {
      throw new SqlRefusedException(
          "exactly one SELECT statement is allowed, got " + statements.size());
    }
    JsonNode node = statements.get(0).path("node");
    Walk walk = new Walk();
    walk.visit(node, new ArrayDeque<>());
    return new SelectStatement(sql, walk, node.path("select_list").size());
  }

  public String sql() {
    return sql;
  }

  /** Every table the statement reads (CTE names in scope excluded), in text order. */
  public List<TableReference> tables() {
    return tables;
  }

  /** The table functions it calls in FROM ({@code range}, {@code read_csv}, …), lower-cased. */
  public List<String> tableFunctions() {
    return tableFunctions;
  }

  /** How many joins its FROM clauses hold (implicit comma joins included). */
  public int joins() {
    return joins;
  }

  /** How many sub-queries its expressions hold. */
  public int subqueries() {
    return subqueries;
  }

  /** How many common table expressions ({@code WITH} names) it defines, at any depth. */
  public int ctes() {
    return ctes;
  }

  /** How many expressions its (outermost) select list has; 0 for a set operation. */
  public int columns() {
    return columns;
  }

  /** How many times the statement names {@code name} (a lower-case dotted dataset name). */
  public int references(String name) {
    int count = 0;
    for (TableReference table : tables) {
      count += table.name().equals(name) ? 1 : 0;
    }
    return count;
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** A walk over DuckDB's serialized tree; CTE names are scoped to the node that defines them. */
  private static final class Walk {
    final List<TableReference> tables = new ArrayList<>();
    final List<String> functions = new ArrayList<>();
    int joins;
    int subqueries;
    int ctes;

    void visit(JsonNode node, Deque<Set<String>> ctes) {
      if (node.isArray()) {
        for (JsonNode child : node) {
          visit(child, ctes);
        }
        return;
      }
      if (!node.isObject()) {
        return;
      }
      JsonNode cteMap = node.path("cte_map").path("map");
      Set<String> defined = new HashSet<>();
      ctes.push(defined);
      // A CTE's body sees the CTEs defined before it (and itself when recursive), never later
      // ones: a name DuckDB would resolve to a table must be checked as a table.
      for (JsonNode entry : cteMap) {
        String name = entry.path("key").asText().toLowerCase(Locale.ROOT);
        JsonNode body = entry.path("value").path("query_node");
        if ("RECURSIVE_CTE_NODE".equals(body.path("type").asText())) {
          defined.add(name);
        }
        visit(body, ctes);
        defined.add(name);
        this.ctes++;
      }
      String type = node.path("type").asText("");
      if (!node.has("class")) {
        switch (type) {
          case "BASE_TABLE" -> table(node, ctes);
          case "TABLE_FUNCTION" ->
              functions.add(
                  node.path("function").path("function_name").asText().toLowerCase(Locale.ROOT));
          case "JOIN" -> joins++;
          default -> {}
        }
      } else if ("SUBQUERY".equals(node.path("class").asText())) {
        subqueries++;
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!field.getKey().equals("cte_map")) {
          visit(field.getValue(), ctes);
        }
      }
      ctes.pop();
    }

    private void table(JsonNode node, Deque<Set<String>> ctes) {
      List<String> path = new ArrayList<>();
      for (JsonNode part : node.path("qualified_name").path("path")) {
        path.add(part.asText());
      }
      if (path.isEmpty()) {
        for (String field : List.of("catalog_name", "schema_name", "table_name")) {
          String part = node.path(field).asText("");
          if (!part.isEmpty()) {
            path.add(part);
          }
        }
      }
      if (path.size() == 1) {
        String name = path.get(0).toLowerCase(Locale.ROOT);
        for (Set<String> scope : ctes) {
          if (scope.contains(name)) {
            return;
          }
        }
      }
      long offset = node.path("query_location").asLong(-1);
      tables.add(
          new TableReference(
              path,
              offset < 0 || offset > Integer.MAX_VALUE ? -1 : (int) offset,
              node.path("query_location_length").asInt(0)));
    }
  }
}
