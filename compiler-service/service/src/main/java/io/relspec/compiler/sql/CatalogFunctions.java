package io.relspec.compiler.sql;

import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.spec.FunctionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFactoryImpl;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeTransforms;
import org.apache.calcite.sql.validate.SqlNameMatcher;

/**
 * The catalog's scalar functions as Calcite operators, typed by their declared parameters and
 * return type.
 */
final class CatalogFunctions implements SqlOperatorTable {
  private static final RelDataTypeFactory FAMILY_TYPES =
      new SqlTypeFactoryImpl(RelDataTypeSystem.DEFAULT);

  private final Map<String, CatalogFunction> byName = new java.util.HashMap<>();

  CatalogFunctions(Map<String, FunctionSpec> functions) {
    functions.forEach(
        (name, spec) -> byName.put(name.toLowerCase(Locale.ROOT), new CatalogFunction(name, spec)));
  }

  @Override
  public void lookupOperatorOverloads(
      SqlIdentifier opName,
      SqlFunctionCategory category,
      SqlSyntax syntax,
      List<SqlOperator> operatorList,
      SqlNameMatcher nameMatcher) {
    if (syntax != SqlSyntax.FUNCTION && syntax != SqlSyntax.FUNCTION_ID) {
      return;
    }
    CatalogFunction function = byName.get(String.join(".", opName.names).toLowerCase(Locale.ROOT));
    if (function != null) {
      operatorList.add(function);
    }
  }

  @Override
  public List<SqlOperator> getOperatorList() {
    return new ArrayList<>(byName.values());
  }

  /** One catalog function; {@link #spec()} is part of the fingerprint of every plan calling it. */
  static final class CatalogFunction extends SqlFunction {
    private final FunctionSpec spec;

    CatalogFunction(String name, FunctionSpec spec) {
      super(
          name,
          SqlKind.OTHER_FUNCTION,
          ReturnTypes.explicit(factory -> CalciteTypes.toSql(factory, spec.returns(), true))
              .andThen(SqlTypeTransforms.TO_NULLABLE),
          null,
          OperandTypes.family(families(spec)),
          SqlFunctionCategory.USER_DEFINED_FUNCTION);
      this.spec = spec;
    }

    FunctionSpec spec() {
      return spec;
    }

    private static List<SqlTypeFamily> families(FunctionSpec spec) {
      List<SqlTypeFamily> families = new ArrayList<>();
      for (FunctionSpec.Parameter parameter : spec.parameters()) {
        families.add(family(parameter.type()));
      }
      return families;
    }

    private static SqlTypeFamily family(ArrowType type) {
      SqlTypeFamily family =
          CalciteTypes.toSql(FAMILY_TYPES, type, true).getSqlTypeName().getFamily();
      return family == null ? SqlTypeFamily.ANY : family;
    }
  }
}
