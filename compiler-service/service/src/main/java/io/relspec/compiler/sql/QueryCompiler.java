package io.relspec.compiler.sql;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.compiler.fingerprint.PlanNormalizer;
import io.relspec.compiler.lineage.FileScopeAnalyzer;
import io.relspec.compiler.lineage.LineageAnalyzer;
import io.relspec.contracts.api.FileScope;
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
import java.util.LinkedHashSet;
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
 * Analyzes one query against a {@link CompileEnvironment}: the SELECT-only gate, Calcite
 * validation, conversion to a relational plan, lineage, required columns, file scope and the
 * fingerprint of the normalized plan. Calcite analyzes; it never writes the SQL that runs: an
 * executor runs the task's own SQL on DuckDB, with every name it reads bound to a pinned version.
 *
 * <p>A query that reads {@code view} tasks is converted twice: with views as tables (lineage and
 * required columns name the view, as written) and with views inlined (the physical inputs and the
 * fingerprint, so that a change to a view changes every reader's fingerprint).
 *
 * <p>Over 400 lines on purpose: one pipeline (parse, validate, plan, lineage, file scope,
 * fingerprint) whose steps share the validator and planner of one compile.
 */
public final class QueryCompiler {
  /** Bumped whenever normalization changes, so fingerprints of old and new code never collide. */
  public static final String NORMALIZER_VERSION = "plan-3";

  /**
   * The Calcite version the compiler runs with, part of every fingerprint: the build writes it from
   * the dependency's version ({@code calcite.properties}), so upgrading Calcite changes every
   * fingerprint, visibly, instead of leaving a stale constant behind.
   */
  public static final String CALCITE_VERSION = calciteVersion();

  private static String calciteVersion() {
    java.util.Properties properties = new java.util.Properties();
    try (java.io.InputStream in =
        QueryCompiler.class.getResourceAsStream("/io/relspec/compiler/calcite.properties")) {
      if (in == null) {
        throw new IllegalStateException("calcite.properties is missing from the compiler's jar");
      }
      properties.load(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String version = properties.getProperty("calcite.version", "");
    if (version.isEmpty() || version.startsWith("${")) {
      throw new IllegalStateException("calcite.properties was not filled in by the build");
    }
    return version;
  }

  private static final CalciteConnectionConfig CONNECTION = connectionConfig();

  private static final SqlValidator.Config VALIDATOR =
      SqlValidator.Config.DEFAULT
          .withConformance(SqlConformanceEnum.LENIENT)
          .withTypeCoercionFactory(DuckDbTypeCoercion::new)
          .withDefaultNullCollation(NullCollation.LAST)
          .withIdentifierExpansion(true)
          .withCallRewrite(true);

  private static final SqlToRelConverter.Config TO_REL =
      SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false);

  /**
   * Stack for one compile. Calcite's validator and converters recurse once per level of a query's
   * tree (a 2,000-term OR chain is 2,000 levels deep); on a large stack such queries compile, and
   * anything deeper than even that fails as TOO_LARGE instead of taking its thread down.
   */
  static final long STACK_BYTES = 256L << 20;

  /**
   * Compiles one query. No input makes this throw anything but {@link SqlCompileException}: a query
   * too deep for the stack is {@code TOO_LARGE}, any other failure inside Calcite is {@code
   * INVALID_QUERY} with its first line, so one task never stops the compile of the others.
   */
  public CompiledQuery compile(String sql, CompileEnvironment environment, Deadline deadline)
      throws SqlCompileException {
    Object[] outcome = new Object[1];
    Thread thread =
        new Thread(
            null,
            () -> {
              try {
                outcome[0] = compileHere(sql, environment, deadline);
              } catch (SqlCompileException e) {
                outcome[0] = e;
              } catch (StackOverflowError e) {
                outcome[0] =
                    new SqlCompileException(
                        CompilerErrorCode.TOO_LARGE,
                        "the query nests too deeply to analyze (deeper than the compiler's stack)",
                        null,
                        null);
              } catch (RuntimeException | LinkageError | AssertionError e) {
                outcome[0] =
                    new SqlCompileException(
                        CompilerErrorCode.INVALID_QUERY,
                        "the query cannot be analyzed: "
                            + firstLine(String.valueOf(e.getMessage())),
                        null,
                        null);
              }
            },
            "relspec-compile",
            STACK_BYTES);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
      throw new SqlCompileException(
          CompilerErrorCode.TIMEOUT, "the compile was interrupted", null, null);
    }
    if (outcome[0] instanceof SqlCompileException e) {
      throw e;
    }
    return (CompiledQuery) outcome[0];
  }

  private CompiledQuery compileHere(String sql, CompileEnvironment environment, Deadline deadline)
      throws SqlCompileException {
    SqlOperatorTable operators = operators(environment);
    SqlNode parsed = parse(sql, operators);
    List<DatasetName> logicalInputs = new ArrayList<>();
    for (String table : new TreeSet<>(TableReferences.of(parsed))) {
      logicalInputs.add(resolveName(environment, table));
    }
    deadline.check();
    Conversion logical = new Conversion(environment, operators, false, deadline);
    RelRoot logicalRoot = logical.convert(parsed);
    deadline.check();
    boolean readsViews =
        logicalInputs.stream()
            .anyMatch(name -> environment.input(name).map(CompileInput::isView).orElse(false));
    RelNode physical =
        readsViews
            ? new Conversion(environment, operators, true, deadline)
                .convert(parse(sql, operators))
                .project()
            : logicalRoot.project();
    deadline.check();

    RelNode logicalRel = logicalRoot.project();
    RelDataType rowType = logicalRoot.validatedRowType;
    ArrowSchema outputSchema = CalciteTypes.schema(rowType);
    List<String> outputNames = rowType.getFieldNames();

    LineageAnalyzer.Result lineage = new LineageAnalyzer(deadline).analyze(logicalRel, outputNames);
    deadline.check();
    FileScope fileScope =
        scopedThroughViews(
            new FileScopeAnalyzer(name -> environment.input(name).map(CompileInput::fileIdColumn))
                .analyze(logicalRel, outputNames),
            logicalInputs,
            environment);
    PlanNormalizer.Normalized normalized =
        new PlanNormalizer(deadline).normalize(physical, rowType);
    deadline.check();

    PlanNormalizer.Columns split = new PlanNormalizer(deadline).columns(physical, rowType);
    deadline.check();

    // Everything every fingerprint of this plan shares: the analyzer's versions and the bodies of
    // the catalog functions the plan calls (a changed body changes every column that may call it).
    StringBuilder context = new StringBuilder();
    context
        .append("calcite=")
        .append(CALCITE_VERSION)
        .append("\nnormalizer=")
        .append(NORMALIZER_VERSION)
        .append('\n');
    StringBuilder functionText = new StringBuilder();
    for (String function : normalized.functions()) {
      var spec = environment.functions().get(function);
      functionText
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
    String canonical = context + normalized.text() + functionText;
    java.util.Map<String, Fingerprint> columnFingerprints = new java.util.LinkedHashMap<>();
    for (int i = 0; i < outputNames.size(); i++) {
      columnFingerprints.put(
          outputNames.get(i),
          Fingerprint.sha256(context + "column " + split.columns().get(i) + functionText));
    }
    return new CompiledQuery(
        outputSchema,
        logicalInputs,
        physicalInputs(physical),
        requiredColumns(environment, lineage.required()),
        lineage.columns(),
        Fingerprint.sha256(canonical),
        normalized.text(),
        views(logicalInputs, environment),
        normalized.functions(),
        fileScope,
        columnFingerprints,
        Fingerprint.sha256(context + "rows\n" + split.rowSet() + functionText));
  }

  /** The operators a query may call: the built-in set and the catalog's functions. */
  private static SqlOperatorTable operators(CompileEnvironment environment) {
    return SqlOperatorTables.chain(OperatorSet.BUILT_IN, environment.functionTable());
  }

  /**
   * The views a query reads, directly or through other views, in dependency order (each view's own
   * views come before it): what an executor creates before the query runs.
   */
  private static List<DatasetName> views(
      List<DatasetName> logicalInputs, CompileEnvironment environment) {
    Set<DatasetName> ordered = new LinkedHashSet<>();
    for (DatasetName input : logicalInputs) {
      CompileInput read = environment.input(input).orElseThrow();
      if (read.isView()) {
        ordered.addAll(read.view().views());
        ordered.add(input);
      }
    }
    return List.copyOf(ordered);
  }

  /**
   * Resolves a scopable task's file-keyed inputs to what an executor restricts: an input read
   * directly is restricted itself; a scopable view is created over its own restricted inputs. A
   * dataset that would be read both restricted and in full (a non-scopable view over the same
   * source, say) makes the task run in full: one name cannot be bound both ways.
   */
  private static FileScope scopedThroughViews(
      FileScope logical, List<DatasetName> logicalInputs, CompileEnvironment environment) {
    if (!logical.scopable()) {
      return logical;
    }
    Map<DatasetName, String> scoped = new TreeMap<>();
    Map<DatasetName, DatasetName> inFull = new TreeMap<>();
    for (DatasetName input : logicalInputs) {
      CompileInput read = environment.input(input).orElseThrow();
      String column = logical.inputFileIdColumns().get(input);
      if (!read.isView()) {
        if (column != null) {
          scoped.put(input, column);
        } else {
          inFull.put(input, input);
        }
        continue;
      }
      Map<DatasetName, String> viewScoped =
          column == null ? Map.of() : read.view().fileScope().scopedInputs();
      scoped.putAll(viewScoped);
      for (DatasetName physical : read.view().physicalInputs()) {
        if (!viewScoped.containsKey(physical)) {
          inFull.putIfAbsent(physical, input);
        }
      }
    }
    for (DatasetName dataset : scoped.keySet()) {
      DatasetName through = inFull.get(dataset);
      if (through != null) {
        // Not scopable, but every output row still carries its file id: readers may scope by it.
        return new FileScope(
            false,
            dataset
                + " is read both for the changed files and in full"
                + (through.equals(dataset) ? "" : " (through view " + through + ")"),
            logical.fileIdColumn(),
            logical.inputFileIdColumns(),
            Map.of());
      }
    }
    return new FileScope(
        true,
        logical.reason(),
        logical.fileIdColumn(),
        logical.inputFileIdColumns(),
        scoped,
        logical.partialAggregate());
  }

  /**
   * Parses with the shared SELECT-only gate (mapping refusals to diagnostics) and puts DuckDB's
   * constructs into the form Calcite analyzes.
   */
  static SqlNode parse(String sql, SqlOperatorTable operators) throws SqlCompileException {
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
            case UNSUPPORTED_SYNTAX -> CompilerErrorCode.UNSUPPORTED_SYNTAX;
          };
      throw new SqlCompileException(code, e.getMessage(), e.line(), e.column());
    }
    TableReferences.flattenQualifiedNames(node);
    return DuckDbConstructs.rewrite(node, operators);
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
        new JavaTypeFactoryImpl(CompilerTypeSystem.INSTANCE) {
          // Calcite's default is ISO-8859-1, where 'größe ✓' or an emoji cannot be a literal.
          @Override
          public java.nio.charset.Charset getDefaultCharset() {
            return java.nio.charset.StandardCharsets.UTF_8;
          }
        };
    private final CalciteCatalogReader reader;
    private final SqlOperatorTable operators;
    private final RelOptCluster cluster;
    private final Deadline deadline;

    Conversion(
        CompileEnvironment environment,
        SqlOperatorTable operators,
        boolean expandViews,
        Deadline deadline) {
      CalciteSchema root =
          CalciteSchema.createRootSchema(
              false, false, "", new EnvironmentSchema(environment, expandViews));
      this.reader = new CalciteCatalogReader(root, List.of(), typeFactory, CONNECTION);
      this.operators = operators;
      this.cluster =
          Metadata.withoutCodeGeneration(
              RelOptCluster.create(
                  new HepPlanner(HepProgram.builder().build()), new RexBuilder(typeFactory)));
      this.deadline = deadline;
    }

    RelRoot convert(SqlNode node) throws SqlCompileException {
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
        return convert(parse(queryString, operators));
      } catch (SqlCompileException e) {
        throw new IllegalStateException(
            "view " + String.join(".", viewPath) + " does not compile: " + e.getMessage(), e);
      }
    }
  }
}
