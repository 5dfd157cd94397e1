package io.relspec.contracts.spec;

import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.DatasetName;
import java.util.Map;
import java.util.Objects;

/**
 * A SQL transformation: one SELECT producing {@code output}. Dependencies are never declared; the
 * compiler infers them from the SQL.
 */
public record TaskSpec(
    DatasetName output,
    String sql,
    TaskKind kind,
    CachePolicy cachePolicy,
    Integer priority,
    String domain,
    String bundle,
    Map<String, String> metadata) {
  public static final int DEFAULT_PRIORITY = 100;
  public static final int MAX_SQL_LENGTH = 1_000_000;

  public TaskSpec {
    Objects.requireNonNull(sql, "sql is null");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("sql must not be blank");
    }
    if (sql.length() > MAX_SQL_LENGTH) {
      throw new IllegalArgumentException("sql is longer than " + MAX_SQL_LENGTH + " characters");
    }
    kind = kind == null ? TaskKind.COMPUTE : kind;
    cachePolicy = cachePolicy == null ? CachePolicy.SESSION : cachePolicy;
    priority = priority == null ? DEFAULT_PRIORITY : priority;
    metadata = Collections2.sortedCopy(metadata);
  }

  /** A compute task with defaults, for tests and examples. */
  public static TaskSpec compute(DatasetName output, String sql) {
    return new TaskSpec(output, sql, null, null, null, null, null, null);
  }
}
