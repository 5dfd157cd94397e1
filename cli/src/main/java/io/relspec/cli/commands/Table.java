package io.relspec.cli.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table with aligned columns; numbers align right. */
public final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... header) {
    this.header = List.of(header);
  }

  public Table(List<String> header) {
    this.header = List.copyOf(header);
  }

  public Table row(String... cells) {
    rows.add(Arrays.asList(cells));
    return this;
  }

  public Table row(List<String> cells) {
    rows.add(new ArrayList<>(cells));
    return this;
  }

  public int size() {
    return rows.size();
  }

  public void print(PrintWriter out) {
    int[] widths = new int[header.size()];
    boolean[] numeric = new boolean[header.size()];
    Arrays.fill(numeric, !rows.isEmpty());
    for (int c = 0; c < header.size(); c++) {
      widths[c] = header.get(c).length();
    }
    for (List<String> row : rows) {
      for (int c = 0; c < header.size(); c++) {
        String cell = c < row.size() && row.get(c) != null ? row.get(c) : "";
        widths[c] = Math.max(widths[c], cell.length());
        if (!cell.isEmpty() && !cell.matches("-?[0-9][0-9,.]*( ms| s)?")) {
          numeric[c] = false;
        }
      }
    }
    out.println(line(header, widths, new boolean[header.size()]));
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      rule.append(c == 0 ? "" : "  ").append("-".repeat(widths[c]));
    }
    out.println(rule);
    for (List<String> row : rows) {
      out.println(line(row, widths, numeric));
    }
    out.flush();
  }

  private static String line(List<String> cells, int[] widths, boolean[] numeric) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      String cell = c < cells.size() && cells.get(c) != null ? cells.get(c) : "";
      if (c > 0) {
        line.append("  ");
      }
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(numeric[c] ? pad + cell : cell + (c == widths.length - 1 ? "" : pad));
    }
    return line.toString();
  }
}
