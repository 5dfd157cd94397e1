package io.relspec.bench.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated measurements of one figure: median with min and max. */
final class Samples {
  private final List<Double> values = new ArrayList<>();

  void add(double value) {
    values.add(value);
  }

  int size() {
    return values.size();
  }

  double median() {
    List<Double> sorted = sorted();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return sorted().get(0);
  }

  double max() {
    return sorted().get(values.size() - 1);
  }

  private List<Double> sorted() {
    if (values.isEmpty()) {
      throw new IllegalStateException("no samples");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted;
  }

  /** {@code median (min–max)} in the unit's own format. */
  String format(String pattern) {
    return String.format(pattern, median())
        + " ("
        + String.format(pattern, min())
        + "–"
        + String.format(pattern, max())
        + ")";
  }
}
