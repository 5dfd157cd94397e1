package io.relspec.executor.sql;

import static io.relspec.contracts.duckdb.DuckDbSql.quote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relspec.contracts.messaging.RelspecJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A task's aggregation split in two, on DuckDB's own reading of its SQL ({@code
 * json_serialize_sql}, rewritten, then {@code json_deserialize_sql}): a <em>partial</em> query that
 * groups by the file id as well as by the task's keys and computes each aggregate's partial state,
 * and a <em>final</em> query that computes the task's select list from those partials, grouped by
 * the task's keys. The final query over all partials equals the task's SQL over all rows: {@code
 * COUNT} is the sum of the counts, {@code SUM} the sum of the sums, {@code MIN}/{@code MAX} the
 * minimum/maximum of the partial ones, {@code AVG} the summed sums over the summed counts. So when
 * some files change, only their partials are recomputed from rows.
 *
 * <p>Only the shape the compiler proved decomposable is accepted, and only as DuckDB parsed it: one
 * SELECT with GROUP BY (or none: one group), the file id taken from a table its FROM clause names,
 * aggregates {@code count}, {@code sum}, {@code min}, {@code max}, {@code avg} without DISTINCT,
 * and every other column reference in the select list, HAVING and ORDER BY either a grouping
 * expression or an alias of the select list. Anything else is {@link Unsupported}, and the task
 * then simply runs in full.
 *
 * <p>Floating-point sums and averages can differ from one pass over the rows in their last digits
 * (addition in another order), as DuckDB's own parallel aggregation does between runs.
 *
 * <p>Over 400 lines on purpose: one rewrite of DuckDB's serialized parse tree into a partial and a
 * final query; the node kinds it handles and the refusals that name what cannot be split read best
 * side by side.
 */
public final class PartialAggregation {
  /** The relation the final query reads: the partials, bound by the store as a temporary view. */
  public static final String PARTIALS = "relspec:partials";

  /** The partials' column holding the file id. */
  public static final String KEY = "relspec:file";

  private static final Set<String> AGGREGATES =
      Set.of("count_star", "count", "sum", "min", "max", "avg", "mean");

  private final String partialSql;
  private final String finalSql;

  private PartialAggregation(String partialSql, String finalSql) {
    this.partialSql = partialSql;
    this.finalSql = finalSql;
  }

  /** The query computing partials from the task's inputs: the file id, the keys, the states. */
  public String partialSql() {
    return partialSql;
  }

  /** The query computing the task's result from {@link #PARTIALS}. */
  public String finalSql() {
    return finalSql;
  }

