package io.relspec.catalog.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relspec.contracts.api.CatalogSnapshot;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TaskTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Catalog specs as Arrow tables: one row per spec, a {@code name} column first, then one column per
 * JSON field of the spec under the same name (nested lists, structs and string maps included). The
 * schema of each table is declared once here; encoding and decoding are generic over it, so a table
 * decodes back to exactly the specs it was written from.
 */
public final class SpecTables {
  public static final String MEDIA_TYPE = "application/vnd.apache.arrow.stream";

  private SpecTables() {}

  /** The exportable tables, named as in {@code GET /snapshots/{id}/arrow/{table}}. */
  public enum Table {
    DATASETS(
        DatasetContract.class,
        List.of(
            struct(
                "schema",
                false,
                list(
                    "fields",
                    struct(
                        "item",
                        false,
                        utf8("name", false),
                        utf8("type", false),
                        bool("nullable"),
                        stringMap("metadata")))),
            utf8("fileIdColumn", true),
            utf8("description", true),
            stringMap("metadata"))),
    FUNCTIONS(
        FunctionSpec.class,
        List.of(
            list("parameters", struct("item", false, utf8("name", false), utf8("type", false))),
            utf8("returns", false),
            utf8("expression", false))),
    TEMPLATES(
        TaskTemplate.class,
        List.of(
            list("parameters", struct("item", false, utf8("name", false), utf8("kind", false))),
            utf8("sql", false),
            utf8("kind", true))),
    TASKS(
        TaskSpec.class,
        List.of(
            utf8("output", false),
            utf8("sql", false),
            utf8("kind", false),
            utf8("cachePolicy", false),
            new Field("priority", FieldType.notNullable(new ArrowType.Int(32, true)), null),
            utf8("domain", true),
            utf8("bundle", true),
            stringMap("metadata"),
            utf8("origin", false)));

    private final Class<?> type;
    private final Schema schema;

    Table(Class<?> type, List<Field> fields) {
      this.type = type;
      Field[] all = new Field[fields.size() + 1];
      all[0] = utf8("name", false);
      for (int i = 0; i < fields.size(); i++) {
        all[i + 1] = fields.get(i);
      }
      this.schema = new Schema(Arrays.asList(all));
    }

    public Schema schema() {
      return schema;
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Table fromWireName(String name) {
      for (Table table : values()) {
        if (table.wireName().equals(name)) {
          return table;
        }
      }
      return null;
    }

    Map<String, ?> rows(CatalogSnapshot snapshot) {
      Map<String, Object> rows = new TreeMap<>();
      switch (this) {
        case DATASETS -> snapshot.datasets().forEach((k, v) -> rows.put(k.value(), v));
        case FUNCTIONS -> rows.putAll(snapshot.functions());
        case TEMPLATES -> rows.putAll(snapshot.templates());
        case TASKS -> snapshot.tasks().forEach((k, v) -> rows.put(k.value(), v));
      }
      return rows;
    }
  }

