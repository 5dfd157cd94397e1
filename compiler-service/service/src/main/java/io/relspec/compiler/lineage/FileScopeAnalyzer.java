package io.relspec.compiler.lineage;

import io.relspec.contracts.api.FileScope;
import io.relspec.contracts.model.DatasetName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * Decides whether a task can re-run for a subset of file ids: every file-keyed input's rows must
 * stay together by file through the whole plan (joins equate file ids, aggregations group by the
 * file id, windows partition by it, no LIMIT, every UNION branch carries it) and the output must
 * carry the file id column unchanged.
 *
 * <p>A task that is not scopable may still write an output partitioned by file id: every row keeps
 * the file id of the file-keyed row it came from (a join across files by name, a window over all
 * files, a LIMIT all keep the column). Its {@link FileScope#fileIdColumn()} then names that column,
 * so readers can be scoped by it: they run for the changed partitions when the task is not rebuilt,
 * in full when it is, narrowed at run time to the partitions its rewrite reports changed.
 *
 * <p>Over 400 lines on purpose: one proof by cases over Calcite's relational operators (rows kept
 * apart by file, a partition column, partial aggregates), each case beside the others it must agree
 * with.
 */
public final class FileScopeAnalyzer {
  private final Function<DatasetName, Optional<String>> fileIdColumns;
  private final TreeMap<DatasetName, String> fileKeyed = new TreeMap<>();

  /** Why rule 2c (partial aggregates) does not apply to a plan topped by an aggregation. */
  private String partialRefusal;

  /** A UNION has branches without file-keyed rows: they write the rows whose file id is NULL. */
  private boolean globalPartition;

  /**
   * Only follows which fields carry a file id, without requiring the rows of one file to stay
   * together: finds the partition column of a task that is not scopable.
   */
  private final boolean partitionsOnly;

  /**
   * @param fileIdColumns the file id column of an input, if its rows are keyed by file
   */
  public FileScopeAnalyzer(Function<DatasetName, Optional<String>> fileIdColumns) {
    this(fileIdColumns, false);
  }

  private FileScopeAnalyzer(
      Function<DatasetName, Optional<String>> fileIdColumns, boolean partitionsOnly) {
    this.fileIdColumns = fileIdColumns;
    this.partitionsOnly = partitionsOnly;
  }

  /** Per plan node: does it hold file-keyed rows, which fields are the file id. */
  private record Scope(boolean fileData, Set<Integer> fileIdFields) {
    static final Scope NONE = new Scope(false, Set.of());
  }

  private static final class NotScopable extends Exception {
    NotScopable(String reason) {
      super(reason, null, false, false);
    }
  }

  public FileScope analyze(RelNode root, List<String> outputNames) {
    try {
      Scope scope = visit(root);
      if (fileKeyed.isEmpty()) {
        return FileScope.notScopable("reads no input keyed by file id", fileKeyed);
      }
      if (scope.fileIdFields().isEmpty()) {
        return FileScope.notScopable(
            "the output has no column carrying the file id unchanged", fileKeyed);
      }
      String column = outputNames.get(scope.fileIdFields().stream().min(Integer::compare).get());
      return new FileScope(
          true,
          "output column "
              + column
              + " carries the file id of "
              + String.join(", ", fileKeyed.keySet().stream().map(DatasetName::value).toList())
              + (globalPartition
                  ? "; UNION branches without file-keyed rows write the global partition ("
                      + column
                      + " NULL), recomputed whole on every scoped run"
                  : ""),
          column,
          fileKeyed,
          fileKeyed);
    } catch (NotScopable e) {
      if (!partitionsOnly) {
        FileScope partial = partialAggregate(root, e.getMessage());
        if (partial != null) {
          return partial;
        }
        if (partialRefusal != null) {
          return notScopableBecause(
              root,
              outputNames,
              e.getMessage() + "; not kept from partial aggregates: " + partialRefusal);
        }
      }
      return notScopableBecause(root, outputNames, e.getMessage());
    }
  }

