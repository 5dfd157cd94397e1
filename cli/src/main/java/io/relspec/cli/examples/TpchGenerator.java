package io.relspec.cli.examples;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The eight TPC-H tables at a scale factor, generated in process by the Java port of dbgen
 * (io.trino.tpch), one Arrow IPC file each. Money and quantities are float64, dates date32, keys
 * int64; column names are dbgen's ({@code l_orderkey}, {@code o_orderdate}, ...).
 */
public final class TpchGenerator {
  private TpchGenerator() {}

  /** Rows written per table. */
  public static Map<String, Long> write(
      double scaleFactor, Path directory, BufferAllocator allocator) throws IOException {
    if (!(scaleFactor > 0 && scaleFactor <= 100)) {
      throw new IllegalArgumentException("scale factor must be in (0, 100], got " + scaleFactor);
    }
    Files.createDirectories(directory);
    Map<String, Long> rows = new LinkedHashMap<>();
    for (TpchTable<?> table : TpchTable.getTables()) {
      rows.put(table.getTableName(), writeTable(table, scaleFactor, directory, allocator));
    }
    return rows;
  }

  /** The Arrow type names of a table's columns, in order ("l_orderkey:int64", ...). */
  public static List<String> columns(TpchTable<?> table) {
    List<String> columns = new ArrayList<>();
    for (TpchColumn<?> column : table.getColumns()) {
      columns.add(column.getColumnName() + ":" + arrowType(column));
    }
    return columns;
  }

  private static <E extends TpchEntity> long writeTable(
      TpchTable<E> table, double scaleFactor, Path directory, BufferAllocator allocator)
      throws IOException {
    List<TpchColumn<E>> columns = table.getColumns();
    try (EvidenceTable out =
        new EvidenceTable(
            directory.resolve(table.getTableName() + ".arrow"),
            allocator,
            columns(table).toArray(String[]::new))) {
      Object[] values = new Object[columns.size()];
      for (E row : table.createGenerator(scaleFactor, 1, 1)) {
        for (int c = 0; c < values.length; c++) {
          TpchColumn<E> column = columns.get(c);
          values[c] =
              switch (column.getType().getBase()) {
                case IDENTIFIER -> column.getIdentifier(row);
                case INTEGER -> column.getInteger(row);
                case DOUBLE -> column.getDouble(row);
                case DATE -> column.getDate(row);
                case VARCHAR -> column.getString(row);
              };
        }
        out.add(values);
      }
      return out.rows();
    }
  }

  private static String arrowType(TpchColumn<?> column) {
    return switch (column.getType().getBase()) {
      case IDENTIFIER -> "int64";
      case INTEGER -> "int32";
      case DOUBLE -> "float64";
      case DATE -> "date32";
      case VARCHAR -> "utf8";
    };
  }
}