  /** Writes one table of {@code snapshot} as an Arrow IPC stream (one batch). */
  public static void write(CatalogSnapshot snapshot, Table table, OutputStream out)
      throws IOException {
    Map<String, ?> rows = table.rows(snapshot);
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), allocator)) {
      root.allocateNew();
      int index = 0;
      for (Map.Entry<String, ?> row : rows.entrySet()) {
        ObjectNode json = RelspecJson.mapper().valueToTree(row.getValue());
        json.put("name", row.getKey());
        for (FieldVector vector : root.getFieldVectors()) {
          writeValue(vector, index, json.get(vector.getName()));
        }
        index++;
      }
      root.setRowCount(index);
      try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
    }
  }

  /** Reads a stream written by {@link #write} back into specs, by name. */
  public static SortedMap<String, Object> read(Table table, InputStream in) throws IOException {
    SortedMap<String, Object> specs = new TreeMap<>();
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      if (!root.getSchema().equals(table.schema())) {
        throw new IOException("stream schema is not the schema of " + table.wireName());
      }
      while (reader.loadNextBatch()) {
        for (int index = 0; index < root.getRowCount(); index++) {
          ObjectNode json = JsonNodeFactory.instance.objectNode();
          for (FieldVector vector : root.getFieldVectors()) {
            json.set(vector.getName(), readValue(vector, index));
          }
          String name = json.remove("name").asText();
          try {
            specs.put(name, RelspecJson.mapper().treeToValue(json, table.type));
          } catch (JsonProcessingException e) {
            throw new IOException("row '" + name + "' does not decode: " + e.getMessage(), e);
          }
        }
      }
    }
    return specs;
  }

  private static void writeValue(FieldVector vector, int index, JsonNode value) {
    if (value == null || value.isNull()) {
      if (vector instanceof MapVector map) {
        map.startNewValue(index);
        map.endValue(index, 0);
        return;
      }
      setNull(vector, index);
      return;
    }
    switch (vector) {
      case VarCharVector text ->
          text.setSafe(index, value.asText().getBytes(StandardCharsets.UTF_8));
      case IntVector number -> number.setSafe(index, value.asInt());
      case BitVector flag -> flag.setSafe(index, value.asBoolean() ? 1 : 0);
      case MapVector map -> {
        StructVector entries = (StructVector) map.getDataVector();
        int start = map.startNewValue(index);
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); n++) {
          Map.Entry<String, JsonNode> entry = it.next();
          entries.setIndexDefined(start + n);
          writeValue(
              (FieldVector) entries.getChild("key"),
              start + n,
              JsonNodeFactory.instance.textNode(entry.getKey()));
          writeValue((FieldVector) entries.getChild("value"), start + n, entry.getValue());
        }
        map.endValue(index, n);
      }
      case ListVector list -> {
        FieldVector items = list.getDataVector();
        int start = list.startNewValue(index);
        for (int i = 0; i < value.size(); i++) {
          writeValue(items, start + i, value.get(i));
        }
        list.endValue(index, value.size());
      }
      case StructVector struct -> {
        struct.setIndexDefined(index);
        for (FieldVector child : struct.getChildrenFromFields()) {
          writeValue(child, index, value.get(child.getName()));
        }
      }
      default ->
          throw new IllegalStateException("no encoder for " + vector.getClass().getSimpleName());
    }
  }

  private static void setNull(FieldVector vector, int index) {
    switch (vector) {
      case VarCharVector text -> text.setNull(index);
      case IntVector number -> number.setNull(index);
      case BitVector flag -> flag.setNull(index);
      case ListVector list -> list.setNull(index);
      case StructVector struct -> struct.setNull(index);
      default ->
          throw new IllegalStateException("no encoder for " + vector.getClass().getSimpleName());
    }
  }

  private static JsonNode readValue(FieldVector vector, int index) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    if (vector.isNull(index)) {
      return json.nullNode();
    }
    return switch (vector) {
      case VarCharVector text -> json.textNode(new String(text.get(index), StandardCharsets.UTF_8));
      case IntVector number -> json.numberNode(number.get(index));
      case BitVector flag -> json.booleanNode(flag.get(index) == 1);
      case MapVector map -> {
        StructVector entries = (StructVector) map.getDataVector();
        ObjectNode object = json.objectNode();
        for (int i = map.getElementStartIndex(index); i < map.getElementEndIndex(index); i++) {
          object.set(
              readValue((FieldVector) entries.getChild("key"), i).asText(),
              readValue((FieldVector) entries.getChild("value"), i));
        }
        yield object;
      }
      case ListVector list -> {
        ArrayNode array = json.arrayNode();
        for (int i = list.getElementStartIndex(index); i < list.getElementEndIndex(index); i++) {
          array.add(readValue(list.getDataVector(), i));
        }
        yield array;
      }
      case StructVector struct -> {
        ObjectNode object = json.objectNode();
        for (FieldVector child : struct.getChildrenFromFields()) {
          object.set(child.getName(), readValue(child, index));
        }
        yield object;
      }
      default ->
          throw new IllegalStateException("no decoder for " + vector.getClass().getSimpleName());
    };
  }

  private static Field utf8(String name, boolean nullable) {
    return new Field(
        name,
        nullable
            ? FieldType.nullable(new ArrowType.Utf8())
            : FieldType.notNullable(new ArrowType.Utf8()),
        null);
  }

  private static Field bool(String name) {
    return new Field(name, FieldType.notNullable(new ArrowType.Bool()), null);
  }

  private static Field list(String name, Field item) {
    return new Field(name, FieldType.notNullable(new ArrowType.List()), List.of(item));
  }

  private static Field struct(String name, boolean nullable, Field... children) {
    return new Field(
        name,
        nullable
            ? FieldType.nullable(new ArrowType.Struct())
            : FieldType.notNullable(new ArrowType.Struct()),
        List.of(children));
  }

  private static Field stringMap(String name) {
    return new Field(
        name,
        FieldType.notNullable(new ArrowType.Map(false)),
        List.of(
            new Field(
                "entries",
                FieldType.notNullable(new ArrowType.Struct()),
                List.of(utf8("key", false), utf8("value", true)))));
  }
}