  private FileScope notScopableBecause(RelNode root, List<String> outputNames, String reason) {
    String partitions =
        new FileScopeAnalyzer(fileIdColumns, true).partitionColumn(root, outputNames);
    if (partitions == null) {
      return FileScope.notScopable(reason, fileKeyed);
    }
    return new FileScope(
        false,
        reason + "; its output stays partitioned by file id in column " + partitions,
        partitions,
        fileKeyed,
        Map.of());
  }

  /** The aggregate functions a partial per file id and group decomposes exactly. */
  private static final Set<SqlKind> DECOMPOSABLE =
      Set.of(SqlKind.COUNT, SqlKind.SUM, SqlKind.SUM0, SqlKind.MIN, SqlKind.MAX, SqlKind.AVG);

  /**
   * Rule 2c: a plan that is one aggregation grouped by other keys, over input whose rows stay
   * together by file, with decomposable aggregates only, possibly under a projection, a HAVING
   * filter and an ORDER BY. Its output is kept from partial aggregates per file id: returns that
   * scope, or null (the plan is then judged as before, with {@code reason} extended by why).
   */
  private FileScope partialAggregate(RelNode root, String reason) {
    RelNode node = root;
    while (true) {
      if (node instanceof Project project
          && project.getProjects().stream().noneMatch(FileScopeAnalyzer::nested)) {
        node = project.getInput();
      } else if (node instanceof Filter filter && !nested(filter.getCondition())) {
        node = filter.getInput();
      } else if (node instanceof Sort sort && sort.fetch == null && sort.offset == null) {
        node = sort.getInput();
      } else {
        break;
      }
    }
    if (!(node instanceof Aggregate aggregate)) {
      if (root instanceof Project || root instanceof Aggregate) {
        partialRefusal = aboveAggregation(root);
      }
      return null;
    }
    if (scans(root) != scans(aggregate.getInput())) {
      partialRefusal = "tables are read above the aggregation";
      return null;
    }
    if (aggregate.getGroupSets().size() > 1) {
      partialRefusal = "GROUPING SETS, ROLLUP or CUBE";
      return null;
    }
    for (org.apache.calcite.rel.core.AggregateCall call : aggregate.getAggCallList()) {
      if (call.isDistinct()) {
        partialRefusal = call.getAggregation().getName() + "(DISTINCT) is not decomposable";
        return null;
      }
      if (!DECOMPOSABLE.contains(call.getAggregation().getKind()) || call.getArgList().size() > 1) {
        partialRefusal = call.getAggregation().getName() + " is not decomposable";
        return null;
      }
    }
    FileScopeAnalyzer input = new FileScopeAnalyzer(fileIdColumns);
    Scope scope;
    try {
      scope = input.visit(aggregate.getInput());
    } catch (NotScopable e) {
      partialRefusal = "below the aggregation, " + e.getMessage();
      return null;
    }
    // The aggregation's input usually drops the file id (Calcite keeps the columns it needs), so
    // the key is taken from the file-keyed input itself: every row of the aggregation's input
    // comes from one file (the visit proved it), and carries that file's id unless an outer join
    // pads the file-keyed side, which is refused.
    if (!scope.fileData() || input.globalPartition) {
      return null;
    }
    if (padsFileRows(aggregate.getInput())) {
      partialRefusal = "an outer join pads the file-keyed rows";
      return null;
    }
    DatasetName keyInput = input.fileKeyed.firstKey();
    String keyColumn = input.fileKeyed.get(keyInput);
    fileKeyed.putAll(input.fileKeyed);
    return new FileScope(
        true,
        reason
            + "; its aggregates (COUNT, SUM, MIN, MAX, AVG) are kept per file id of "
            + keyInput
            + " and recomputed from those partials for the changed files",
        null,
        fileKeyed,
        input.fileKeyed,
        new FileScope.PartialAggregate(keyInput, keyColumn));
  }

