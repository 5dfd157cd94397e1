package io.relspec.executor.flightsql;

import static io.relspec.contracts.duckdb.DuckDbSql.quote;

import io.relspec.executor.store.DatasetStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/**
 * The catalog side of Flight SQL, as SQL tools browse it: no catalogs, the dotted namespaces of
 * dataset names as schemas, every dataset as a TABLE and every view task as a VIEW, each with its
 * columns when asked. The caller checks the reader role and resolves the scope (the newest
 * versions, or those of a run or snapshot).
 */
final class FlightSqlMetadata {
  private final DatasetStore store;
  private final AdHocQueries queries;
  private final BufferAllocator allocator;

  FlightSqlMetadata(DatasetStore store, AdHocQueries queries, BufferAllocator allocator) {
    this.store = store;
    this.queries = queries;
    this.allocator = allocator;
  }

  void catalogs(ServerStreamListener listener) {
    // Datasets live in no catalog; an empty list is the standard answer.
    try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_CATALOGS_SCHEMA, allocator)) {
      root.setRowCount(0);
      listener.start(root);
      listener.putNext();
      listener.completed();
    }
  }

  void schemas(
      FlightSql.CommandGetDbSchemas request, QueryNames.Scope scope, ServerStreamListener listener)
      throws SQLException {
    {
      Pattern filter =
          request.hasDbSchemaFilterPattern() ? like(request.getDbSchemaFilterPattern()) : null;
      TreeSet<String> schemas = new TreeSet<>();
      for (TableName table : tables(scope)) {
        if (table.schema() != null
            && (filter == null || filter.matcher(table.schema()).matches())) {
          schemas.add(table.schema());
        }
      }
      try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_SCHEMAS_SCHEMA, allocator)) {
        VarCharVector schemaNames = (VarCharVector) root.getVector("db_schema_name");
        int row = 0;
        for (String schema : schemas) {
          schemaNames.setSafe(row++, new Text(schema));
        }
        root.setRowCount(row);
        listener.start(root);
        listener.putNext();
        listener.completed();
      }
    }
  }

  void tables(
      FlightSql.CommandGetTables request, QueryNames.Scope scope, ServerStreamListener listener)
      throws SQLException {
    {
      if (request.hasCatalog() && !request.getCatalog().isEmpty()) {
        sendTables(List.of(), request.getIncludeSchema(), null, listener);
        return;
      }
      Pattern schemaFilter =
          request.hasDbSchemaFilterPattern() ? like(request.getDbSchemaFilterPattern()) : null;
      Pattern tableFilter =
          request.hasTableNameFilterPattern() ? like(request.getTableNameFilterPattern()) : null;
      List<String> types =
          request.getTableTypesList().stream().map(t -> t.toUpperCase(Locale.ROOT)).toList();
      List<TableName> selected = new ArrayList<>();
      for (TableName table : tables(scope)) {
        boolean schemaMatches =
            schemaFilter == null
                || (table.schema() != null && schemaFilter.matcher(table.schema()).matches());
        if (schemaMatches
            && (tableFilter == null || tableFilter.matcher(table.table()).matches())
            && (types.isEmpty() || types.contains(table.type()))) {
          selected.add(table);
        }
      }
      sendTables(selected, request.getIncludeSchema(), scope, listener);
    }
  }

  private void sendTables(
      List<TableName> tables,
      boolean includeSchema,
      QueryNames.Scope scope,
      ServerStreamListener listener)
      throws SQLException {
    Schema shape = includeSchema ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(shape, allocator)) {
      VarCharVector schemaNames = (VarCharVector) root.getVector("db_schema_name");
      VarCharVector tableNames = (VarCharVector) root.getVector("table_name");
      VarCharVector tableTypes = (VarCharVector) root.getVector("table_type");
      VarBinaryVector tableSchemas =
          includeSchema ? (VarBinaryVector) root.getVector("table_schema") : null;
      int row = 0;
      for (TableName table : tables) {
        if (table.schema() != null) {
          schemaNames.setSafe(row, new Text(table.schema()));
        }
        tableNames.setSafe(row, new Text(table.table()));
        tableTypes.setSafe(row, new Text(table.type()));
        if (tableSchemas != null) {
          tableSchemas.setSafe(row, tableSchema(table, scope).serializeAsMessage());
        }
        row++;
      }
      root.setRowCount(row);
      listener.start(root);
      listener.putNext();
      listener.completed();
    }
  }

  void tableTypes(ServerStreamListener listener) {
    try (VectorSchemaRoot root =
        VectorSchemaRoot.create(Schemas.GET_TABLE_TYPES_SCHEMA, allocator)) {
      VarCharVector types = (VarCharVector) root.getVector("table_type");
      types.setSafe(0, new Text("TABLE"));
      types.setSafe(1, new Text("VIEW"));
      root.setRowCount(2);
      listener.start(root);
      listener.putNext();
      listener.completed();
    }
  }

  /** A dataset or view as SQL tools see it. */
  private record TableName(String key, String schema, String table, String type) {}

  private static List<TableName> tables(QueryNames.Scope scope) {
    List<TableName> tables = new ArrayList<>();
    for (String key : scope.datasets().keySet()) {
      tables.add(tableName(key, "TABLE"));
    }
    for (String key : scope.views().keySet()) {
      if (!scope.datasets().containsKey(key)) {
        tables.add(tableName(key, "VIEW"));
      }
    }
    tables.sort(
        java.util.Comparator.comparing((TableName t) -> t.schema() == null ? "" : t.schema())
            .thenComparing(TableName::table));
    return tables;
  }

  private static TableName tableName(String key, String type) {
    int dot = key.lastIndexOf('.');
    return dot < 0
        ? new TableName(key, null, key, type)
        : new TableName(key, key.substring(0, dot), key.substring(dot + 1), type);
  }

  /** A table's columns: stored datasets from the store, the rest from binding a scan of them. */
  private Schema tableSchema(TableName table, QueryNames.Scope scope) throws SQLException {
    QueryNames.Located located = scope.datasets().get(table.key());
    if (located != null && located.local()) {
      try (DatasetStore.Export export =
          store.export(located.dataset(), located.version(), null, allocator, 1)) {
        return export.reader().getVectorSchemaRoot().getSchema();
      } catch (SQLException e) {
        throw e;
      } catch (Exception e) {
        throw new SQLException("cannot read the schema of '" + table.key() + "'", e);
      }
    }
    String reference =
        table.schema() == null
            ? quote(table.table())
            : quote(table.schema()) + "." + quote(table.table());
    return queries.schema("SELECT * FROM " + reference, scope);
  }

  /** SQL LIKE ({@code %}, {@code _}, backslash escapes) as a regular expression. */
  static Pattern like(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  }
}
