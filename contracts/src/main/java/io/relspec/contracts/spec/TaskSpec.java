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
    Map<String, String> metadata,
    TaskOrigin origin) {
  public static final int DEFAULT_PRIORITY = 100;

  /** Largest accepted SQL text, in UTF-8 bytes; larger gets 413 from the catalog. */
  public static final int MAX_SQL_BYTES = 256 * 1024;

  public TaskSpec {
    Objects.requireNonNull(sql, "sql is null");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("sql must not be blank");
    }
    kind = kind == null ? TaskKind.COMPUTE : kind;
    cachePolicy = cachePolicy == null ? CachePolicy.SESSION : cachePolicy;
    priority = priority == null ? DEFAULT_PRIORITY : priority;
    metadata = Collections2.sortedCopy(metadata);
    origin = origin == null ? TaskOrigin.API : origin;
  }

  /** The same task with its output, bundle, domain and origin set by the catalog. */
  public TaskSpec placed(DatasetName output, String domain, String bundle, TaskOrigin origin) {
    return new TaskSpec(output, sql, kind, cachePolicy, priority, domain, bundle, metadata, origin);
  }

  /** A compute task with defaults, for tests and examples. */
  public static TaskSpec compute(DatasetName output, String sql) {
    return new TaskSpec(output, sql, null, null, null, null, null, null, null);
  }
}
