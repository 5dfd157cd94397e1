package io.relspec.compiler.sql;

import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.spec.FunctionSpec;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.calcite.sql.SqlOperatorTable;

/**
 * What a task is validated against: the datasets it may read and the catalog's functions. A plan
 * catalog compile adds each task's output as soon as the task has compiled, in dependency order.
 */
public final class CompileEnvironment {
  private final Map<DatasetName, CompileInput> inputs = new HashMap<>();
  private final Map<String, CompileInput> byLowerName = new HashMap<>();
  private final SortedMap<String, FunctionSpec> functions;
  private final CatalogFunctions functionTable;

  public CompileEnvironment(Map<String, FunctionSpec> functions) {
    this.functions = Collections.unmodifiableSortedMap(new TreeMap<>(functions));
    this.functionTable = new CatalogFunctions(this.functions);
  }

  public void add(CompileInput input) {
    inputs.put(input.name(), input);
    byLowerName.put(input.name().value().toLowerCase(java.util.Locale.ROOT), input);
  }

  public Optional<CompileInput> input(DatasetName name) {
    return Optional.ofNullable(inputs.get(name));
  }

  /** Case-insensitive lookup, as DuckDB resolves table names. */
  Optional<CompileInput> lookup(String name) {
    return Optional.ofNullable(byLowerName.get(name.toLowerCase(java.util.Locale.ROOT)));
  }

  Map<DatasetName, CompileInput> inputs() {
    return inputs;
  }

  public SortedMap<String, FunctionSpec> functions() {
    return functions;
  }

  SqlOperatorTable functionTable() {
    return functionTable;
  }
}