  /** The SQL is not an aggregation this class can split; the reason says why. */
  public static final class Unsupported extends Exception {
    Unsupported(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Splits {@code sql} (the task's SQL with its names bound, as the executor runs it).
   *
   * @param keyTable the table (as named in the bound SQL) whose file id keys the partials
   * @param keyColumn its file id column
   */
  public static PartialAggregation of(
      Connection connection, String sql, String keyTable, String keyColumn)
      throws SQLException, Unsupported {
    return of(connection, sql, keyTable, keyColumn, null);
  }

  /**
   * Whether a statement binds where the task's inputs are bound: how {@code GROUP BY k} is told
   * apart when {@code k} is both an alias of the select list and perhaps a column of the FROM
   * clause (DuckDB takes the column first).
   */
  @FunctionalInterface
  public interface Probe {
    boolean binds(String sql) throws SQLException;
  }

  /**
   * {@link #of(Connection, String, String, String)}; with a {@code probe}, a GROUP BY naming an
   * alias of the select list is resolved as DuckDB resolves it.
   */
  public static PartialAggregation of(
      Connection connection, String sql, String keyTable, String keyColumn, Probe probe)
      throws SQLException, Unsupported {
    ObjectNode parsed = serialize(connection, sql);
    JsonNode statements = parsed.path("statements");
    if (statements.size() != 1) {
      throw new Unsupported("not a single statement");
    }
    JsonNode root = statements.get(0).path("node");
    if (!"SELECT_NODE".equals(root.path("type").asText())) {
      throw new Unsupported("not a plain SELECT (a set operation, or a VALUES list)");
    }
    ObjectNode node = (ObjectNode) root;
    for (String field : List.of("sample", "qualify")) {
      if (!node.path(field).isNull() && !node.path(field).isMissingNode()) {
        throw new Unsupported("the SELECT has " + field.toUpperCase(Locale.ROOT));
      }
    }
    for (JsonNode modifier : node.path("modifiers")) {
      if (!"ORDER_MODIFIER".equals(modifier.path("type").asText())) {
        throw new Unsupported("the SELECT has " + modifier.path("type").asText());
      }
    }
    JsonNode key = keyReference(node.path("from_table"), keyTable, keyColumn);
    List<JsonNode> selectList = new ArrayList<>();
    node.path("select_list").forEach(selectList::add);
    List<JsonNode> groups =
        groupExpressions(
            node,
            selectList,
            name -> {
              if (probe == null) {
                return null;
              }
              ObjectNode column = node.deepCopy();
              ArrayNode list = RelspecJson.mapper().createArrayNode();
              list.add(columnReference(connection, name));
              column.set("select_list", list);
              column.putNull("where_clause");
              column.set("group_expressions", emptyArray());
              column.set("group_sets", emptyArray());
              column.put("aggregate_handling", "STANDARD_HANDLING");
              column.putNull("having");
              column.set("modifiers", emptyArray());
              return probe.binds(deserialize(connection, parsed, column));
            });

    // The partial query: same FROM and WHERE, grouped by the file id and the keys.
    Rewrite rewrite = new Rewrite(connection, groups);
    ArrayNode finalSelect = RelspecJson.mapper().createArrayNode();
    for (JsonNode item : selectList) {
      finalSelect.add(rewrite.expression(item, false));
    }
    JsonNode having = node.path("having");
    JsonNode finalHaving = having.isNull() ? having : rewrite.expression(having, true);
    ArrayNode finalModifiers = RelspecJson.mapper().createArrayNode();
    for (JsonNode modifier : node.path("modifiers")) {
      ObjectNode copy = modifier.deepCopy();
      ArrayNode orders = RelspecJson.mapper().createArrayNode();
      for (JsonNode order : modifier.path("orders")) {
        ObjectNode rewritten = order.deepCopy();
        rewritten.set("expression", rewrite.expression(order.path("expression"), true));
        orders.add(rewritten);
      }
      copy.set("orders", orders);
      finalModifiers.add(copy);
    }

    ObjectNode partial = node.deepCopy();
    ArrayNode partialSelect = RelspecJson.mapper().createArrayNode();
    ArrayNode partialGroups = RelspecJson.mapper().createArrayNode();
    partialSelect.add(aliased(key, KEY));
    partialGroups.add(stripAlias(key));
    for (int i = 0; i < groups.size(); i++) {
      partialSelect.add(aliased(groups.get(i), group(i)));
      partialGroups.add(stripAlias(groups.get(i)));
    }
    for (int i = 0; i < rewrite.partials.size(); i++) {
      partialSelect.add(aliased(rewrite.partials.get(i), state(i)));
    }
    partial.set("select_list", partialSelect);
    partial.set("group_expressions", partialGroups);
    partial.set("group_sets", groupSet(partialGroups.size()));
    partial.put("aggregate_handling", "STANDARD_HANDLING");
    partial.putNull("having");
    partial.set("modifiers", RelspecJson.mapper().createArrayNode());

    ObjectNode merged = node.deepCopy();
    ArrayNode mergedGroups = RelspecJson.mapper().createArrayNode();
    for (int i = 0; i < groups.size(); i++) {
      mergedGroups.add(columnReference(connection, group(i)));
    }
    merged.set("cte_map", RelspecJson.mapper().createObjectNode().set("map", emptyArray()));
    merged.set("select_list", finalSelect);
    merged.set(
        "from_table",
        serializeSelect(connection, "SELECT 1 FROM temp." + quote(PARTIALS)).path("from_table"));
    merged.putNull("where_clause");
    merged.set("group_expressions", mergedGroups);
    merged.set("group_sets", groups.isEmpty() ? emptyArray() : groupSet(groups.size()));
    merged.put("aggregate_handling", "STANDARD_HANDLING");
    merged.set("having", finalHaving);
    merged.set("modifiers", finalModifiers);
    return new PartialAggregation(
        deserialize(connection, parsed, partial), deserialize(connection, parsed, merged));
  }

  private static String group(int i) {
    return "relspec:g" + i;
  }

  private static String state(int i) {
    return "relspec:p" + i;
  }

  /**
   * The grouping expressions as expressions: {@code GROUP BY 2} and {@code GROUP BY ALL} resolved
   * to the select list's items, an alias of the select list refused (DuckDB would bind a column of
   * the same name first; which one it takes is not visible here).
   */
  /** Whether a bare name in GROUP BY is a column of the FROM clause; null when unknown. */
  @FunctionalInterface
  private interface ColumnTest {
    Boolean isColumn(String name) throws SQLException, Unsupported;
  }

  private static List<JsonNode> groupExpressions(
      ObjectNode node, List<JsonNode> selectList, ColumnTest columns)
      throws SQLException, Unsupported {
    List<JsonNode> groups = new ArrayList<>();
    String handling = node.path("aggregate_handling").asText("STANDARD_HANDLING");
    if ("FORCE_AGGREGATES".equals(handling)) {
      for (JsonNode item : selectList) {
        if (!containsAggregate(item)) {
          groups.add(stripAlias(item));
        }
      }
      return groups;
    }
    if (!"STANDARD_HANDLING".equals(handling)) {
      throw new Unsupported("aggregate handling " + handling);
    }
    JsonNode sets = node.path("group_sets");
    int expressions = node.path("group_expressions").size();
    if (expressions > 0 && (sets.size() != 1 || sets.get(0).size() != expressions)) {
      throw new Unsupported("GROUPING SETS, ROLLUP or CUBE");
    }
    for (JsonNode expression : node.path("group_expressions")) {
      if ("CONSTANT".equals(expression.path("class").asText())) {
        int position = expression.path("literal").path("text").asInt(0);
        if (position < 1 || position > selectList.size()) {
          throw new Unsupported("GROUP BY " + expression.path("literal").path("text").asText());
        }
        groups.add(stripAlias(selectList.get(position - 1)));
        continue;
      }
      JsonNode resolved = expression;
      if (isColumn(expression) && expression.path("column_names").size() == 1) {
        String name = expression.path("column_names").get(0).asText();
        for (JsonNode item : selectList) {
          if (name.equalsIgnoreCase(item.path("alias").asText(""))
              && !(isColumn(item) && lastName(item).equalsIgnoreCase(name))) {
            Boolean column = columns.isColumn(name);
            if (column == null) {
              throw new Unsupported("GROUP BY " + name + ", a select-list alias or a column");
            }
            resolved = column ? expression : item;
          }
        }
      }
      groups.add(stripAlias(resolved));
    }
    return groups;
  }

  /** Rewrites select-list, HAVING and ORDER BY expressions onto the partials. */
  private static final class Rewrite {
    final Connection connection;
    final List<JsonNode> groups;
    final List<JsonNode> groupKeys = new ArrayList<>();
    final List<JsonNode> partials = new ArrayList<>();
    final List<JsonNode> partialKeys = new ArrayList<>();

    Rewrite(Connection connection, List<JsonNode> groups) {
      this.connection = connection;
      this.groups = groups;
      for (JsonNode group : groups) {
        groupKeys.add(comparable(group));
      }
    }

    /**
     * @param aliasesAllowed whether a bare name may be an alias of the select list (HAVING, ORDER
     *     BY): kept as it is, the final query has the same aliases
     */
    JsonNode expression(JsonNode expression, boolean aliasesAllowed)
        throws SQLException, Unsupported {
      String alias = expression.path("alias").asText("");
      JsonNode rewritten = rewrite(expression, aliasesAllowed);
      return alias.isEmpty() ? rewritten : aliased(rewritten, alias);
    }

    private JsonNode rewrite(JsonNode expression, boolean aliasesAllowed)
        throws SQLException, Unsupported {
      int group = groupIndex(expression);
      if (group >= 0) {
        return columnReference(connection, group(group));
      }
      String type = expression.path("class").asText("");
      switch (type) {
        case "FUNCTION" -> {
          String name = expression.path("function_name").asText().toLowerCase(Locale.ROOT);
          if (AGGREGATES.contains(name)) {
            return merge(expression, name);
          }
        }
        case "COLUMN_REF" -> {
          if (aliasesAllowed && expression.path("column_names").size() == 1) {
            return expression;
          }
          throw new Unsupported(
              "column "
                  + String.join(".", texts(expression.path("column_names")))
                  + " is neither grouped nor aggregated");
        }
        case "SUBQUERY" -> throw new Unsupported("a sub-query above the aggregation");
        case "WINDOW" -> throw new Unsupported("a window function above the aggregation");
        case "LAMBDA" -> throw new Unsupported("a lambda above the aggregation");
        default -> {}
      }
      ObjectNode copy = ((ObjectNode) expression).deepCopy();
      for (Iterator<Map.Entry<String, JsonNode>> fields = expression.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        copy.set(field.getKey(), children(field.getValue(), aliasesAllowed));
      }
      return copy;
    }

    private JsonNode children(JsonNode value, boolean aliasesAllowed)
        throws SQLException, Unsupported {
      if (value.isObject() && value.has("class")) {
        return rewrite(value, aliasesAllowed);
      }
      if (value.isObject()) {
        ObjectNode copy = ((ObjectNode) value).deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          copy.set(field.getKey(), children(field.getValue(), aliasesAllowed));
        }
        return copy;
      }
      if (value.isArray()) {
        ArrayNode copy = RelspecJson.mapper().createArrayNode();
        for (JsonNode element : value) {
          copy.add(children(element, aliasesAllowed));
        }
        return copy;
      }
      return value;
    }

    private int groupIndex(JsonNode expression) {
      if (!expression.has("class")) {
        return -1;
      }
      JsonNode key = comparable(expression);
      int found = groupKeys.indexOf(key);
      if (found >= 0 || !isColumn(expression)) {
        return found;
      }
      // `k` and `t.k` name the same column when only one grouping column is called k.
      String name = lastName(expression);
      int match = -1;
      for (int i = 0; i < groups.size(); i++) {
        if (isColumn(groups.get(i)) && lastName(groups.get(i)).equalsIgnoreCase(name)) {
          if (match >= 0) {
            return -1;
          }
          match = i;
        }
      }
      boolean qualifiedOnOneSide =
          match >= 0
              && (expression.path("column_names").size() == 1
                  || groups.get(match).path("column_names").size() == 1);
      return qualifiedOnOneSide ? match : -1;
    }

    /** The partial state(s) of one aggregate call, and the expression merging them. */
    private JsonNode merge(JsonNode call, String name) throws SQLException, Unsupported {
      if (call.path("distinct").asBoolean(false)) {
        throw new Unsupported(name + "(DISTINCT …)");
      }
      if (call.path("export_state").asBoolean(false)
          || !call.path("schema").asText("").isEmpty()
          || !call.path("catalog").asText("").isEmpty()) {
        throw new Unsupported("a qualified or exported aggregate " + name);
      }
      int arguments = call.path("arguments").size();
      if (name.equals("count_star") ? arguments != 0 : arguments != 1) {
        throw new Unsupported(name + " with " + arguments + " arguments");
      }
      for (JsonNode argument : call.path("arguments")) {
        if (containsAggregate(argument.path("expression"))) {
          throw new Unsupported("a nested aggregate in " + name);
        }
      }
      String text =
          switch (name) {
            case "count_star", "count" ->
                "CAST(COALESCE(sum(" + quote(state(partial(call, name))) + "), 0) AS BIGINT)";
            case "sum", "min", "max" -> name + "(" + quote(state(partial(call, name))) + ")";
            case "avg", "mean" -> {
              int sum = partial(call, "sum");
              int count = partial(call, "count");
              yield "(CAST(sum("
                  + quote(state(sum))
                  + ") AS DOUBLE) / NULLIF(sum("
                  + quote(state(count))
                  + "), 0))";
            }
            default -> throw new Unsupported("aggregate " + name);
          };
      return serializeSelect(connection, "SELECT " + text).path("select_list").get(0);
    }

    /** Registers {@code call} as aggregate {@code name} among the partial states; its index. */
    private int partial(JsonNode call, String name) {
      ObjectNode state = ((ObjectNode) call).deepCopy();
      state.put("function_name", name);
      state.set("qualified_name", RelspecJson.mapper().createObjectNode().set("path", texts(name)));
      state.put("alias", "");
      JsonNode key = comparable(state);
      int known = partialKeys.indexOf(key);
      if (known >= 0) {
        return known;
      }
      partials.add(state);
      partialKeys.add(key);
      return partials.size() - 1;
    }
  }

  /** The file id column of the one table named {@code keyTable} in the FROM clause's joins. */
  private static JsonNode keyReference(JsonNode from, String keyTable, String keyColumn)
      throws Unsupported {
    List<JsonNode> tables = new ArrayList<>();
    collectTables(from, tables);
    JsonNode found = null;
    for (JsonNode table : tables) {
      if (tableName(table).equalsIgnoreCase(keyTable)) {
        if (found != null) {
          throw new Unsupported(keyTable + " is named more than once in FROM");
        }
        found = table;
      }
    }
    if (found == null) {
      throw new Unsupported(keyTable + " is not named in the FROM clause itself");
    }
    String alias = found.path("alias").asText("");
    ObjectNode reference = RelspecJson.mapper().createObjectNode();
    reference.put("class", "COLUMN_REF");
    reference.put("type", "COLUMN_REF");
    reference.put("alias", "");
    reference.set("column_names", texts(alias.isEmpty() ? tableName(found) : alias, keyColumn));
    return reference;
  }

  private static void collectTables(JsonNode from, List<JsonNode> tables) throws Unsupported {
    switch (from.path("type").asText("")) {
      case "BASE_TABLE" -> tables.add(from);
      case "JOIN" -> {
        collectTables(from.path("left"), tables);
        collectTables(from.path("right"), tables);
      }
      default -> {}
    }
  }

  private static String tableName(JsonNode table) {
    JsonNode path = table.path("qualified_name").path("path");
    if (path.size() > 0) {
      return String.join(".", texts(path));
    }
    return table.path("table_name").asText("");
  }

  private static boolean containsAggregate(JsonNode node) {
    if (node.isObject()) {
      if ("FUNCTION".equals(node.path("class").asText(""))
          && AGGREGATES.contains(node.path("function_name").asText("").toLowerCase(Locale.ROOT))) {
        return true;
      }
      for (JsonNode child : node) {
        if (containsAggregate(child)) {
          return true;
        }
      }
      return false;
    }
    if (node.isArray()) {
      for (JsonNode child : node) {
        if (containsAggregate(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isColumn(JsonNode node) {
    return "COLUMN_REF".equals(node.path("class").asText(""));
  }

  private static String lastName(JsonNode column) {
    JsonNode names = column.path("column_names");
    return names.size() == 0 ? "" : names.get(names.size() - 1).asText();
  }

  /** An expression without its alias and text positions, for structural comparison. */
  private static JsonNode comparable(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = RelspecJson.mapper().createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = field.getKey();
        if (!name.equals("alias") && !name.startsWith("query_location")) {
          copy.set(name, comparable(field.getValue()));
        }
      }
      if (copy.has("column_names")) {
        ArrayNode lower = RelspecJson.mapper().createArrayNode();
        copy.path("column_names").forEach(n -> lower.add(n.asText().toLowerCase(Locale.ROOT)));
        copy.set("column_names", lower);
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = RelspecJson.mapper().createArrayNode();
      node.forEach(child -> copy.add(comparable(child)));
      return copy;
    }
    return node;
  }

  private static JsonNode stripAlias(JsonNode expression) {
    ObjectNode copy = ((ObjectNode) expression).deepCopy();
    copy.put("alias", "");
    return copy;
  }

  private static JsonNode aliased(JsonNode expression, String alias) {
    ObjectNode copy = ((ObjectNode) expression).deepCopy();
    copy.put("alias", alias);
    return copy;
  }

  private static JsonNode columnReference(Connection connection, String name)
      throws SQLException, Unsupported {
    return serializeSelect(connection, "SELECT " + quote(name)).path("select_list").get(0);
  }

  private static ArrayNode groupSet(int size) {
    ArrayNode set = RelspecJson.mapper().createArrayNode();
    for (int i = 0; i < size; i++) {
      set.add(i);
    }
    ArrayNode sets = RelspecJson.mapper().createArrayNode();
    sets.add(set);
    return sets;
  }

  private static ArrayNode emptyArray() {
    return RelspecJson.mapper().createArrayNode();
  }

  private static ArrayNode texts(String... values) {
    ArrayNode array = RelspecJson.mapper().createArrayNode();
    for (String value : values) {
      array.add(value);
    }
    return array;
  }

  private static List<String> texts(JsonNode array) {
    List<String> result = new ArrayList<>();
    array.forEach(value -> result.add(value.asText()));
    return result;
  }

  private static JsonNode serializeSelect(Connection connection, String sql)
      throws SQLException, Unsupported {
    return serialize(connection, sql).path("statements").get(0).path("node");
  }

  private static ObjectNode serialize(Connection connection, String sql)
      throws SQLException, Unsupported {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      statement.setString(1, sql);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        JsonNode result = RelspecJson.mapper().readTree(rows.getString(1));
        if (result.path("error").asBoolean(true)) {
          throw new Unsupported(
              "DuckDB cannot serialize the statement: " + result.path("error_message").asText());
        }
        return (ObjectNode) result;
      }
    } catch (JsonProcessingException e) {
      throw new Unsupported("cannot read DuckDB's serialized statement: " + e.getMessage());
    }
  }

  private static String deserialize(Connection connection, ObjectNode envelope, JsonNode node)
      throws SQLException, Unsupported {
    ObjectNode copy = envelope.deepCopy();
    ObjectNode statement = ((ObjectNode) copy.path("statements").get(0)).deepCopy();
    statement.set("node", node);
    ArrayNode statements = RelspecJson.mapper().createArrayNode();
    statements.add(statement);
    copy.set("statements", statements);
    try (PreparedStatement deserialize =
        connection.prepareStatement("SELECT json_deserialize_sql(?::JSON)")) {
      deserialize.setString(1, RelspecJson.mapper().writeValueAsString(copy));
      try (ResultSet rows = deserialize.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    } catch (JsonProcessingException e) {
      throw new Unsupported("cannot write the rewritten statement: " + e.getMessage());
    }
  }
}
