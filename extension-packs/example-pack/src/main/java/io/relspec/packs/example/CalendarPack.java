package io.relspec.packs.example;

import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.FunctionSpec;
import io.relspec.contracts.spec.TaskBundle;
import io.relspec.contracts.spec.TaskKind;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spi.TaskBundleProvider;
import java.util.List;
import java.util.Map;

/**
 * An example extension pack: a calendar dimension and a fiscal-quarter function. Listed in {@code
 * META-INF/services/io.relspec.contracts.spi.TaskBundleProvider}; a catalog with this jar on its
 * class path registers bundle {@code example.calendar} at start-up.
 */
public final class CalendarPack implements TaskBundleProvider {
  @Override
  public TaskBundle bundle() {
    return new TaskBundle(
        "example.calendar",
        "1.0.0",
        "reference",
        Map.of(),
        Map.of(
            "fiscal_quarter",
            new FunctionSpec(
                List.of(new FunctionSpec.Parameter("m", ArrowType.parse("int32"))),
                ArrowType.parse("int32"),
                "CAST((m + 2) / 3 AS INTEGER)")),
        Map.of(),
        Map.of(
            TaskName.of("example.calendar_months"),
            new TaskSpec(
                null,
                "SELECT m AS month_number, fiscal_quarter(m) AS fiscal_q"
                    + " FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12))"
                    + " AS months (m)",
                TaskKind.MATERIALIZATION,
                null,
                null,
                null,
                null,
                Map.of("owner", "platform"),
                null)));
  }
}
