package io.relspec.sql;

/**
 * How big a query the gate lets through to Calcite, whose validator and converters recurse once per
 * level of a query's tree: parentheses nested at most {@code maxNestingDepth} deep, and at most
 * {@code maxTerms} operators and set operations in all (each one a level of a chain such as {@code
 * a OR b OR …}). Beyond either, the query is refused as {@code TOO_LARGE} at the position where the
 * limit was passed, by the catalog at registration and by the compiler alike.
 *
 * <p>Set with {@code relspec.sql.max-nesting-depth} and {@code relspec.sql.max-terms} (or {@code
 * RELSPEC_SQL_MAX_NESTING_DEPTH}, {@code RELSPEC_SQL_MAX_TERMS}); every service reading task SQL
 * must use the same values.
 */
public record SqlLimits(int maxNestingDepth, int maxTerms) {
  public static final SqlLimits DEFAULT = new SqlLimits(200, 5_000);

  public SqlLimits {
    if (maxNestingDepth < 1 || maxTerms < 1) {
      throw new IllegalArgumentException("SQL limits must be positive");
    }
  }

  /** The configured limits, read once from MicroProfile Config when present, else the defaults. */
  static SqlLimits configured() {
    return Holder.CONFIGURED;
  }

  private static final class Holder {
    static final SqlLimits CONFIGURED = read();

    private static SqlLimits read() {
      try {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return new SqlLimits(
            config
                .getOptionalValue("relspec.sql.max-nesting-depth", Integer.class)
                .orElse(DEFAULT.maxNestingDepth()),
            config
                .getOptionalValue("relspec.sql.max-terms", Integer.class)
                .orElse(DEFAULT.maxTerms()));
      } catch (RuntimeException | LinkageError e) {
        // Outside a service (a library test), without a config implementation: the defaults.
        return DEFAULT;
      }
    }
  }
}