  /** Why a plan topped by an aggregation is not kept from partials, when something above it is. */
  private static String aboveAggregation(RelNode root) {
    RelNode node = root;
    String problem = null;
    while (node instanceof Project || node instanceof Filter || node instanceof Sort) {
      if (problem == null
          && node instanceof Sort sort
          && (sort.fetch != null || sort.offset != null)) {
        problem = "LIMIT/OFFSET picks groups";
      }
      if (problem == null
          && node instanceof Project project
          && project.getProjects().stream().anyMatch(RexOver::containsOver)) {
        problem = "a window function over the groups";
      }
      if (problem == null
          && node instanceof Project project
          && project.getProjects().stream().anyMatch(FileScopeAnalyzer::nested)) {
        problem = "a sub-query over the groups";
      }
      if (problem == null && node instanceof Filter filter && nested(filter.getCondition())) {
        problem = "a sub-query over the groups";
      }
      node = node.getInput(0);
    }
    return node instanceof Aggregate ? problem : null;
  }

  /** How many table scans a plan holds, sub-queries in its expressions included. */
  private static int scans(RelNode rel) {
    int[] count = {0};
    new org.apache.calcite.rel.RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        if (other instanceof TableScan) {
          count[0]++;
        }
        other.accept(
            new RexShuttle() {
              @Override
              public RexNode visitSubQuery(RexSubQuery subQuery) {
                count[0] += scans(subQuery.rel);
                return subQuery;
              }
            });
        return super.visit(other);
      }
    }.visit(rel);
    return count[0];
  }

  /** Whether an outer join below {@code rel} pads a side that holds file-keyed rows. */
  private boolean padsFileRows(RelNode rel) {
    if (rel instanceof Join join
        && (join.getJoinType().generatesNullsOnLeft() && readsFileRows(join.getLeft())
            || join.getJoinType().generatesNullsOnRight() && readsFileRows(join.getRight()))) {
      return true;
    }
    return rel.getInputs().stream().anyMatch(this::padsFileRows);
  }

  private boolean readsFileRows(RelNode rel) {
    if (rel instanceof TableScan scan) {
      return fileIdColumns
          .apply(DatasetName.of(String.join(".", scan.getTable().getQualifiedName())))
          .isPresent();
    }
    return rel.getInputs().stream().anyMatch(this::readsFileRows);
  }

  /** A windowed aggregate or a sub-query in an expression above the aggregation. */
  private static boolean nested(RexNode expression) {
    return RexOver.containsOver(expression) || RexUtil.SubQueryFinder.find(expression) != null;
  }

  /** The output column every row of which carries a file id unchanged, or null. */
  private String partitionColumn(RelNode root, List<String> outputNames) {
    try {
      Scope scope = visit(root);
      return scope.fileIdFields().isEmpty()
          ? null
          : outputNames.get(scope.fileIdFields().stream().min(Integer::compare).get());
    } catch (NotScopable e) {
      return null;
    }
  }

  /** Rejects the plan as not scopable, unless only following the partition column. */
  private void notScopable(String reason) throws NotScopable {
    if (!partitionsOnly) {
      throw new NotScopable(reason);
    }
  }

  private Scope visit(RelNode rel) throws NotScopable {
    return switch (rel) {
      case TableScan scan -> scan(scan);
      case Project project -> project(project);
      case Filter filter -> {
        Scope input = visit(filter.getInput());
        checkSubQueries(filter.getCondition());
        yield input;
      }
      case Join join -> join(join);
      case Correlate correlate -> {
        Scope left = visit(correlate.getLeft());
        Scope right = visit(correlate.getRight());
        if (right.fileData()) {
          notScopable("a correlated sub-query reads file-keyed rows of other files");
        }
        yield left;
      }
      case Aggregate aggregate -> aggregate(aggregate);
      case Sort sort -> {
        Scope input = visit(sort.getInput());
        if (input.fileData() && (sort.fetch != null || sort.offset != null)) {
          notScopable("LIMIT/OFFSET picks rows across files");
        }
        yield input;
      }
      case SetOp setOp -> setOp(setOp);
      case Values values -> Scope.NONE;
      default -> throw new NotScopable(rel.getRelTypeName() + " is not analysed for file scope");
    };
  }

  private Scope scan(TableScan scan) {
    DatasetName dataset = DatasetName.of(String.join(".", scan.getTable().getQualifiedName()));
    Optional<String> column = fileIdColumns.apply(dataset);
    if (column.isEmpty()) {
      return Scope.NONE;
    }
    int index = scan.getRowType().getFieldNames().indexOf(column.get());
    if (index < 0) {
      return Scope.NONE;
    }
    fileKeyed.put(dataset, column.get());
    return new Scope(true, Set.of(index));
  }

  private Scope project(Project project) throws NotScopable {
    Scope input = visit(project.getInput());
    Set<Integer> fileIds = new HashSet<>();
    List<RexNode> projects = project.getProjects();
    for (int i = 0; i < projects.size(); i++) {
      RexNode expression = projects.get(i);
      checkSubQueries(expression);
      if (expression instanceof RexInputRef ref && input.fileIdFields().contains(ref.getIndex())) {
        fileIds.add(i);
      }
      if (input.fileData()) {
        checkWindows(expression, input.fileIdFields());
      }
    }
    return new Scope(input.fileData(), fileIds);
  }

  private Scope join(Join join) throws NotScopable {
    Scope left = visit(join.getLeft());
    Scope right = visit(join.getRight());
    checkSubQueries(join.getCondition());
    int offset = join.getLeft().getRowType().getFieldCount();
    if (left.fileData() && right.fileData()) {
      if (!equatesFileIds(join.getCondition(), left.fileIdFields(), right.fileIdFields(), offset)) {
        notScopable("a join of file-keyed inputs does not equate their file ids");
      }
    } else if (right.fileData() && !join.getJoinType().projectsRight()) {
      notScopable("a semi- or anti-join filters by file-keyed rows of other files");
    }
    // A side an outer join pads with NULLs does not carry the file id of every row: an unmatched
    // row of the other side's file gets NULL there, and would land in the rows without a file id.
    Set<Integer> fileIds = new HashSet<>();
    if (!join.getJoinType().generatesNullsOnLeft()) {
      fileIds.addAll(left.fileIdFields());
    }
    if (join.getJoinType().projectsRight() && !join.getJoinType().generatesNullsOnRight()) {
      for (int field : right.fileIdFields()) {
        fileIds.add(field + offset);
      }
    }
    return new Scope(left.fileData() || right.fileData(), fileIds);
  }

  private Scope aggregate(Aggregate aggregate) throws NotScopable {
    Scope input = visit(aggregate.getInput());
    if (!input.fileData()) {
      return input;
    }
    Set<Integer> fileIds = new HashSet<>();
    List<Integer> keys = aggregate.getGroupSet().asList();
    for (int position = 0; position < keys.size(); position++) {
      if (input.fileIdFields().contains(keys.get(position))) {
        fileIds.add(position);
      }
    }
    if (fileIds.isEmpty() || aggregate.getGroupSets().size() > 1) {
      notScopable("an aggregation does not group by the file id");
      return new Scope(true, Set.of());
    }
    return new Scope(true, fileIds);
  }

  private Scope setOp(SetOp setOp) throws NotScopable {
    List<Scope> scopes = new ArrayList<>();
    for (RelNode input : setOp.getInputs()) {
      scopes.add(visit(input));
    }
    long withFiles = scopes.stream().filter(Scope::fileData).count();
    if (withFiles == 0) {
      return Scope.NONE;
    }
    Set<Integer> common = null;
    for (Scope scope : scopes) {
      if (scope.fileData()) {
        if (common == null) {
          common = new HashSet<>(scope.fileIdFields());
        } else {
          common.retainAll(scope.fileIdFields());
        }
      }
    }
    if (withFiles < scopes.size()) {
      // A mixed union: the branches without file-keyed rows form the global partition, the rows
      // whose file id is NULL, which a scoped run recomputes whole beside the changed files'.
      if (setOp.kind != SqlKind.UNION) {
        notScopable("a branch of " + setOp.kind + " has no file-keyed rows");
        return new Scope(true, Set.of());
      }
      if (common.isEmpty()) {
        return new Scope(true, common);
      }
      for (int i = 0; i < scopes.size(); i++) {
        if (!scopes.get(i).fileData()) {
          common.retainAll(nullFields(setOp.getInputs().get(i)));
        }
      }
      if (common.isEmpty()) {
        notScopable(
            "a UNION branch without file-keyed rows does not write NULL in the file id column");
        return new Scope(true, Set.of());
      }
      globalPartition = true;
    }
    return new Scope(true, common);
  }

  /**
   * The fields that are NULL in every row of {@code rel}, as far as its plan shows: NULL literals
   * (possibly cast) projected or listed in VALUES, through filters, sorts and nested unions.
   */
  private static Set<Integer> nullFields(RelNode rel) {
    return switch (rel) {
      case Project project -> {
        Set<Integer> fields = new HashSet<>();
        List<RexNode> projects = project.getProjects();
        Set<Integer> inputNulls = nullFields(project.getInput());
        for (int i = 0; i < projects.size(); i++) {
          RexNode expression = projects.get(i);
          if (RexUtil.isNullLiteral(expression, true)
              || expression instanceof RexInputRef ref && inputNulls.contains(ref.getIndex())) {
            fields.add(i);
          }
        }
        yield fields;
      }
      case Values values -> {
        Set<Integer> fields = new HashSet<>();
        for (int i = 0; i < values.getRowType().getFieldCount(); i++) {
          int field = i;
          if (values.getTuples().stream().allMatch(tuple -> tuple.get(field).isNull())) {
            fields.add(i);
          }
        }
        yield fields;
      }
      case Filter filter -> nullFields(filter.getInput());
      case Sort sort -> nullFields(sort.getInput());
      case SetOp setOp when setOp.kind == SqlKind.UNION -> {
        Set<Integer> fields = null;
        for (RelNode input : setOp.getInputs()) {
          Set<Integer> branch = nullFields(input);
          if (fields == null) {
            fields = new HashSet<>(branch);
          } else {
            fields.retainAll(branch);
          }
        }
        yield fields;
      }
      default -> Set.of();
    };
  }

  private static boolean equatesFileIds(
      RexNode condition, Set<Integer> left, Set<Integer> right, int offset) {
    List<RexNode> conjuncts = new ArrayList<>();
    flattenAnd(condition, conjuncts);
    for (RexNode conjunct : conjuncts) {
      if (conjunct.getKind() == SqlKind.EQUALS
          && conjunct instanceof RexCall call
          && call.getOperands().get(0) instanceof RexInputRef a
          && call.getOperands().get(1) instanceof RexInputRef b) {
        int x = Math.min(a.getIndex(), b.getIndex());
        int y = Math.max(a.getIndex(), b.getIndex());
        if (left.contains(x) && y >= offset && right.contains(y - offset)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void flattenAnd(RexNode node, List<RexNode> out) {
    if (node.getKind() == SqlKind.AND && node instanceof RexCall call) {
      for (RexNode operand : call.getOperands()) {
        flattenAnd(operand, out);
      }
    } else {
      out.add(node);
    }
  }

  /** A window over file-keyed rows must be partitioned by the file id. */
  private void checkWindows(RexNode expression, Set<Integer> fileIdFields) throws NotScopable {
    List<RexOver> windows = new ArrayList<>();
    expression.accept(
        new RexShuttle() {
          @Override
          public RexNode visitOver(RexOver over) {
            windows.add(over);
            return super.visitOver(over);
          }
        });
    for (RexOver over : windows) {
      boolean partitioned =
          over.getWindow().partitionKeys.stream()
              .anyMatch(
                  key -> key instanceof RexInputRef ref && fileIdFields.contains(ref.getIndex()));
      if (!partitioned) {
        notScopable("a window function is not partitioned by the file id");
      }
    }
  }

  /** A sub-query over file-keyed rows sees other files' rows. */
  private void checkSubQueries(RexNode expression) throws NotScopable {
    List<RexSubQuery> subQueries = new ArrayList<>();
    expression.accept(
        new RexShuttle() {
          @Override
          public RexNode visitSubQuery(RexSubQuery subQuery) {
            subQueries.add(subQuery);
            return subQuery;
          }
        });
    for (RexSubQuery subQuery : subQueries) {
      if (visit(subQuery.rel).fileData()) {
        notScopable("a sub-query reads file-keyed rows of other files");
      }
    }
  }
}
