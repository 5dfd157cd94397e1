package io.relspec.cli.commands;

import java.io.PrintWriter;

/**
 * A one-line progress display: rewritten in place on a terminal, printed at most every few seconds
 * otherwise (logs and pipes).
 */
final class Progress {
  private static final long LOG_EVERY_NANOS = 5_000_000_000L;
  static final boolean TERMINAL = System.console() != null;

  private final PrintWriter out;
  private final String label;
  private long rows;
  private long lastShown;
  private int lastWidth;

  Progress(PrintWriter out, String label) {
    this.out = out;
    this.label = label;
  }

  void rows(long sent) {
    rows = sent;
    show(String.format("%s: %,d rows", label, rows), false);
  }

  long rows() {
    return rows;
  }

  /** Shows {@code text} now if on a terminal, or if forced, or if the last line is old enough. */
  void show(String text, boolean force) {
    long now = System.nanoTime();
    if (TERMINAL) {
      String padded = text + " ".repeat(Math.max(0, lastWidth - text.length()));
      out.print("\r" + padded);
      out.flush();
      lastWidth = text.length();
    } else if (force || now - lastShown > LOG_EVERY_NANOS) {
      out.println(text);
      out.flush();
      lastShown = now;
    }
  }

  void done() {
    if (TERMINAL && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      out.flush();
    }
  }

  static String duration(long nanos) {
    long millis = nanos / 1_000_000;
    return millis < 10_000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
  }
}
