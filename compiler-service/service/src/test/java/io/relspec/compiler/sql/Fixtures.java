package io.relspec.compiler.sql;

import io.relspec.compiler.plans.PlanCompiler;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.DatasetContract;
import io.relspec.contracts.spec.FunctionSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A small shop catalog the compiler tests share: three sources and one catalog function. */
public final class Fixtures {
  private Fixtures() {}

  public static final Map<DatasetName, DatasetContract> SOURCES = sources();

  public static final Map<String, FunctionSpec> FUNCTIONS =
      Map.of(
          "cents",
          new FunctionSpec(
              List.of(new FunctionSpec.Parameter("amount", ArrowType.parse("decimal(10,2)"))),
              ArrowType.parse("int64"),
              "CAST(amount * 100 AS BIGINT)"));

  private static Map<DatasetName, DatasetContract> sources() {
    Map<DatasetName, DatasetContract> sources = new TreeMap<>();
    sources.put(
        DatasetName.of("orders"),
        contract(
            "file_id",
            ArrowField.of("id", "int64", false),
            ArrowField.of("customer_id", "int64", true),
            ArrowField.of("amount", "decimal(10,2)", true),
            ArrowField.of("status", "utf8", true),
            ArrowField.of("ordered_at", "timestamp[us]", true),
            ArrowField.of("file_id", "utf8", false)));
    sources.put(
        DatasetName.of("items"),
        contract(
            "file_id",
            ArrowField.of("order_id", "int64", false),
            ArrowField.of("sku", "utf8", false),
            ArrowField.of("qty", "int32", true),
            ArrowField.of("price", "float64", true),
            ArrowField.of("file_id", "utf8", false)));
    sources.put(
        DatasetName.of("customers"),
        contract(
            null,
            ArrowField.of("id", "int64", false),
            ArrowField.of("name", "utf8", true),
            ArrowField.of("region", "utf8", true)));
    return sources;
  }

  private static DatasetContract contract(String fileId, ArrowField... fields) {
    return new DatasetContract(new ArrowSchema(List.of(fields)), fileId, null, null);
  }

  public static CompileEnvironment environment() {
    return PlanCompiler.environment(SOURCES, FUNCTIONS);
  }

  public static CompiledQuery compile(String sql) throws SqlCompileException {
    return new QueryCompiler().compile(sql, environment(), Deadline.none());
  }
}
