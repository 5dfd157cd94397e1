package io.relspec.scheduler.runs;

import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.messaging.TaskRunRequested;
import java.util.List;

/**
 * Restricts a file-scopable task's SQL to some file ids. The compiler proved that every output row
 * of such a task comes from input rows of the same file id, so filtering the output by file id is
 * exact, and DuckDB pushes the filter down to the scans. Short lists become an {@code IN} list;
 * longer ones a semi-join with the parameter table the executor fills from the request's file ids.
 */
final class FileScopedSql {
  private FileScopedSql() {}

  static String restrict(
      String sql, String fileIdColumn, ArrowType columnType, List<String> fileIds, int threshold) {
    if (fileIds.isEmpty()) {
      throw new IllegalArgumentException("a scoped run names at least one file id");
    }
    String column = "\"relspec_scoped\"." + quoteIdentifier(fileIdColumn);
    boolean text =
        columnType == null
            || "utf8".equals(columnType.toString())
            || "large_utf8".equals(columnType.toString());
    String compared = text ? column : "CAST(" + column + " AS VARCHAR)";
    StringBuilder out =
        new StringBuilder("SELECT \"relspec_scoped\".* FROM (\n")
            .append(sql)
            .append("\n) AS \"relspec_scoped\" WHERE ")
            .append(compared)
            .append(" IN (");
    if (fileIds.size() <= threshold) {
      for (int i = 0; i < fileIds.size(); i++) {
        out.append(i == 0 ? "" : ", ").append(quoteLiteral(fileIds.get(i)));
      }
    } else {
      out.append("SELECT ")
          .append(quoteIdentifier(TaskRunRequested.FILE_SCOPE_COLUMN))
          .append(" FROM ")
          .append(quoteIdentifier(TaskRunRequested.FILE_SCOPE_TABLE));
    }
    return out.append(')').toString();
  }

  static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String quoteLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
