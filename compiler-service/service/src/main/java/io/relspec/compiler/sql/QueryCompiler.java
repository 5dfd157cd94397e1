package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.fingerprint.PlanNormalizer;
import io.relspec.compiler.lineage.FileScopeAnalyzer;
import io.relspec.compiler.lineage.LineageAnalyzer;
import io.relspec.contracts.api.RequiredColumn;
import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Fingerprint;
import io.relspec.contracts.model.Identifiers;
import io.relspec.sql.QueryText;
import io.relspec.sql.SqlRefusal;
import io.relspec.sql.TableReferences;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * Compiles one query against a {@link CompileEnvironment}: the SELECT-only gate, Calcite
 * validation, conversion to a relational plan, lineage, required columns, file scope, the
 * fingerprint of the normalized plan and DuckDB SQL regenerated from the plan.
 *
 * <p>A query that reads {@code view} tasks is converted twice: with views as tables (lineage and
 * required columns name the view, as written) and with views inlined (the executable SQL and the
 * fingerprint, so that a change to a view changes every reader's fingerprint).
 */
public final class QueryCompiler {
  /** Bumped whenever normalization changes, so fingerprints of old and new code never collide. */
  public static final String NORMALIZER_VERSION = "plan-1";

  public static final String CALCITE_VERSION = "1.42.0";

  private static final CalciteConnectionConfig CONNECTION = connectionConfig();

  private static final SqlValidator.Config VALIDATOR =
      SqlValidator.Config.DEFAULT
          .withConformance(SqlConformanceEnum.LENIENT)
          .withDefaultNullCollation(NullCollation.LAST)
          .withIdentifierExpansion(true)
          .withCallRewrite(true);

  private static final SqlToRelConverter.Config TO_REL =
      SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false);

  public CompiledQuery compile(String sql, CompileEnvironment environment, Deadline deadline)
      throws SqlCompileException {
    SqlNode parsed = parse(sql);
    List<DatasetName> logicalInputs = new ArrayList<>();
    for (String table : new TreeSet<>(TableReferences.of(parsed))) {
      logicalInputs.add(resolveName(environment, table));
    }
    deadline.check();
    Conversion logical = new Conversion(environment, false, deadline);
    RelRoot logicalRoot = logical.convert(parsed, sql);
    deadline.check();
    boolean readsViews =
        logicalInputs.stream()
            .anyMatch(name -> environment.input(name).map(CompileInput::isView).orElse(false));
    RelNode physical =
        readsViews
            ? new Conversion(environment, true, deadline).convert(parse(sql), sql).project()
            : logicalRoot.project();
    deadline.check();

    RelNode logicalRel = logicalRoot.project();
    RelDataType rowType = logicalRoot.validatedRowType;
    ArrowSchema outputSchema = ArrowTypes.schema(rowType);
    List<String> outputNames = rowType.getFieldNames();

    LineageAnalyzer.Result lineage = new LineageAnalyzer(deadline).analyze(logicalRel, outputNames);
    deadline.check();
    var fileScope =
        new FileScopeAnalyzer(name -> environment.input(name).map(CompileInput::fileIdColumn))
            .analyze(logicalRel, outputNames);
    PlanNormalizer.Normalized normalized =
        new PlanNormalizer(deadline).normalize(physical, rowType);
    deadline.check();

    StringBuilder canonical = new StringBuilder();
    canonical
        .append("calcite=")
        .append(CALCITE_VERSION)
        .append("\nnormalizer=")
        .append(NORMALIZER_VERSION)
        .append('\n')
        .append(normalized.text());
    for (String function : normalized.functions()) {
      var spec = environment.functions().get(function);
      canonical
          .append("\nfunction ")
          .append(function)
          .append('(')
          .append(
              spec.parameters().stream()
                  .map(parameter -> parameter.name() + " " + parameter.type())
                  .collect(java.util.stream.Collectors.joining(", ")))
          .append(") returns ")
          .append(spec.returns())
          .append(" = ")
          .append(spec.expression());
    }
    String executable = toDuckDb(physical);
    return new CompiledQuery(
        outputSchema,
        logicalInputs,
        physicalInputs(physical),
        requiredColumns(environment, lineage.required()),
        lineage.columns(),
        Fingerprint.sha256(canonical.toString()),
        normalized.text(),
        executable,
        normalized.functions(),
        fileScope);
  }

  /** Parses with the shared SELECT-only gate, maps refusals to diagnostics. */
  static SqlNode parse(String sql) throws SqlCompileException {
    SqlNode node;
    try {
      node = QueryText.parseQuery(sql);
    } catch (SqlRefusal e) {
      CompilerErrorCode code =
          switch (e.kind()) {
            case NOT_A_QUERY -> CompilerErrorCode.NOT_A_QUERY;
            case MULTIPLE_STATEMENTS -> CompilerErrorCode.MULTIPLE_STATEMENTS;
            case TOO_LARGE -> CompilerErrorCode.TOO_LARGE;
            case SYNTAX_ERROR -> CompilerErrorCode.SYNTAX_ERROR;
          };
      throw new SqlCompileException(code, e.getMessage(), e.line(), e.column());
    }
    TableReferences.flattenQualifiedNames(node);
    return node;
  }

  private static DatasetName resolveName(CompileEnvironment environment, String table)
      throws SqlCompileException {
    var known = environment.lookup(table);
    if (known.isPresent()) {
      return known.get().name();
    }
    if (!Identifiers.isName(table.toLowerCase(Locale.ROOT))) {
      throw new SqlCompileException(
          CompilerErrorCode.UNKNOWN_TABLE,
          "table '" + table + "' is not a dataset name",
          null,
          null);
    }
    return DatasetName.of(table.toLowerCase(Locale.ROOT));
  }

  private static Map<DatasetName, List<RequiredColumn>> requiredColumns(
      CompileEnvironment environment, Map<DatasetName, Set<String>> required) {
    Map<DatasetName, List<RequiredColumn>> result = new TreeMap<>();
    required.forEach(
        (dataset, columns) -> {
          CompileInput input = environment.input(dataset).orElseThrow();
          List<RequiredColumn> typed = new ArrayList<>();
          for (String column : columns) {
            ArrowField field = input.schema().field(column).orElseThrow();
            typed.add(new RequiredColumn(column, field.type()));
          }
          result.put(dataset, typed);
        });
    return result;
  }

  private static List<DatasetName> physicalInputs(RelNode rel) {
    Set<DatasetName> tables = new TreeSet<>();
    collectScans(rel, tables);
    return List.copyOf(tables);
  }

  private static void collectScans(RelNode rel, Set<DatasetName> tables) {
    if (rel instanceof TableScan scan) {
      tables.add(DatasetName.of(String.join(".", scan.getTable().getQualifiedName())));
    }
    rel.accept(
        new RexShuttle() {
          @Override
          public org.apache.calcite.rex.RexNode visitSubQuery(RexSubQuery subQuery) {
            collectScans(subQuery.rel, tables);
            return subQuery;
          }
        });
    for (RelNode input : rel.getInputs()) {
      collectScans(input, tables);
    }
  }

  static String toDuckDb(RelNode rel) throws SqlCompileException {
    try {
      RelToSqlConverter converter = new RelToSqlConverter(DuckDbDialect.INSTANCE);
      return converter.visitRoot(rel).asStatement().toSqlString(DuckDbDialect.INSTANCE).getSql();
    } catch (RuntimeException e) {
      throw new SqlCompileException(
          CompilerErrorCode.INVALID_QUERY,
          "the plan cannot be written as DuckDB SQL: " + firstLine(e.getMessage()),
          null,
          null);
    }
  }

  static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("").trim();
  }

  private static CalciteConnectionConfig connectionConfig() {
    Properties properties = new Properties();
    properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    properties.setProperty(
        CalciteConnectionProperty.UNQUOTED_CASING.camelName(), Casing.UNCHANGED.name());
    properties.setProperty(
        CalciteConnectionProperty.QUOTED_CASING.camelName(), Casing.UNCHANGED.name());
    properties.setProperty(
        CalciteConnectionProperty.DEFAULT_NULL_COLLATION.camelName(), NullCollation.LAST.name());
    properties.setProperty(
        CalciteConnectionProperty.CONFORMANCE.camelName(), SqlConformanceEnum.LENIENT.name());
    return new CalciteConnectionConfigImpl(properties);
  }

  /** One validation and conversion: a type factory, catalog reader, validator and cluster. */
  private static final class Conversion implements RelOptTable.ViewExpander {
    private final JavaTypeFactoryImpl typeFactory =
        new JavaTypeFactoryImpl(CompilerTypeSystem.INSTANCE);
    private final CalciteCatalogReader reader;
    private final SqlOperatorTable operators;
    private final RelOptCluster cluster;
    private final Deadline deadline;

    Conversion(CompileEnvironment environment, boolean expandViews, Deadline deadline) {
      CalciteSchema root =
          CalciteSchema.createRootSchema(
              false, false, "", new EnvironmentSchema(environment, expandViews));
      this.reader = new CalciteCatalogReader(root, List.of(), typeFactory, CONNECTION);
      this.operators = SqlOperatorTables.chain(OperatorSet.BUILT_IN, environment.functionTable());
      this.cluster =
          Metadata.withoutCodeGeneration(
              RelOptCluster.create(
                  new HepPlanner(HepProgram.builder().build()), new RexBuilder(typeFactory)));
      this.deadline = deadline;
    }

    RelRoot convert(SqlNode node, String sql) throws SqlCompileException {
      SqlValidator validator =
          SqlValidatorUtil.newValidator(operators, reader, typeFactory, VALIDATOR);
      SqlNode validated;
      try {
        validated = validator.validate(node);
      } catch (CalciteContextException e) {
        throw ValidationErrors.of(e, operators);
      } catch (RuntimeException e) {
        throw new SqlCompileException(
            CompilerErrorCode.INVALID_QUERY, firstLine(e.getMessage()), null, null);
      }
      deadline.check();
      try {
        SqlToRelConverter converter =
            new SqlToRelConverter(
                this, validator, reader, cluster, StandardConvertletTable.INSTANCE, TO_REL);
        return converter.convertQuery(validated, false, true);
      } catch (RuntimeException e) {
        throw new SqlCompileException(
            CompilerErrorCode.INVALID_QUERY,
            "the query cannot be planned: " + firstLine(e.getMessage()),
            null,
            null);
      }
    }

    @Override
    public RelRoot expandView(
        RelDataType rowType, String queryString, List<String> schemaPath, List<String> viewPath) {
      try {
        return convert(parse(queryString), queryString);
      } catch (SqlCompileException e) {
        throw new IllegalStateException(
            "view " + String.join(".", viewPath) + " does not compile: " + e.getMessage(), e);
      }
    }
  }
}
