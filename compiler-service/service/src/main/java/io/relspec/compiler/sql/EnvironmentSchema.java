package io.relspec.compiler.sql;

import java.util.HashMap;
import java.util.Map;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * The datasets of a {@link CompileEnvironment} as Calcite tables. With {@code expandViews}, a
 * {@code view} task is a table that expands to its own plan, so readers' plans (and their physical
 * inputs and fingerprints) contain the view inlined; without it, a view is a table like any other,
 * which is how lineage names it.
 */
final class EnvironmentSchema extends AbstractSchema {
  private final CompileEnvironment environment;
  private final boolean expandViews;
  private Map<String, Table> tables;

  EnvironmentSchema(CompileEnvironment environment, boolean expandViews) {
    this.environment = environment;
    this.expandViews = expandViews;
  }

  @Override
  protected Map<String, Table> getTableMap() {
    if (tables != null) {
      return tables;
    }
    tables = new HashMap<>();
    environment
        .inputs()
        .forEach(
            (name, input) ->
                tables.put(
                    name.value(),
                    expandViews && input.isView()
                        ? new ViewInput(input)
                        : new DatasetInput(input)));
    return tables;
  }

  /** A source or materialized task output. */
  static class DatasetInput extends AbstractTable {
    final CompileInput input;

    DatasetInput(CompileInput input) {
      this.input = input;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return CalciteTypes.rowType(typeFactory, input.schema());
    }
  }

  /** A view task, inlined where it is read. */
  static final class ViewInput extends DatasetInput implements TranslatableTable {
    ViewInput(CompileInput input) {
      super(input);
    }

    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
      return context
          .expandView(
              relOptTable.getRowType(),
              input.viewSql(),
              java.util.List.of(),
              java.util.List.of(input.name().value()))
          .project();
    }
  }
}
