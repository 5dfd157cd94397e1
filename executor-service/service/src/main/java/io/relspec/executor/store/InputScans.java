package io.relspec.executor.store;

import io.relspec.contracts.model.DatasetName;
import io.relspec.executor.sql.SelectStatement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * How often a task's SQL scans an imported input, read from DuckDB's parse of the task and of the
 * views it reads: an Arrow stream can be scanned once and has no push-down, so an input scanned
 * more than once, or under a join, is copied into a temporary table first.
 */
final class InputScans {
  private InputScans() {}

  /**
   * Whether {@code name} is read by exactly one plain scan once the views are expanded: named once
   * in all the statements, counting a view's statement as many times as the view is scanned, and no
   * statement on the way from that reference up to the task holds a join, a sub-query or a CTE
   * (DuckDB may scan either of those more than once, or inline a CTE at each use).
   */
  static boolean scannedOnce(
      String name, SelectStatement task, List<SelectStatement> views, List<DatasetName> viewNames) {
    Map<SelectStatement, Integer> scans = new IdentityHashMap<>();
    SelectStatement reader = null;
    int references = 0;
    for (SelectStatement statement : prepend(task, views)) {
      int here = statement.references(name) * scansOf(statement, task, views, viewNames, scans);
      references += here;
      if (here > 0) {
        reader = statement;
      }
    }
    while (references == 1 && plainScan(reader)) {
      int at = views.indexOf(reader);
      if (at < 0) {
        return true;
      }
      SelectStatement next = null;
      for (SelectStatement statement : prepend(task, views)) {
        if (statement.references(viewNames.get(at).value()) > 0
            && scansOf(statement, task, views, viewNames, scans) > 0) {
          next = statement;
        }
      }
      reader = next;
    }
    return false;
  }

  static boolean plainScan(SelectStatement statement) {
    return statement != null
        && statement.joins() == 0
        && statement.subqueries() == 0
        && statement.ctes() == 0;
  }

  /** How many times a statement runs: once for the task, once per scan of a view's name. */
  static int scansOf(
      SelectStatement statement,
      SelectStatement task,
      List<SelectStatement> views,
      List<DatasetName> viewNames,
      Map<SelectStatement, Integer> memo) {
    if (statement == task) {
      return 1;
    }
    Integer known = memo.get(statement);
    if (known != null) {
      return known;
    }
    memo.put(statement, 0); // views read only views bound before them; this guards a cycle anyway
    String view = viewNames.get(views.indexOf(statement)).value();
    int scans = 0;
    for (SelectStatement reader : prepend(task, views)) {
      if (reader != statement) {
        int here = reader.references(view);
        scans += here == 0 ? 0 : here * scansOf(reader, task, views, viewNames, memo);
      }
    }
    memo.put(statement, scans);
    return scans;
  }

  static List<SelectStatement> prepend(SelectStatement first, List<SelectStatement> rest) {
    List<SelectStatement> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
