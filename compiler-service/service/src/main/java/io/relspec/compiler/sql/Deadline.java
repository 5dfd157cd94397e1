package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;
import java.time.Duration;

/**
 * The time a compile may take. Each phase and every plan node visited checks it, so a compile that
 * runs past the limit stops at the next check with {@code TIMEOUT}.
 */
public final class Deadline {
  private final long limitNanos;
  private final long endNanos;

  private Deadline(long limitNanos) {
    this.limitNanos = limitNanos;
    this.endNanos = System.nanoTime() + limitNanos;
  }

  public static Deadline after(Duration limit) {
    return new Deadline(limit.toNanos());
  }

  public static Deadline none() {
    return new Deadline(Long.MAX_VALUE / 4);
  }

  public void check() throws SqlCompileException {
    if (System.nanoTime() - endNanos > 0 || Thread.currentThread().isInterrupted()) {
      throw new SqlCompileException(
          CompilerErrorCode.TIMEOUT,
          "compilation took longer than the limit of " + Duration.ofNanos(limitNanos),
          null,
          null);
    }
  }
}
